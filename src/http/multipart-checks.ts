// Multipart (upload) requests at the HTTP level, around graphql-upload: the preflight-forcing header they must carry
// before any file is read (CSRF prevention), and graphql-upload's refusals (a malformed body, too many files, a
// field or file over its limit) answered as coded JSON.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { MAX_NAME_LENGTH } from '../gallery/index.js';
import { errorBody } from '../graphql/errors.js';
import { answerEarly } from './early-answer.js';

/**
 * A multipart POST is a "simple" request a browser sends cross-site without asking; Apollo's CSRF prevention needs
 * a preflight-forcing header. Checked before graphql-upload reads any file; a refused body is drained up to
 * `drainLimit` bytes.
 */
export function requirePreflightForMultipart(drainLimit: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    if (req.get('apollo-require-preflight') || req.get('x-apollo-operation-name')) return next();
    answerEarly(
      req,
      res,
      400,
      'BAD_REQUEST',
      'Multipart requests must send the header Apollo-Require-Preflight: true (CSRF prevention).',
      drainLimit,
    );
  };
}

/** graphql-upload's errors (bad multipart body, too many files) as JSON with a code. */
export const multipartErrors: ErrorRequestHandler = (err: unknown, req: Request, res: Response, next: NextFunction) => {
  if (res.headersSent) return next(err);
  const e = err as { status?: number; message?: string };
  if (e.status === 499) return; // the client hung up; nobody is listening
  // graphql-upload holds the answer until the request body has ended; when busboy refused the
  // request outright (no boundary) nothing reads the body, so drain it here.
  req.resume();
  if (e.status === 413 && /max file uploads/.test(e.message ?? '')) {
    res.status(400).json(errorBody('BAD_USER_INPUT', 'Expected one file per request but received more.'));
    return;
  }
  if (e.status === 413 && /multipart field value exceeds/.test(e.message ?? '')) {
    // The operations or map field, not a file: an argument (a name, say) is far too long.
    res.status(413).json(errorBody('BAD_USER_INPUT', `${e.message} Names are at most ${MAX_NAME_LENGTH} characters.`));
    return;
  }
  if (e.status === 413) {
    res.status(413).json(errorBody('FILE_TOO_LARGE', e.message ?? 'The request is too large.'));
    return;
  }
  res.status(400).json(errorBody('BAD_REQUEST', `The multipart request body is malformed: ${e.message ?? 'unreadable'}`));
};
