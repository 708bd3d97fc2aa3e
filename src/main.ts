// The listener: starts the service with settings from the environment, logs one line, stops cleanly on SIGTERM/SIGINT
// (every request it ran answered: src/http/shutdown.ts).
import { coreOptions, exportNativeSettings, loadConfig } from './config.js';
import { FaceCore } from './core/index.js';
import { startServer } from './graphql/server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  exportNativeSettings(config);
  const server = await startServer({ ...config, core: new FaceCore(coreOptions(config)) });
  console.log(`face service: ${server.gallery.size} encodings loaded; listening on ${server.url}/ (GraphQL at ${server.url}/graphql)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`face service: stopping on ${signal}: requests running are finished and answered, new ones refused (503 SHUTTING_DOWN)`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`face service: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error('face service: could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
