// Runs the service's analysis (its default detector and settings) over every LFW photo once and keeps, per photo,
// every face found: box, score, landmarks and encoding. The LFW benchmark reads this file instead of analysing
// 13,233 photos again each run. Resumable: photos already in the output are skipped.
//   node --import tsx bench/lfw/analyse.ts --lfw <lfw-deepfunneled dir> --out <file.jsonl> [--detector cnn|hog]
import fs from 'node:fs';
import path from 'node:path';
import { FaceCore, defaultThreads, setThreadBudget } from '../../src/core/index.js';
import { analyzeOptionsFor } from '../../src/gallery/index.js';
import { DEFAULT_MIN_FACE_PX, DEFAULT_SERVICE_DETECTOR, type Detector } from '../../src/core/index.js';

const arg = (name: string, dflt?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`--${name} is required`);
  return dflt;
};

/** One analysed LFW photo, as one line of the output. */
export interface AnalysedPhoto {
  /** e.g. "Aaron_Eckhart/Aaron_Eckhart_0001.jpg" */
  file: string;
  width: number;
  height: number;
  faces: {
    box: { x: number; y: number; width: number; height: number };
    score: number;
    sharpness: number;
    landmarks: number[];
    encoding: number[];
  }[];
}

export function lfwPhotos(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((d) => fs.statSync(path.join(dir, d)).isDirectory())
    .sort()
    .flatMap((d) =>
      fs
        .readdirSync(path.join(dir, d))
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .map((f) => `${d}/${f}`),
    );
}

async function main(): Promise<void> {
  const dir = arg('lfw');
  const out = arg('out');
  const detector = arg('detector', DEFAULT_SERVICE_DETECTOR) as Detector;
  const done = new Set<string>();
  if (fs.existsSync(out)) for (const line of fs.readFileSync(out, 'utf8').split('\n')) if (line) done.add((JSON.parse(line) as AnalysedPhoto).file);
  const todo = lfwPhotos(dir).filter((f) => !done.has(f));
  setThreadBudget(defaultThreads());
  const core = new FaceCore({ threads: defaultThreads() });
  const options = analyzeOptionsFor({ detector, minFacePx: DEFAULT_MIN_FACE_PX });
  const sink = fs.createWriteStream(out, { flags: 'a' });
  let next = 0;
  let finished = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < todo.length) {
      const file = todo[next++]!;
      const r = await core.analyze(fs.readFileSync(path.join(dir, file)), options);
      const line: AnalysedPhoto = {
        file,
        width: r.width,
        height: r.height,
        faces: r.faces.map((f) => ({
          box: f.box,
          score: Number(f.score.toFixed(5)),
          sharpness: Number(f.sharpness.toFixed(2)),
          landmarks: f.landmarks.flatMap((p) => [Number(p.x.toFixed(1)), Number(p.y.toFixed(1))]),
          encoding: Array.from(f.encoding, (v) => Number(v.toFixed(6))),
        })),
      };
      sink.write(`${JSON.stringify(line)}\n`);
      if (++finished % 500 === 0) process.stderr.write(`${finished}/${todo.length} photos, ${((Date.now() - t0) / finished).toFixed(1)} ms each\n`);
    }
  };
  await Promise.all(Array.from({ length: core.threads }, worker));
  await new Promise((resolve) => sink.end(resolve));
  process.stderr.write(`analysed ${finished} photos (${done.size} were already in ${out})\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
