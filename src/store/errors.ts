// Errors of the store that mean something to the caller.

/** The database cannot be reached (stopped, restarting, network down): nothing was written by this call. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    message = 'The database cannot be reached; nothing was changed. Try again in a moment.',
    /** The connection broke while COMMIT was on its way: the transaction may or may not have committed. */
    readonly commitUnknown = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
