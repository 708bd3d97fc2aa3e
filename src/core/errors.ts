// The one error class of the face core: every failure carries a stable `.code`. The native addon constructs it
// itself (binding.ts registers it with setErrorClass), so errors reach callers as they were thrown, unwrapped.

export type FaceCoreErrorCode =
  | 'INVALID_IMAGE'
  | 'UNSUPPORTED_FORMAT'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'INVALID_VIDEO'
  | 'VIDEO_TOO_LONG'
  | 'TIMEOUT'
  | 'INTERNAL';

export class FaceCoreError extends Error {
  readonly code: FaceCoreErrorCode;

  constructor(code: FaceCoreErrorCode, message: string) {
    super(message);
    this.name = 'FaceCoreError';
    this.code = code;
  }
}

/** An analysis that passed its timeoutMs (the addon words the same code when it stops part-way). */
export function timedOut(ms: number): FaceCoreError {
  return new FaceCoreError('TIMEOUT', `The analysis took longer than its limit of ${ms} ms and was stopped.`);
}

/** One message shape for every argument check: "Expected <what> for <name> but received <value> of type <type>". */
export function invalidArgument(name: string, expected: string, actual: unknown): FaceCoreError {
  return new FaceCoreError('INVALID_ARGUMENT', `Expected ${expected} for ${name} but received ${brief(actual)} of type ${typeof actual}`);
}

/** A short rendering of any value: buffers and arrays by their type and length, never their contents. */
function brief(value: unknown): string {
  const cut = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (Buffer.isBuffer(value)) return `Buffer(${value.length} bytes)`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${'length' in value ? String(value.length) : `${value.byteLength} bytes`})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength} bytes)`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value !== null && typeof value === 'object') return cut(`{${Object.keys(value).slice(0, 5).join(', ')}}`);
  return cut(String(value));
}
