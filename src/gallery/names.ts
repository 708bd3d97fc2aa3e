// People's names: the one place that says what a valid name is and how a full name is written.
import { GalleryError } from './errors.js';

export const MAX_NAME_LENGTH = 100;

/** A first name and surname that passed cleanName: trimmed, NFC, non-blank, short, no control characters. */
export interface PersonName {
  readonly firstName: string;
  readonly surName: string;
  readonly __checked: true;
}

/** Bidirectional overrides and isolates: they make a name read differently from what it holds. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * Trims a name part and checks it: well-formed Unicode, non-blank, at most MAX_NAME_LENGTH characters, no control
 * characters or bidirectional overrides, and at least one letter or digit (a name of only invisible characters is
 * blank).
 */
export function cleanName(value: string, field: string): string {
  if (/\p{Cs}/u.test(value)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} to be well-formed Unicode (it holds a lone surrogate)`);
  const v = value.normalize('NFC').trim();
  if (v.length === 0) throw new GalleryError('BAD_USER_INPUT', `Expected a non-blank ${field}`);
  const length = [...v].length;
  if (length > MAX_NAME_LENGTH) {
    throw new GalleryError('BAD_USER_INPUT', `Expected ${field} of at most ${MAX_NAME_LENGTH} characters but received ${length}`);
  }
  if (/\p{Cc}/u.test(v)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} without control characters`);
  if (BIDI_CONTROLS.test(v)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} without bidirectional override characters`);
  if (!/[\p{L}\p{N}]/u.test(v)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} with at least one letter or digit`);
  return v;
}

/** Checks both parts of a name once; the gallery takes the result as it is. */
export function personName(firstName: string, surName: string): PersonName {
  return { firstName: cleanName(firstName, 'firstName'), surName: cleanName(surName, 'surName'), __checked: true };
}

export const fullName = (p: { firstName: string; surName: string }): string => `${p.firstName} ${p.surName}`;
