// The video worker as its own process (npm run worker): no HTTP; takes video jobs from the PostgreSQL queue
// (DATABASE_URL) and runs them, one at a time, until SIGTERM/SIGINT.
import { coreOptions, exportNativeSettings, loadConfig } from './config.js';
import { FaceCore } from './core/index.js';
import { startVideoWorker } from './video/worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  exportNativeSettings(config);
  const worker = await startVideoWorker(config, new FaceCore(coreOptions(config)));
  console.log(`video worker: ${worker.gallery.size} encodings loaded; taking video jobs from ${worker.store.location} (queue ${worker.videoJobs.queue})`);

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
