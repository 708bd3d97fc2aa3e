// Command line: import a folder of photos (or photo files) into the gallery in DATA_DIR (or DATABASE_URL). Every
// recognisable face is kept: as the person the open-set rule recognises, or unnamed and grouped with faces like it,
// to be named once on the page or through the API (faceGroups, nameFaceGroup). With --by-folder, each sub-folder is a
// person (`First_Last/` or `First Last/`) and the main face of each of its photos is enrolled as them.
// A photo imported before (the same bytes) is skipped, so an import cut short is resumed by running it again.
// Stop the server first when the gallery is SQLite's (one process owns it); on PostgreSQL it may run beside replicas.
//   npm run import -- <folder | files…> [--by-folder] [--detector cnn|hog] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coreOptions, exportNativeSettings, loadConfig } from '../config.js';
import { FaceCore } from '../core/index.js';
import { codedErrorOf } from '../gallery/errors.js';
import { photoFiles, folderPerson } from '../collection/folders.js';
import { openGallery } from '../service.js';
import { ImportProgress } from './import-progress.js';

const USAGE = 'Usage: npm run import -- <folder | photo files…> [--by-folder] [--detector cnn|hog] [--json]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'by-folder': { type: 'boolean', default: false },
      detector: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const detector = values.detector;
  if (detector !== undefined && detector !== 'cnn' && detector !== 'hog') {
    console.error(`--detector must be cnn or hog, not ${JSON.stringify(detector)}\n${USAGE}`);
    return 2;
  }
  const progress = new ImportProgress(process.stderr);
  const files = photoFiles(positionals, (where, err) => progress.fail(where, 'UNREADABLE', err.message));
  if (files.length === 0) {
    console.error(`No photos (${['jpg', 'png', 'webp', 'bmp', 'gif', 'tif'].join(', ')}) under ${positionals.join(', ')}`);
    return 1;
  }
  const config = { ...loadConfig(), videoWorker: false };
  exportNativeSettings(config);
  const core = new FaceCore(coreOptions(config));
  const service = await openGallery(config, { core });
  const { gallery } = service;
  const roots = positionals.map((p) => path.resolve(p));
  const sourceOf = (file: string) => {
    const root = roots.find((r) => file.startsWith(r + path.sep));
    return root ? path.relative(root, file) : path.basename(file);
  };

  progress.start(files.length);
  let stopping = false;
  const stop = () => {
    // The photo being written finishes (its rows commit whole or not at all); the rest is imported by the next run.
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let next = 0;
  // Photos are analysed side by side, but stored in the order of the files: each waits for the one before it.
  let previous: Promise<unknown> = Promise.resolve();
  // The whole thread budget: as many photos at a time as the core has threads.
  const worker = async () => {
    while (!stopping && next < files.length) {
      const file = files[next++]!;
      const source = sourceOf(file);
      const turn = previous;
      let done!: () => void;
      previous = new Promise<void>((resolve) => (done = resolve));
      try {
        const bytes = await fs.promises.readFile(file);
        const person = values['by-folder'] ? folderPerson(path.dirname(file)) : undefined;
        const outcome = await gallery.collection.importPhoto({ bytes, filename: path.basename(file) }, source, {
          ...(person && { person }),
          ...(detector && { detector }),
          turn,
        });
        progress.done(source, outcome);
      } catch (err) {
        const coded = codedErrorOf(err);
        if (!coded) throw err;
        progress.fail(source, coded.code, coded.message);
      } finally {
        // A file that failed before its turn still hands the turn on once the one before it is done.
        void turn.then(done);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: core.threads }, worker));
  } finally {
    await service.close();
  }
  progress.finish(stopping);
  if (values.json) console.log(JSON.stringify(progress.summary()));
  return stopping ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
