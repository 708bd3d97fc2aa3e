// The video worker as its own process (npm run worker): no HTTP; the gallery (to name the people it sees, following
// the change feed like a replica) and the PostgreSQL queue of video jobs (DATABASE_URL), taking jobs and running
// them, one at a time, until SIGTERM/SIGINT.
import { coreOptions, exportNativeSettings, loadConfig } from './config.js';
import { FaceCore } from './core/index.js';
import { openService } from './service.js';
import { QueuedVideoJobs } from './video/queue.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('A video worker takes its jobs from the PostgreSQL queue: set DATABASE_URL.');
  exportNativeSettings(config);
  // A worker takes jobs whatever VIDEO_WORKER says: that setting is for the replicas.
  const worker = await openService({ ...config, videoWorker: true }, { core: new FaceCore(coreOptions(config)) });
  const queue = worker.videoJobs instanceof QueuedVideoJobs ? worker.videoJobs.queue : 'none';
  console.log(`video worker: ${worker.gallery.size} encodings loaded; taking video jobs from ${worker.store.location} (queue ${queue})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`video worker: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error('video worker: could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
