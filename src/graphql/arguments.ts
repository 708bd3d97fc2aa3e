// Arguments checked against the one table of ranges (src/core/limits.ts), answered as BAD_USER_INPUT
// in the API's words: "Expected first between 0 and 100 but received 200".
import { inRange, RANGES, type Detector as CoreDetector, type Range } from '../core/limits.js';
import type { Detector } from './generated.js';
import { userError } from './errors.js';

/** Page sizes of people() and videoJobs(). */
export const PAGE_SIZE: Range = { min: 0, max: 100, integer: true };
export const DEFAULT_PAGE_SIZE = 20;
/** Default length of Person.faces: every photo of almost everyone, and the query cost bounded all the same. */
export const FACES_PAGE_SIZE = 100;

/** "between 1 and 1000", "of at least 0", "in (0, 1]". */
export function rangeWords(r: Range): string {
  if (r.integer && Number.isFinite(r.max)) return `between ${r.min} and ${r.max}`;
  if (r.max === Infinity) return r.minExclusive ? `greater than ${r.min}` : `of at least ${r.min}`;
  return `in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}${r.maxExclusive ? ')' : ']'}`;
}

/** The value when it is in range (or the fallback when it was not given); BAD_USER_INPUT otherwise. */
export function argument(name: string, value: number | null | undefined, range: Range): number | undefined;
export function argument(name: string, value: number | null | undefined, range: Range, fallback: number): number;
export function argument(name: string, value: number | null | undefined, range: Range, fallback?: number): number | undefined {
  if (value == null) return fallback;
  if (!inRange(range, value)) throw userError('BAD_USER_INPUT', `Expected ${name} ${rangeWords(range)} but received ${value}`);
  return value;
}

/** A faceIndex argument: which face of the photo to enrol (0 to 999). */
export const faceIndexArgument = (value: number | null | undefined): { faceIndex?: number } =>
  value == null ? {} : { faceIndex: argument('faceIndex', value, { min: 0, max: 999, integer: true }) };

/** A tolerance argument, or the service's own. */
export const toleranceArgument = (value: number | null | undefined, fallback: number): number =>
  argument('tolerance', value, RANGES.tolerance, fallback);

/** A Detector enum argument as the gallery's per-call override (left out: the service's FACE_DETECTOR). */
export const detectorArgument = (value: Detector | null | undefined): { detector?: CoreDetector } =>
  value == null ? {} : { detector: value === 'CNN' ? 'cnn' : 'hog' };
