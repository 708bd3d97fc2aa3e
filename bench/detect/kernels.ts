// The paths the face detector's nets can run on, side by side in one run (part of `npm run bench:detect`): the core's
// kernels for each instruction set this CPU runs, and OpenCV's DNN module, the reference they are checked against
// (test/core/kernels.test.ts). CNN detection at the service's settings (min face 20) on the same photos, ms per photo
// on one thread (per core) and on the thread budget; the paths take turns within each pass, so the machine's noise
// falls on all of them alike. Faces found are counted per path: the same on every path is part of the result.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { detectorKernels, FaceCore, setThreadBudget, useDetectorKernels, type DetectOptions, type RgbImage } from '../../src/core/index.js';

const CNN: DetectOptions = { detector: 'cnn', minFaceSize: 20 };

export interface KernelRow {
  path: string;
  faces: number;
  /** Median ms per photo over the passes: the annotated photos and the large photo, one thread and the budget. */
  ms1: number;
  msN: number;
  large1: number;
  largeN: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Every path (the 'baseline' alias aside) or those in `only`, `runs` passes each after a warm-up, one thread then `threads`. */
export async function timeKernelPaths(
  photos: RgbImage[],
  large: RgbImage,
  runs: number,
  threads: number,
  log: (s: string) => void,
  only?: string[],
): Promise<KernelRow[]> {
  const before = detectorKernels().path;
  const paths = detectorKernels().available.filter((p) => p !== 'baseline' && (!only || only.includes(p)));
  const rows = new Map<string, KernelRow>(paths.map((p) => [p, { path: p, faces: 0, ms1: 0, msN: 0, large1: 0, largeN: 0 }]));
  try {
    for (const budget of [1, threads]) {
      setThreadBudget(budget); // process-wide: the loop ends with it at `threads`
      const core = new FaceCore({ threads: budget });
      await core.load();
      const passes = new Map<string, { annotated: number[]; large: number[] }>(paths.map((p) => [p, { annotated: [], large: [] }]));
      for (const p of paths) {
        useDetectorKernels(p);
        await core.detect(photos[0]!, CNN); // warm-up
      }
      for (let r = 0; r < runs; r++) {
        for (const p of paths) {
          useDetectorKernels(p);
          let faces = 0;
          const t0 = performance.now();
          for (const img of photos) faces += (await core.detect(img, CNN)).length;
          const t1 = performance.now();
          faces += (await core.detect(large, CNN)).length;
          passes.get(p)!.annotated.push((t1 - t0) / photos.length);
          passes.get(p)!.large.push(performance.now() - t1);
          rows.get(p)!.faces = faces;
        }
      }
      for (const p of paths) {
        const row = rows.get(p)!;
        const pass = passes.get(p)!;
        if (budget === 1) [row.ms1, row.large1] = [median(pass.annotated), median(pass.large)];
        else [row.msN, row.largeN] = [median(pass.annotated), median(pass.large)];
        log(
          `kernels ${p}, ${budget} thread(s): ${median(pass.annotated).toFixed(1)} ms/photo, large ${median(pass.large).toFixed(0)} ms, ${row.faces} faces`,
        );
      }
      core.release();
    }
  } finally {
    useDetectorKernels(before);
  }
  return [...rows.values()];
}

/** The markdown rows: each path beside OpenCV's DNN (ratio > 1: faster than OpenCV). */
export function kernelReport(rows: KernelRow[], threads: number, photoCount: number, largeName: string): string[] {
  const opencv = rows.find((r) => r.path === 'opencv')!;
  const label = (r: KernelRow) =>
    r.path === 'opencv'
      ? "OpenCV's DNN (reference)"
      : r.path.startsWith('opencv')
        ? `OpenCV's DNN limited to ${r.path.slice('opencv-'.length)} (OPENCV_CPU_DISABLE)`
        : `kernels: ${r.path}${r === rows[0] ? " (auto: this CPU's best)" : ''}`;
  const ratio = (ms: number, ref: number) => `${(ref / ms).toFixed(2)}×`;
  const L = [
    `| nets run on | faces found | ms/photo, ${photoCount} annotated photos, 1 thread | vs OpenCV | ${threads} threads | vs OpenCV | ${largeName} ms, 1 thread | vs OpenCV | ${threads} threads | vs OpenCV |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    L.push(
      `| ${label(r)} | ${r.faces} | ${r.ms1.toFixed(1)} | ${ratio(r.ms1, opencv.ms1)} | ${r.msN.toFixed(1)} | ${ratio(r.msN, opencv.msN)} | ` +
        `${r.large1.toFixed(0)} | ${ratio(r.large1, opencv.large1)} | ${r.largeN.toFixed(0)} | ${ratio(r.largeN, opencv.largeN)} |`,
    );
  }
  return L;
}

/** OpenCV's instruction sets past SSE4.2, which OPENCV_CPU_DISABLE switches off for its DNN's dispatched kernels. */
export const OPENCV_PAST_SSE42 = 'AVX512_SKX,AVX512_COMMON,AVX2,FMA3,AVX,FP16';

/**
 * OpenCV's DNN limited to SSE4.2 (what an x86-64 CPU without AVX would run), timed in a child process since OpenCV
 * reads OPENCV_CPU_DISABLE once: the row to set beside the 128-bit kernels. Undefined off x86-64 or if the child fails.
 */
export function timeOpencvSse42(script: string, runs: number, log: (s: string) => void): KernelRow | undefined {
  if (process.arch !== 'x64') return undefined;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--kernels-json', 'opencv', '--runs', String(runs)], {
    encoding: 'utf8',
    env: { ...process.env, OPENCV_CPU_DISABLE: OPENCV_PAST_SSE42 },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    log(`OpenCV limited to SSE4.2: the child failed (exit ${r.status})`);
    return undefined;
  }
  const row = (JSON.parse(r.stdout) as KernelRow[])[0]!;
  return { ...row, path: 'opencv-SSE4.2' };
}
