// Builds the HTTP server: GraphQL at /graphql (Apollo Server 5 on Express 5, graphql-upload for files),
// stored photos at /images/<uuid>.<ext>, video job outputs at /videos/<job id>/(track-<n>.jpg | annotated.mp4)
// (from the data folder, or streamed from S3-compatible storage with PHOTO_STORE),
// the several-faces placeholder at /assets/, the web page at /.
// Built apart from the listener (src/main.ts) so tests can start it on any port and data folder.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { makeConfig, type Config } from '../config.js';
import type { FaceCore } from '../core/index.js';
import type { Gallery } from '../gallery/index.js';
import { apiKeyCheck } from '../http/api-key.js';
import { multipartErrors, requirePreflightForMultipart } from '../http/multipart-checks.js';
import { notFound, requestErrors } from '../http/request-errors.js';
import { HttpDrain } from '../http/shutdown.js';
import { serveStoredFiles } from '../http/stored-files.js';
import { openService, type Logger } from '../service.js';
import type { Store } from '../store/store.js';
import type { VideoJobList } from '../video/jobs.js';
import type { GraphQLContext } from './context.js';
import { queryLimitsPlugin, refuseDeepText } from './complexity.js';
import { multipartUploads, removeStaleUploads, uploadReceived } from './multipart.js';
import { RequestUploads } from './upload.js';
import { errorBody, makeFormatError } from './errors.js';
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

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { core, keepFinishedVideoJobs, logger = console, ...settings } = opts;
  const config = makeConfig(settings);
  // The largest request body any operation may send (a video); a request answered before its body was read is
  // drained up to this much (answerEarly). Each operation's own file limit is applied while it streams (multipart.ts).
  const maxBodyBytes = Math.floor(Math.max(config.maxUploadMb, config.maxVideoMb) * 1024 * 1024) + 1024 * 1024;

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
    plugins: [ApolloServerPluginLandingPageDisabled(), queryLimitsPlugin({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost })],
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
  const requireApiKey = apiKeyCheck(config.apiKeys, maxBodyBytes);

  app.use(
    '/graphql',
    requireApiKey(false),
    requirePreflightForMultipart(maxBodyBytes),
    multipartUploads({ photoBytes: Math.floor(config.maxUploadMb * 1024 * 1024), videoBytes: Math.floor(config.maxVideoMb * 1024 * 1024) }, logger),
    multipartErrors,
    express.json({ limit: '1mb' }),
    (req: Request, _res: Response, next: NextFunction) => {
      // Express 5 leaves req.body unset on GET; Apollo's integration wants it present.
      if (req.body === undefined) req.body = {};
      next();
    },
    refuseDeepText,
    expressMiddleware(apollo, { context: async () => ({ gallery, videoJobs, config, uploads: new RequestUploads() }) }),
  );

  serveStoredFiles(app, { gallery, videoJobs, requireKey: requireApiKey(true), logger });

  app.use(
    '/assets',
    express.static(ASSETS_DIR, {
      index: false,
      setHeaders: (res) => res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'"),
    }),
  );
  app.use(express.static(WEB_DIR, { index: 'index.html' }));

  app.use(notFound);
  app.use(requestErrors(logger));

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
