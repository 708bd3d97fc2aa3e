// The answers of last resort: a path nothing serves (404 NOT_FOUND), and what Express and its body parser throw
// (a JSON body too large or malformed) as coded JSON; anything else is logged and answered INTERNAL_SERVER_ERROR.
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { MAX_NAME_LENGTH } from '../gallery/index.js';
import { errorBody, type ErrorCodeName } from '../graphql/errors.js';

export function notFound(_req: Request, res: Response): void {
  res.status(404).json(errorBody('NOT_FOUND', 'Not found.'));
}

export function requestErrors(logger: Pick<Console, 'error'>): ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; type?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (e.type === 'entity.too.large') {
      // A JSON body over 1 MB holds no file: only an argument (a name, say) can have made it so large.
      res.status(413).json(errorBody('BAD_USER_INPUT', `The request body is larger than 1 MB; names are at most ${MAX_NAME_LENGTH} characters.`));
      return;
    }
    if (status >= 400 && status < 500) {
      const code: ErrorCodeName = status === 413 ? 'FILE_TOO_LARGE' : 'BAD_REQUEST';
      const detail = e.expose && e.message ? e.message : 'Bad request.';
      res.status(status).json(errorBody(code, e.type === 'entity.parse.failed' ? `The request body is not valid JSON: ${detail}` : detail));
      return;
    }
    logger.error('http: internal error:', err);
    res.status(500).json(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
  };
}
