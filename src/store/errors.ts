// Errors of the storage under the service — the database (the store) and the photo storage (S3-compatible) — that
// mean something to the caller, each a class with a stable `.code`, and the one place that tells them from any
// other error (storageFailure).

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

/** The photo storage could not be reached or refused the service (down, bad credentials, no bucket). */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  readonly code = 'STORAGE_UNAVAILABLE';
}

/** The codes the system and SQLite give a write that found no space left: the service is fine, its disk is full. */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** A write failed for want of space (a system or SQLite error, recognised by the code its library gives it). */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FULL_CODES.has(code);
}

/** What a failure of the storage means to the caller; the names are the codes the API answers with. */
export type StorageFailure = 'STORE_UNAVAILABLE' | 'STORAGE_UNAVAILABLE' | 'STORAGE_FULL';

/**
 * The storage failure an error is — the database or the photo storage out of reach, or a full disk — or undefined
 * for any other error (an internal one).
 */
export function storageFailure(err: unknown): StorageFailure | undefined {
  if (err instanceof StoreUnavailableError) return 'STORE_UNAVAILABLE';
  if (err instanceof StorageUnavailableError) return 'STORAGE_UNAVAILABLE';
  if (isStorageFull(err)) return 'STORAGE_FULL';
  return undefined;
}
