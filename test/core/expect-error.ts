// Assertions on the face core's errors: a FaceCoreError with the expected stable code (and message, when given).
import assert from 'node:assert/strict';
import { FaceCoreError } from '../../src/core/index.js';

function check(e: unknown, codes: string[], message?: RegExp): true {
  assert.ok(e instanceof FaceCoreError, `expected a FaceCoreError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  assert.ok(codes.includes(e.code), `expected ${codes.join(' or ')}, got ${e.code}: ${e.message}`);
  if (message) assert.match(e.message, message);
  return true;
}

/** The call (or promise) rejects with a FaceCoreError of `code` (one of `code`, given an array). */
export async function rejectsWith(work: Promise<unknown> | (() => unknown), code: string | string[], message?: RegExp): Promise<void> {
  const codes = Array.isArray(code) ? code : [code];
  await assert.rejects(async () => (typeof work === 'function' ? await work() : await work), (e: unknown) => check(e, codes, message));
}

/** The synchronous call throws a FaceCoreError of `code`. */
export function throwsWith(work: () => unknown, code: string, message?: RegExp): void {
  assert.throws(work, (e: unknown) => check(e, [code], message));
}
