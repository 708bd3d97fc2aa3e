// GraphQL errors with stable `extensions.code`s; anything unexpected is masked before it leaves the server.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { codedErrorOf, fromCoreError, GalleryError } from '../gallery/index.js';

/** Every code a client may see. Codes are part of the API: never rename one. */
export const ErrorCode = {
  /** An argument is missing, blank, too long or out of range. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /**
   * The file's name does not end in jpg, jpeg, png, webp, bmp, gif, tif or tiff;
   * for recognizeVideo: it does not end in mp4, webm, avi, mov, mkv or m4v.
   */
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE',
  /** The file is empty or its bytes are not a readable image. */
  INVALID_IMAGE: 'INVALID_IMAGE',
  /** recognizeVideo: the uploaded file is empty. (A video that cannot be decoded ends its job FAILED with this code.) */
  INVALID_VIDEO: 'INVALID_VIDEO',
  /** The upload is bigger than MAX_UPLOAD_MB (photos) or MAX_VIDEO_MB (videos). */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The image has more pixels than the decoder accepts. */
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  /** addPerson/addFace: the photo holds no recognisable face (none, or only ones too small, cut, blurred or turned). */
  NO_FACE_FOUND: 'NO_FACE_FOUND',
  /** addPerson/addFace: two faces are about equally plausible as the person; send faceIndex to choose. */
  AMBIGUOUS_FACE: 'AMBIGUOUS_FACE',
  /** No person, stored photo or video job has that id. */
  NOT_FOUND: 'NOT_FOUND',
  /** renamePerson: another person already has that name. */
  NAME_TAKEN: 'NAME_TAKEN',
  /** The disk or the database is full: nothing was stored; deleting still works. */
  STORAGE_FULL: 'STORAGE_FULL',
  /** PHOTO_STORE is S3-compatible storage and it cannot be reached (or refuses the service's credentials): nothing was stored or deleted. */
  STORAGE_UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  /** The photo's analysis (waiting for a native slot included) took longer than ANALYSIS_TIMEOUT_S. */
  TIMEOUT: 'TIMEOUT',
  /** The database (PostgreSQL) cannot be reached right now: nothing was changed; try again in a moment. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** MAX_QUEUED_VIDEOS videos are already waiting. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** API_KEYS is set and the request carries no valid x-api-key. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The query is deeper or costlier than MAX_QUERY_DEPTH / MAX_QUERY_COST allow; refused before it runs. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** HTTP 503: the service is stopping; the request was not run (sent with `Connection: close`). Try again. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** The HTTP request itself is unusable: malformed multipart body, missing preflight header, bad JSON. */
  BAD_REQUEST: 'BAD_REQUEST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** Codes Apollo Server itself gives to bad queries; they are safe to show as they are. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);
const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...APOLLO_CODES]);

/** A coded error for the client; `status` sets the HTTP status of the whole answer (default 200, as GraphQL has it). */
export function userError(code: ErrorCodeName, message: string, status?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(status && { http: { status } }) } });
}

/** The JSON body of an error answered outside GraphQL execution (HTTP middleware). */
export function errorBody(code: ErrorCodeName, message: string): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { code } }] };
}

export const INTERNAL_MESSAGE = 'Internal server error';

/** The stable code and message of an expected failure (a gallery error or a coded GraphQL error); null for anything else. */
export function codedError(error: unknown): { code: string; message: string } | null {
  const gallery = codedErrorOf(error);
  if (gallery) return gallery;
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && PUBLIC_CODES.has(code)) return { code, message: error.message };
  }
  return null;
}

/**
 * Apollo's formatError: gallery errors become their code, known codes pass through without any
 * stack trace, everything else is logged and answered as INTERNAL_SERVER_ERROR.
 */
export function makeFormatError(logger: Pick<Console, 'error'>) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = fromCoreError(unwrapResolverError(error));
    const where = { ...(formatted.locations && { locations: formatted.locations }), ...(formatted.path && { path: formatted.path }) };
    if (original instanceof GalleryError) {
      return { message: original.message, ...where, extensions: { code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && PUBLIC_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, ...where, extensions: { ...extensions, code } };
    }
    logger.error('graphql: internal error:', original);
    return { message: INTERNAL_MESSAGE, ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
