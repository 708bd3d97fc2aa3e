// Answering a request before its body was read (a missing API key, a missing preflight header), so that a client
// still sending its upload gets the answer rather than a reset connection.
import type { Request, Response } from 'express';
import { errorBody, type ErrorCodeName } from '../graphql/errors.js';

/**
 * Answers `status` with a coded JSON error. The body is drained first (up to `limit` bytes; beyond, the answer goes
 * out with `Connection: close` and the request is dropped once it is sent).
 */
export function answerEarly(req: Request, res: Response, status: number, code: ErrorCodeName, message: string, limit: number): void {
  const send = () => {
    if (!res.headersSent) res.status(status).json(errorBody(code, message));
  };
  if (req.readableEnded || req.complete) return send();
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) {
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
      send();
    }
  });
  req.on('end', send);
  req.on('error', () => undefined);
}
