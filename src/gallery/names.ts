// People's names: the one place that says what a valid name is and how a full name is written.
import { GalleryError } from './errors.js';

export const MAX_NAME_LENGTH = 100;

/** A first name and surname that passed cleanName: trimmed, NFC, non-blank, short, no control characters. */
export interface PersonName {
  readonly firstName: string;
  readonly surName: string;
  readonly __checked: true;
}

/** Trims a name part and checks it: non-blank, at most 100 characters, no control characters. */
export function cleanName(value: string, field: string): string {
  const v = value.normalize('NFC').trim();
  if (v.length === 0) throw new GalleryError('BAD_USER_INPUT', `Expected a non-blank ${field}`);
  const length = [...v].length;
  if (length > MAX_NAME_LENGTH) {
    throw new GalleryError('BAD_USER_INPUT', `Expected ${field} of at most ${MAX_NAME_LENGTH} characters but received ${length}`);
  }
  if (/\p{Cc}/u.test(v)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} without control characters`);
  return v;
}

/** Checks both parts of a name once; the gallery takes the result as it is. */
export function personName(firstName: string, surName: string): PersonName {
  return { firstName: cleanName(firstName, 'firstName'), surName: cleanName(surName, 'surName'), __checked: true };
}

export const fullName = (p: { firstName: string; surName: string }): string => `${p.firstName} ${p.surName}`;
