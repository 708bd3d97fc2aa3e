// The domain's one error class, and the one table that turns the face core's codes into it.
import { FaceCoreError } from '../core/index.js';
import { storageFailure } from '../store/errors.js';

export type GalleryErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'INVALID_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'NO_FACE_FOUND'
  | 'AMBIGUOUS_FACE'
  | 'NOT_FOUND'
  | 'NAME_TAKEN'
  | 'INVALID_VIDEO'
  | 'VIDEO_TOO_LONG'
  | 'STORAGE_FULL'
  | 'STORAGE_UNAVAILABLE'
  | 'QUEUE_FULL'
  | 'TIMEOUT'
  | 'STORE_UNAVAILABLE';

/** An expected failure caused by the request or its file, with a stable code; anything else is an internal error. */
export class GalleryError extends Error {
  override name = 'GalleryError';
  constructor(
    readonly code: GalleryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Core codes that describe the caller's file, and how the domain words them; other core codes are internal. */
const FROM_CORE: Partial<Record<FaceCoreError['code'], (e: FaceCoreError) => GalleryError>> = {
  INVALID_IMAGE: (e) => new GalleryError('INVALID_IMAGE', `The file is not a readable image: ${e.message}`),
  // The bytes match no known image format: whatever its name says, the file is not an image.
  UNSUPPORTED_FORMAT: () => new GalleryError('INVALID_IMAGE', 'The file is not an image: its bytes are not JPEG, PNG, WebP, BMP, GIF or TIFF.'),
  IMAGE_TOO_LARGE: (e) => new GalleryError('IMAGE_TOO_LARGE', e.message),
  INVALID_VIDEO: (e) => new GalleryError('INVALID_VIDEO', e.message),
  VIDEO_TOO_LONG: (e) => new GalleryError('VIDEO_TOO_LONG', e.message),
  TIMEOUT: () => new GalleryError('TIMEOUT', TIMEOUT_MESSAGE),
};

export const TIMEOUT_MESSAGE = 'The photo could not be analysed within the time limit (ANALYSIS_TIMEOUT_S); try again, or a smaller photo.';

export const STORE_UNAVAILABLE_MESSAGE = 'The database cannot be reached right now: nothing was changed. Try again in a moment.';

export const STORAGE_UNAVAILABLE_MESSAGE = 'The photo storage cannot be reached right now: nothing was stored or deleted. Try again later.';

export const STORAGE_FULL_MESSAGE = 'The service has no disk space left: nothing was stored. Delete people or photos, or free space on its disk.';

/**
 * The GalleryError for a core error about the caller's file, for a full disk, for photo storage out of reach, or
 * for a database that cannot be reached; any other error is returned unchanged (it is internal).
 */
export function fromCoreError(err: unknown): unknown {
  if (err instanceof FaceCoreError) return FROM_CORE[err.code]?.(err) ?? err;
  switch (storageFailure(err)) {
    case 'STORAGE_FULL':
      return new GalleryError('STORAGE_FULL', STORAGE_FULL_MESSAGE);
    case 'STORAGE_UNAVAILABLE':
      return new GalleryError('STORAGE_UNAVAILABLE', STORAGE_UNAVAILABLE_MESSAGE);
    case 'STORE_UNAVAILABLE':
      return new GalleryError('STORE_UNAVAILABLE', STORE_UNAVAILABLE_MESSAGE);
    default:
      return err;
  }
}

/** The code and message of an expected failure (fromCoreError's GalleryError); null for an internal error. */
export function codedErrorOf(err: unknown): { code: GalleryErrorCode; message: string } | null {
  const e = fromCoreError(err);
  return e instanceof GalleryError ? { code: e.code, message: e.message } : null;
}

/** The data folder is not in a state the service may start on; the message says how to recover. */
export class DataDirError extends Error {
  override name = 'DataDirError';
  readonly code = 'DATA_DIR_MISMATCH';

  static emptyDatabase(database: string, imagesDir: string, photos: number, engine: 'sqlite' | 'postgres'): DataDirError {
    if (engine === 'postgres') {
      return new DataDirError(
        `The database ${database} holds no photos, but ${imagesDir} holds ${photos}: DATABASE_URL names another or a new ` +
          'database, or it was emptied. Nothing was changed. To recover, point DATABASE_URL at the database these photos ' +
          `belong to, restore that database, or, to start an empty gallery, move ${imagesDir} somewhere else.`,
      );
    }
    return new DataDirError(
      `The database ${database} holds no photos, but ${imagesDir} holds ${photos}: the database was removed, emptied, ` +
        'or restored without its -wal file. Nothing was changed. To recover, restore a backup (npm run restore -- <backup file>), ' +
        `put back the faces.db and faces.db-wal files you had, or, to start an empty gallery, move ${imagesDir} somewhere else.`,
    );
  }
}

export const notFoundPerson = (id: number): GalleryError => new GalleryError('NOT_FOUND', `No person has the id ${id}`);

/** An id as an error message quotes it: a client's 100 KB "id" is not echoed back whole. */
const quotedId = (id: string): string => (id.length > 64 ? `${JSON.stringify(id.slice(0, 40))}… (${id.length} characters)` : JSON.stringify(id));

export const notFoundPhoto = (imageId: string): GalleryError => new GalleryError('NOT_FOUND', `No stored photo has the id ${quotedId(imageId)}`);
