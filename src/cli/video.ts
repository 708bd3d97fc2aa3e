// Command line: recognise the people in a video file, stream URL (rtsp://, http://) or camera (/dev/video0)
// against the gallery in DATA_DIR. Files end with a table of tracks; streams print each identity as it is
// decided, until Ctrl-C.
//   npm run video -- clip.mp4 [--decision VOTE|FUSION] [--every 3] [--frames 5] [--min-face 40] [--tolerance 0.6]
//                              [--upsample 1] [--max-duration 600] [--json]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coreOptions, exportNativeSettings, loadConfig } from '../config.js';
import { FaceCore, FaceCoreError } from '../core/index.js';
import { GalleryReader } from '../gallery/index.js';
import { labelOf, recognizeInGallery, type RecognizedTrack } from '../video/recognize.js';
import { cliVideoOptions } from './video-options.js';

const USAGE =
  'Usage: npm run video -- <file | rtsp://... | /dev/video0> [--decision VOTE|FUSION] [--every k] [--frames N] [--min-face px] [--tolerance d] [--upsample n] [--max-duration s] [--json]';

function time(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(1).padStart(4, '0')}`;
}

function row(t: RecognizedTrack): string[] {
  const d = t.decision;
  return [
    String(t.track.id),
    labelOf(t),
    d ? d.confidence.toFixed(2) : '-',
    d?.distance != null ? d.distance.toFixed(3) : '-',
    d ? `${d.frames}` : '0',
    `${time(t.track.firstTime)}-${time(t.track.lastTime)}`,
  ];
}

function table(rows: string[][]): string {
  const head = ['track', 'person', 'confidence', 'distance', 'frames', 'seen'];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      decision: { type: 'string' },
      every: { type: 'string' },
      frames: { type: 'string' },
      'min-face': { type: 'string' },
      tolerance: { type: 'string' },
      upsample: { type: 'string' },
      'max-duration': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const source = positionals[0];
  const isStream = /^[a-z]+:\/\//i.test(source) || source.startsWith('/dev/video') || /^\d+$/.test(source);
  const config = loadConfig();
  const options = cliVideoOptions(values, config);
  exportNativeSettings(config);
  const core = new FaceCore(coreOptions(config));

  const gallery = await GalleryReader.open(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
    { targetFpir: config.matchFpir, tolerance: config.tolerance },
  );
  console.error(`${gallery.size} enrolled faces from ${config.dataDir}; reading ${source}`);

  const run = await recognizeInGallery(core, gallery, isStream ? source : path.resolve(source), options, (event) => {
    if (event.type === 'identified') {
      const t = event.recognized;
      console.log(`${time(t.track.firstTime)}  track ${t.track.id}: ${labelOf(t)} (confidence ${t.decision?.confidence.toFixed(2) ?? '-'})`);
    } else if (!isStream && event.progress !== null && process.stderr.isTTY) {
      process.stderr.write(`\r${Math.round(event.progress * 100)}%`);
    }
  });
  process.once('SIGINT', () => run.cancel());
  const video = await run.result;
  if (process.stderr.isTTY) process.stderr.write('\r');
  if (values.json) {
    console.log(
      JSON.stringify(
        video.tracks.map((t) => ({ track: t.track.id, person: labelOf(t), ...t.decision, firstTime: t.track.firstTime, lastTime: t.track.lastTime })),
        null,
        2,
      ),
    );
  } else {
    console.log(table(video.tracks.map(row)));
  }
  const s = video.stats;
  console.error(
    `${s.framesDecoded} frames (${s.framesDetected} through detection, ${s.facesEncoded} faces encoded) in ${s.wallSeconds.toFixed(1)} s, ` +
      `${s.framesPerSecond.toFixed(1)} frames/s, decision ${video.decision}${s.cancelled ? ', stopped' : ''}`,
  );
  await gallery.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const code = err instanceof FaceCoreError ? ` [${err.code}]` : '';
    console.error(`video: ${err instanceof Error ? err.message : String(err)}${code}`);
    process.exit(1);
  },
);
