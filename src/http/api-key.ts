// The API-key check (API_KEYS): with keys configured, every request must present one in `x-api-key` (or `?key=`
// where <img> and <video> tags need it), compared in constant time; otherwise 401 UNAUTHENTICATED.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answerEarly } from './early-answer.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time check of a presented key against the configured ones (their hashes). */
function keyMatches(presented: string, keys: Buffer[]): boolean {
  const h = sha256(presented);
  let ok = false;
  for (const k of keys) ok = timingSafeEqual(h, k) || ok;
  return ok;
}

/**
 * The check for these keys (none: every request passes), as middleware; `allowQueryKey` lets `?key=` stand in for
 * the header. A refused request's body is drained up to `drainLimit` bytes before the answer (answerEarly).
 */
export function apiKeyCheck(keys: string[], drainLimit: number): (allowQueryKey: boolean) => RequestHandler {
  const keyHashes = keys.map(sha256);
  return (allowQueryKey) => (req: Request, res: Response, next: NextFunction) => {
    if (keyHashes.length === 0) return next();
    const header = req.get('x-api-key');
    const query = allowQueryKey && typeof req.query.key === 'string' ? req.query.key : undefined;
    const presented = header ?? query;
    if (presented !== undefined && keyMatches(presented, keyHashes)) return next();
    res.setHeader('WWW-Authenticate', 'ApiKey header="x-api-key"');
    answerEarly(
      req,
      res,
      401,
      'UNAUTHENTICATED',
      presented === undefined ? 'An API key is required: send it in the x-api-key header.' : 'The API key is not valid.',
      drainLimit,
    );
  };
}
