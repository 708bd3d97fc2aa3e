// Serving files the service stored over HTTP: photos at /images/<uuid>.<ext> (only while their face row exists) and
// video job outputs at /videos/<job id>/(track-<n>.jpg | annotated.mp4); from a folder on disk with checks against
// links someone placed there, or streamed from S3-compatible storage with one HTTP range; a coded JSON error otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Gallery } from '../gallery/index.js';
import { errorBody } from '../graphql/errors.js';
import { storageFailure } from '../store/errors.js';
import { contentTypeOf, IMAGE_FILE_RE } from '../store/images.js';
import type { FileSource } from '../store/photo-store.js';
import { RangeNotSatisfiableError, type S3Objects } from '../store/s3.js';
import type { VideoJobList } from '../video/jobs.js';

type Logger = Pick<Console, 'warn' | 'error'>;

/**
 * A file route's failure: the database or the photo storage out of reach is 503 with its code (the client may try
 * again), anything else an internal error (500, logged).
 */
function answerFailure(res: Response, err: unknown, logger: Logger): void {
  if (res.headersSent) return;
  const failure = storageFailure(err);
  if (failure === 'STORE_UNAVAILABLE') {
    res.status(503).json(errorBody('STORE_UNAVAILABLE', 'The database cannot be reached right now; try again later.'));
    return;
  }
  if (failure === 'STORAGE_UNAVAILABLE') {
    logger.warn(`http: ${(err as Error).message}`);
    res.status(503).json(errorBody('STORAGE_UNAVAILABLE', 'The photo storage cannot be reached right now; try again later.'));
    return;
  }
  logger.error('http: internal error:', err);
  res.status(500).json(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
}

/**
 * Sends a file the service stored, at root/parts...: only when every part is a real folder or file of its own,
 * never through a symbolic link or a hard link someone placed in the data folder. NOT_FOUND otherwise.
 */
async function sendStoredFile(res: Response, root: string, parts: string[], type: string, notFound: string): Promise<void> {
  const missing = () => {
    if (!res.headersSent) res.status(404).json(errorBody('NOT_FOUND', notFound));
  };
  try {
    for (let i = 1; i <= parts.length; i++) {
      const st = await fs.promises.lstat(path.join(root, ...parts.slice(0, i)));
      // A file the service wrote has one name; a hard link someone made (to faces.db, to a file elsewhere) has two.
      if (i < parts.length ? !st.isDirectory() : !st.isFile() || st.nlink !== 1) return missing();
    }
  } catch {
    return missing();
  }
  res.sendFile(parts.join('/'), { root, dotfiles: 'deny', headers: { 'Content-Type': type, 'Cache-Control': 'private, no-cache' } }, (err) => {
    if (err) missing();
  });
}

/** Streams an object of the S3 photo store: the same answers as sendStoredFile, one HTTP range (206) included. */
async function sendObject(
  req: Request,
  res: Response,
  objects: S3Objects,
  name: string,
  type: string,
  notFound: string,
  logger: Logger,
): Promise<void> {
  const asked = req.get('range');
  // One range of bytes is passed on; anything else (several ranges, other units) gets the whole object, as HTTP allows.
  const range = asked && /^bytes=(\d+-\d*|-\d+)$/.test(asked) ? asked : undefined;
  let got;
  try {
    got = await objects.get(name, range);
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof RangeNotSatisfiableError) {
      if (err.size !== undefined) res.setHeader('Content-Range', `bytes */${err.size}`);
      res.status(416).end();
      return;
    }
    answerFailure(res, err, logger);
    return;
  }
  if (!got) {
    res.status(404).json(errorBody('NOT_FOUND', notFound));
    return;
  }
  res.status(got.contentRange ? 206 : 200);
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Length', String(got.length));
  if (got.contentRange) res.setHeader('Content-Range', got.contentRange);
  if (got.etag) res.setHeader('ETag', got.etag);
  if (got.lastModified) res.setHeader('Last-Modified', got.lastModified.toUTCString());
  if (req.method === 'HEAD') {
    got.body.destroy();
    res.end();
    return;
  }
  // A client that goes away stops the download from the bucket too.
  await pipeline(got.body, res).catch(() => undefined);
}

/** Sends a stored file from wherever its store keeps it. */
function sendFromSource(req: Request, res: Response, source: FileSource, type: string, notFound: string, logger: Logger): Promise<void> {
  return 'folder' in source
    ? sendStoredFile(res, source.folder, source.parts, type, notFound)
    : sendObject(req, res, source.objects, source.name, type, notFound, logger);
}

export interface StoredFileRoutes {
  gallery: Gallery;
  videoJobs: VideoJobList;
  /** The API-key check, `?key=` allowed (img and video tags cannot send a header). */
  requireKey: RequestHandler;
  logger: Logger;
}

/** Serves /images/, /crops/ and /videos/ on `app`; any other name under them is NOT_FOUND. */
export function serveStoredFiles(app: Express, { gallery, videoJobs, requireKey, logger }: StoredFileRoutes): void {
  app.get('/images/:name', requireKey, (req, res) => {
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
      (err: unknown) => answerFailure(res, err, logger),
    );
  });
  app.use('/images', requireKey, (_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'No such image.'));
  });

  /** A stored face's crop (made from its photo on first request for a face stored before crops existed). */
  app.get('/crops/:name', requireKey, (req, res) => {
    const match = /^([0-9a-f-]{36})\.jpg$/.exec(String(req.params.name));
    if (!match) {
      res.status(404).json(errorBody('NOT_FOUND', 'No such face.'));
      return;
    }
    gallery.faceCrop(match[1]!).then(
      (crop) => {
        if (!crop) res.status(404).json(errorBody('NOT_FOUND', 'No such face.'));
        else res.type('image/jpeg').set('Cache-Control', 'private, no-cache').send(crop);
      },
      (err: unknown) => answerFailure(res, err, logger),
    );
  });
  app.use('/crops', requireKey, (_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'No such face.'));
  });

  /** A job's thumbnails and annotated copy; its folder holds nothing else once the job has ended. */
  app.get('/videos/:jobId/:name', requireKey, (req, res) => {
    const { jobId, name } = req.params;
    const source = typeof jobId === 'string' && typeof name === 'string' ? videoJobs.files.sourceOf(jobId, name) : undefined;
    if (!source) {
      res.status(404).json(errorBody('NOT_FOUND', 'No such video file.'));
      return;
    }
    const type = (name as string).endsWith('.mp4') ? 'video/mp4' : 'image/jpeg';
    void sendFromSource(req, res, source, type, 'No such video file.', logger);
  });
  app.use('/videos', requireKey, (_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'No such video file.'));
  });
}
