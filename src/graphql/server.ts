// Builds the HTTP server: GraphQL at /graphql (Apollo Server 5 on Express 5, graphql-upload for files),
// stored photos at /images/<uuid>.<ext>, video job outputs at /videos/<job id>/(track-<n>.jpg | annotated.mp4)
// (from the data folder, or streamed from S3-compatible storage with PHOTO_STORE),
// the several-faces placeholder at /assets/, the web page at /.
// Built apart from the listener (src/main.ts) so tests can start it on any port and data folder.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { makeConfig, type Config } from '../config.js';
import type { FaceCore } from '../core/index.js';
import { MAX_NAME_LENGTH, type Gallery } from '../gallery/index.js';
import { openService, type Logger } from '../service.js';
import { contentTypeOf, IMAGE_FILE_RE } from '../store/images.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { VideoJobList } from '../video/jobs.js';
import type { GraphQLContext } from './context.js';
import { queryLimitsPlugin, refuseDeepText } from './complexity.js';
import { multipartUploads, removeStaleUploads, uploadReceived } from './multipart.js';
import { HttpDrain } from './shutdown.js';
import { RequestUploads } from './upload.js';
import { sendFromSource } from './stored-files.js';
import { errorBody, makeFormatError, type ErrorCodeName } from './errors.js';
import { resolvers } from './resolvers/index.js';

const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const SCHEMA_FILE = path.join(REPO_DIR, 'schema.graphql');
export const WEB_DIR = path.join(REPO_DIR, 'web');
export const ASSETS_DIR = path.join(REPO_DIR, 'assets');

/** On close(), connections neither idle nor running a request (a body still arriving) are cut off after this long. */
const STOP_GRACE_MS = 10_000;

export type StartOptions = Partial<Config> & {
  /** Holds faces.db (unless databaseUrl names PostgreSQL), images/ and videos/; created when missing. */
  dataDir: string;
  /** The face core every request's native work goes through (main.ts makes the one the process uses). */
  core: FaceCore;
  /** Finished video jobs kept with their files (default 100); older ones are deleted. */
  keepFinishedVideoJobs?: number;
  /** Where warnings and masked internal errors go (default: console). */
  logger?: Logger;
};

export interface RunningServer {
  /** e.g. http://127.0.0.1:4000 (no trailing slash). */
  url: string;
  close(): Promise<void>;
  gallery: Gallery;
  videoJobs: VideoJobList;
  /** The database under the gallery and the video jobs. */
  store: Store;
}

/**
 * Answers a request before its body was read. The body is drained first (up to `limit` bytes) so the
 * client, still sending, reliably gets the answer instead of a reset connection.
 */
