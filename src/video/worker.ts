// A video worker without HTTP: the gallery (to name the people it sees, following the change feed like a replica)
// and the shared queue of video jobs, taking and running them. src/worker.ts starts one (npm run worker).
import path from 'node:path';
import { detectionOptions, s3Settings, type Config } from '../config.js';
import type { FaceCore } from '../core/index.js';
import { Gallery } from '../gallery/index.js';
import { openPhotoStore } from '../store/photo-store.js';
import { openStore, type Store } from '../store/store.js';
import type { VideoJobOptions } from './jobs.js';
import { QueuedVideoJobs } from './queue.js';

export interface VideoWorker {
  gallery: Gallery;
  videoJobs: QueuedVideoJobs;
  store: Store;
  close(): Promise<void>;
}

export async function startVideoWorker(config: Config, core: FaceCore, logger: Pick<Console, 'warn' | 'error'> = console): Promise<VideoWorker> {
  if (!config.databaseUrl) throw new Error('A video worker takes its jobs from the PostgreSQL queue: set DATABASE_URL.');
  const where = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  const { photos, videoOutputs } = openPhotoStore(config.dataDir, s3Settings(config));
  let store: Store<VideoJobOptions>;
  try {
    store = await openStore<VideoJobOptions>({ ...where, logger });
  } catch (err) {
    photos.close();
    videoOutputs?.close();
    throw err;
  }
  let gallery: Gallery | undefined;
  try {
    gallery = await Gallery.open({ dataDir: config.dataDir, core, store, photos, tolerance: config.tolerance, matchFpir: config.matchFpir, detection: detectionOptions(config), analysisTimeoutS: config.analysisTimeoutS, logger });
    if (!store.sharedVideoJobs) throw new Error('A video worker takes its jobs from the PostgreSQL queue: set DATABASE_URL.');
    const videoJobs = await QueuedVideoJobs.open({
      store: store.sharedVideoJobs,
      dir: path.join(config.dataDir, 'videos'),
      outputs: videoOutputs,
      core,
      gallery,
      maxQueued: config.maxQueuedVideos,
      logger,
      work: true,
      leaseS: config.videoJobLeaseS,
    });
    const open = gallery;
    return {
      gallery: open,
      videoJobs,
      store,
      close: async () => {
        await videoJobs.close();
        await open.close();
        await store.close();
      },
    };
  } catch (err) {
    await gallery?.close();
    await store.close();
    videoOutputs?.close();
    throw err;
  }
}
