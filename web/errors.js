// Errors in plain words: the API's error codes turned into sentences, the alert box that shows them,
// and the upload-limit check made before a file is sent.

import { GraphQLRequestError } from './graphql.js';
import { health } from './api.js';
import { el } from './dom.js';

/**
 * The API's error in plain words; the server's own message is kept as a detail when it adds something.
 * `overrides` maps codes to words for a view whose files are not photos (videos).
 */
export function plainError(err, overrides = {}) {
  const code = err instanceof GraphQLRequestError ? err.code : 'CLIENT_ERROR';
  const words = {
    NO_FACE_FOUND: err.message,
    UNSUPPORTED_FILE_TYPE: 'That file is not a photo the service can read. Choose a JPEG, PNG, WebP, BMP or GIF picture.',
    INVALID_IMAGE: 'That photo could not be read: the file looks damaged or incomplete. Try another picture.',
    FILE_TOO_LARGE: health
      ? `That file is too large. Photos can be up to ${health.maxUploadMb} MB.`
      : 'That file is too large for the service. Choose a smaller photo.',
    IMAGE_TOO_LARGE: 'That picture has too many pixels to process. Make it smaller and try again.',
    NOT_FOUND: 'That person or photo no longer exists; it may have been deleted.',
    NAME_TAKEN: 'Someone else in the gallery already has that name.',
    BAD_REQUEST: 'The service could not understand the request. Reload the page and try again.',
    UNAUTHENTICATED: 'The service needs an API key. Reload the page or repeat the action to enter it.',
    NETWORK_ERROR: err.message,
    BAD_USER_INPUT: err.message,
    ...overrides,
  }[code];
  const main = words ?? 'Something went wrong on the server. Please try again.';
  const detail = words && err.message && err.message !== main && code !== 'NETWORK_ERROR' ? err.message : '';
  return { code, main, detail };
}

/** The alert box for an error: its words, with data-code for the API's code and the server's detail. */
export function errorBox(err, overrides) {
  const { code, main, detail } = plainError(err, overrides);
  return alertBox(main, { code, detail });
}

/** The alert box for a problem the page finds itself, before anything is sent (no photo chosen, a name missing). */
export function alertBox(text, { code, detail } = {}) {
  return el(
    'div',
    { class: 'message error', role: 'alert', testid: 'error', 'data-code': code },
    el('p', { testid: 'error-message' }, text),
    detail ? el('p', { class: 'detail' }, detail) : null,
  );
}

/**
 * Throws a FILE_TOO_LARGE error before sending, when the limit (MB; photos' by default) is known
 * and the file is over it.
 */
export function refuseTooLarge(file, limitMb = health?.maxUploadMb) {
  if (!limitMb || file.size <= limitMb * 1024 * 1024) return;
  throw new GraphQLRequestError(`The file is ${(file.size / 1048576).toFixed(1)} MB.`, 'FILE_TOO_LARGE');
}