function answerEarly(req: Request, res: Response, status: number, code: ErrorCodeName, message: string, limit: number): void {
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

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time check of a presented key against the configured ones. */
function keyMatches(presented: string, keys: Buffer[]): boolean {
  const h = sha256(presented);
  let ok = false;
  for (const k of keys) ok = timingSafeEqual(h, k) || ok;
  return ok;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { core, keepFinishedVideoJobs, logger = console, ...settings } = opts;
  const config = makeConfig(settings);
  // The largest request body any operation may send (a video); a request answered before its body was read is
  // drained up to this much (answerEarly). Each operation's own file limit is applied while it streams (multipart.ts).
  const maxBodyBytes = Math.floor(Math.max(config.maxUploadMb, config.maxVideoMb) * 1024 * 1024) + 1024 * 1024;
  const keyHashes = config.apiKeys.map(sha256);

  const service = await openService(config, { core, keepFinishedVideoJobs, logger });
  const { gallery, videoJobs, store } = service;
  const staleUploads = removeStaleUploads(os.tmpdir());
  if (staleUploads > 0) logger.warn(`uploads: removed ${staleUploads} temp file(s) of requests cut off by a crash from ${os.tmpdir()}`);
  const app = express();
  const httpServer = http.createServer();
  // close() refuses what arrives after it began (503 SHUTTING_DOWN, before Express) and answers what is running.
  const drain = new HttpDrain(httpServer, {
    refusal: errorBody('SHUTTING_DOWN', 'The service is shutting down: this request was not run. Try again in a moment.'),
    drainLimit: maxBodyBytes,
    graceMs: STOP_GRACE_MS,
    received: uploadReceived,
    logger,
  });
  httpServer.on('request', drain.gate(app));
  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs: fs.readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // A service that asks for keys does not describe its schema to whoever asks.
    introspection: config.apiKeys.length === 0,
    hideSchemaDetailsFromClientErrors: config.apiKeys.length > 0,
    formatError: makeFormatError(logger),
    // A token limit bounds the work of parsing before the depth and cost limits are checked.
    parseOptions: { maxTokens: 20_000 },
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      queryLimitsPlugin({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }),
    ],
  });
  try {
    await apollo.start();
  } catch (err) {
    await service.close();
    throw err;
  }

  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Image URLs may carry ?key=: no page or link may pass them on.
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  /** With API_KEYS set: `x-api-key` header (or `?key=` where <img> tags need it) must hold one of them. */
  const requireApiKey = (allowQueryKey: boolean) => (req: Request, res: Response, next: NextFunction) => {
    if (keyHashes.length === 0) return next();
    const header = req.get('x-api-key');
    const query = allowQueryKey && typeof req.query.key === 'string' ? req.query.key : undefined;
    const presented = header ?? query;
    if (presented !== undefined && keyMatches(presented, keyHashes)) return next();
    res.setHeader('WWW-Authenticate', 'ApiKey header="x-api-key"');
    answerEarly(req, res, 401, 'UNAUTHENTICATED', presented === undefined ? 'An API key is required: send it in the x-api-key header.' : 'The API key is not valid.', maxBodyBytes);
  };

  /**
   * A multipart POST is a "simple" request a browser sends cross-site without asking; Apollo's CSRF
   * prevention needs a preflight-forcing header. Checked here, before graphql-upload reads any file.
   */
  const requirePreflightForMultipart = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    if (req.get('apollo-require-preflight') || req.get('x-apollo-operation-name')) return next();
    answerEarly(
      req, res, 400, 'BAD_REQUEST',
      'Multipart requests must send the header Apollo-Require-Preflight: true (CSRF prevention).',
      maxBodyBytes,
    );
  };

  /** graphql-upload's errors (bad multipart body, too many files) as JSON with a code. */
  const multipartError = (err: unknown, req: Request, res: Response, next: NextFunction) => {
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

  app.use(
    '/graphql',
    requireApiKey(false),
    requirePreflightForMultipart,
    multipartUploads({ photoBytes: Math.floor(config.maxUploadMb * 1024 * 1024), videoBytes: Math.floor(config.maxVideoMb * 1024 * 1024) }, logger),
    multipartError,
    express.json({ limit: '1mb' }),
    (req: Request, _res: Response, next: NextFunction) => {
      // Express 5 leaves req.body unset on GET; Apollo's integration wants it present.
      if (req.body === undefined) req.body = {};
      next();
    },
    refuseDeepText,
    expressMiddleware(apollo, { context: async () => ({ gallery, videoJobs, config, uploads: new RequestUploads() }) }),
  );

  app.get('/images/:name', requireApiKey(true), (req, res) => {
    const name = req.params.name;
    const type = typeof name === 'string' ? contentTypeOf(name) : undefined;
    if (!type || !IMAGE_FILE_RE.test(name as string)) {
      res.status(404).json(errorBody('NOT_FOUND', 'No such image.'));
      return;
    }
    // Only a photo whose face row exists is served: never one whose deletion committed, wherever a copy is left.
    gallery.isStoredPhoto(name as string).then(
      (stored) => {
        if (!stored) res.status(404).json(errorBody('NOT_FOUND', 'No such image.'));
        else void sendFromSource(req, res, gallery.photos.sourceOf(name as string), type, 'No such image.', logger);
      },
      (err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof StoreUnavailableError) {
          res.status(503).json(errorBody('STORE_UNAVAILABLE', 'The database cannot be reached right now; try again later.'));
          return;
        }
        logger.error('http: internal error:', err);
        res.status(500).json(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
      },
    );
  });
  app.use('/images', requireApiKey(true), (_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'No such image.'));
  });

  /** A job's thumbnails and annotated copy; its folder holds nothing else once the job has ended. */
  app.get('/videos/:jobId/:name', requireApiKey(true), (req, res) => {
    const { jobId, name } = req.params;
    const source = typeof jobId === 'string' && typeof name === 'string' ? videoJobs.files.sourceOf(jobId, name) : undefined;
    if (!source) {
      res.status(404).json(errorBody('NOT_FOUND', 'No such video file.'));
      return;
    }
    const type = (name as string).endsWith('.mp4') ? 'video/mp4' : 'image/jpeg';
    void sendFromSource(req, res, source, type, 'No such video file.', logger);
  });
  app.use('/videos', requireApiKey(true), (_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'No such video file.'));
  });

  app.use(
    '/assets',
    express.static(ASSETS_DIR, {
      index: false,
      setHeaders: (res) => res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'"),
    }),
  );
  app.use(express.static(WEB_DIR, { index: 'index.html' }));

  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('NOT_FOUND', 'Not found.'));
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
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
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await apollo.stop();
    await service.close();
    throw err;
  }
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    gallery,
    videoJobs,
    store,
    close: () =>
      (closing ??= (async () => {
        // No request is running, or will run, once the HTTP server has drained.
        await drain.stop();
        await apollo.stop();
        await service.close();
      })()),
  };
}
