// Person ids travel as GraphQL IDs (decimal strings of the row id); cursors are opaque.
import { userError } from '../errors.js';

/** The row id an ID names, or null when it cannot name any row. */
export function parseRowId(id: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

export function requireRowId(id: string, what = 'person'): number {
  const n = parseRowId(id);
  if (n === null) throw userError('NOT_FOUND', `No ${what} has the id ${JSON.stringify(id.slice(0, 64))}`);
  return n;
}

const CURSOR_PREFIX = 'person:';

export const encodeCursor = (personId: number): string => Buffer.from(`${CURSOR_PREFIX}${personId}`).toString('base64url');

const GROUPS_PREFIX = 'groups:';

/** faceGroups' cursor: how many groups came before. */
export const encodeGroupCursor = (offset: number): string => Buffer.from(`${GROUPS_PREFIX}${offset}`).toString('base64url');

export function decodeGroupCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = text.startsWith(GROUPS_PREFIX) ? parseRowId(text.slice(GROUPS_PREFIX.length)) : null;
  if (offset === null) throw userError('BAD_USER_INPUT', 'Expected `after` to be an endCursor returned by faceGroups()');
  return offset;
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? parseRowId(text.slice(CURSOR_PREFIX.length)) : null;
  if (id === null) throw userError('BAD_USER_INPUT', 'Expected `after` to be an endCursor returned by people()');
  return id;
}
