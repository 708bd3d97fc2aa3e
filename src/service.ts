// The service assembled from its config: the photo store, the database, the gallery over them and the video job
// list, opened in that order and closed in the reverse one. The HTTP server (src/graphql/server.ts) and the video
// worker (src/worker.ts) both run on one.
import path from 'node:path';
import { detectionOptions, s3Settings, type Config } from './config.js';
import type { FaceCore } from './core/index.js';
import { Gallery } from './gallery/index.js';
import { openPhotoStore } from './store/photo-store.js';
import { openStore, type Store } from './store/store.js';
import { VideoJobs, type VideoJobOptions } from './video/jobs.js';
import { QueuedVideoJobs } from './video/queue.js';

export type Logger = Pick<Console, 'warn' | 'error'>;

export interface ServiceOptions {
  /** The face core every native call goes through (the entry point makes the one the process uses). */
  core: FaceCore;
  /** Finished video jobs kept with their files (default 100); older ones are deleted. */
  keepFinishedVideoJobs?: number;
  /** Where warnings go (default: console). */
  logger?: Logger;
}

export interface Service {
  /** The database under the gallery and the video jobs. */
  store: Store<VideoJobOptions>;
  gallery: Gallery;
  /** On SQLite the in-process list; with a database several processes share, the shared queue. */
  videoJobs: VideoJobs | QueuedVideoJobs;
  /**
   * Closes everything, the last opened first: a running video job is stopped (and marked INTERRUPTED) before the
   * gallery, then the database and the photo storage close under it. Closing again waits for the first close.
   */
  close(): Promise<void>;
}

/**
 * Parts opened so far, each with its close; closed in the reverse order. Every close runs even when one before it
 * failed: each failure goes to `failed`, or, without it, the first is thrown once all have run.
 */
class OpenedParts {
  private readonly closes: { name: string; close: () => unknown }[] = [];

  add(name: string, close: () => unknown): void {
    this.closes.push({ name, close });
  }

  async closeAll(failed?: (name: string, err: unknown) => void): Promise<void> {
    let first: { err: unknown } | undefined;
    for (const { name, close } of this.closes.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        if (failed) failed(name, err);
        else first ??= { err };
      }
    }
    if (first) throw first.err;
  }
}

/**
 * Opens the service's data for `config`: the photo store (a folder in the data folder, or S3-compatible storage
 * with PHOTO_STORE), after checking the data folder is one the service may start on; the database (SQLite, or
 * PostgreSQL with DATABASE_URL); the gallery (start-up repair, the index, the change feed); and the video jobs (the
 * shared PostgreSQL queue, which this process takes jobs from when `config.videoWorker`; else the in-process list).
 * When a step fails, whatever was opened is closed again before the error is thrown.
 */
export async function openService(config: Config, opts: ServiceOptions): Promise<Service> {
  return openParts(config, opts, true) as Promise<Service>;
}

/** The service without its video jobs: the photo store, the database and the gallery (npm run import). */
export function openGallery(config: Config, opts: Omit<ServiceOptions, 'keepFinishedVideoJobs'>): Promise<Omit<Service, 'videoJobs'>> {
  return openParts(config, opts, false);
}

async function openParts(config: Config, opts: ServiceOptions, withVideoJobs: boolean): Promise<Omit<Service, 'videoJobs'> & Partial<Service>> {
  const { core, keepFinishedVideoJobs, logger = console } = opts;
  const where = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  const opened = new OpenedParts();
  try {
    const { photos, videoOutputs } = openPhotoStore(config.dataDir, s3Settings(config));
    // The gallery and the video job list close these with themselves; closing them again here does nothing.
    opened.add('photo store', () => photos.close());
    if (videoOutputs) opened.add('video outputs storage', () => videoOutputs.close());
    await Gallery.checkDataDir(where, photos);
    const store = await openStore<VideoJobOptions>({ ...where, logger });
    opened.add('database', () => store.close());
    const gallery = await Gallery.open({
      dataDir: config.dataDir,
      core,
      store,
      photos,
      tolerance: config.tolerance,
      matchFpir: config.matchFpir,
      detection: detectionOptions(config),
      analysisTimeoutS: config.analysisTimeoutS,
      maxUnnamedFaces: config.maxUnnamedFaces,
      logger,
    });
    opened.add('gallery', () => gallery.close());
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= opened.closeAll());
    if (!withVideoJobs) return { store, gallery, close };
    const jobsOptions = {
      dir: path.join(config.dataDir, 'videos'),
      outputs: videoOutputs,
      core,
      gallery,
      keepFinished: keepFinishedVideoJobs,
      maxQueued: config.maxQueuedVideos,
      logger,
    };
    // A database several processes share has a queue any replica or worker process takes the jobs from.
    const videoJobs = store.sharedVideoJobs
      ? await QueuedVideoJobs.open({ ...jobsOptions, store: store.sharedVideoJobs, work: config.videoWorker, leaseS: config.videoJobLeaseS })
      : await VideoJobs.open({ ...jobsOptions, store: store.videoJobs });
    opened.add('video job list', () => videoJobs.close());
    return { store, gallery, videoJobs, close };
  } catch (err) {
    await opened.closeAll((name, closeErr) =>
      logger.warn(`service: could not close the ${name} after a failed start: ${(closeErr as Error).message}`),
    );
    throw err;
  }
}
