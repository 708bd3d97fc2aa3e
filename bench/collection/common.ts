// What the parts of bench:collection share: arguments, medians, the machine, a seeded random source, the Python
// peer (bench/peers/face_recognition_collection.py in .bench-venv), and galleries opened as the service opens them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreOptions, detectionOptions, exportNativeSettings, loadConfig, type Config } from '../../src/config.js';
import { FaceCore } from '../../src/core/index.js';
import { Gallery } from '../../src/gallery/gallery.js';
import { openStore, type Store } from '../../src/store/store.js';
import { mulberry32 } from '../lfw/data.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PYTHON = path.join(ROOT, '.bench-venv/bin/python');
export const PEER = path.join(ROOT, 'bench/peers/face_recognition_collection.py');

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

export function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--')) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`--${name} is required (see the top of bench/collection.ts)`);
  return dflt;
}
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/** The nearest-rank percentile (p in 0..1). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}
export const fmt = (x: number, digits = 3): string => x.toFixed(digits);
export const int = (x: number): string => Math.round(x).toLocaleString('en');

/** A seeded uniform [0, 1) source (mulberry32) and standard normals from it (Box-Muller). */
export function random(seed: number): { uniform: () => number; normal: () => number } {
  const uniform = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export function machine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return (
    `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node.js ${process.versions.node}; ` +
    `load average ${load} (1 / 5 / 15 min)`
  );
}

export const loadNow = (): string => os.loadavg()[0]!.toFixed(2);

/** Runs a subcommand of the Python peer; its one JSON line on stdout, progress passed on to stderr. */
export function runPeer<T>(args: string[]): T {
  if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run bash bench/peers/setup-python-peer.sh`);
  const r = spawnSync(PYTHON, [PEER, ...args], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the Python peer failed (${args[0]}): exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** The service's settings (environment or defaults), its thread budget set, and one FaceCore made from them. */
export interface Service {
  config: Config;
  core: FaceCore;
}

export function service(): Service {
  const config = loadConfig();
  exportNativeSettings(config);
  return { config, core: new FaceCore(coreOptions(config)) };
}

export interface OpenGallery {
  gallery: Gallery;
  store: Store;
  dataDir: string;
  warnings: string[];
  close(): Promise<void>;
}

/**
 * A gallery on a fresh temporary data folder (SQLite), with the service's settings; `fill` may write rows into the
 * store before the gallery opens (and loads its indexes). Closing deletes the folder.
 */
export async function openGallery(s: Service, opts: { maxUnnamedFaces?: number; fill?: (store: Store) => Promise<void> } = {}): Promise<OpenGallery> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-bench-collection-'));
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  const store = await openStore({ dataDir, logger });
  if (opts.fill) await opts.fill(store);
  const gallery = await Gallery.open({
    dataDir,
    core: s.core,
    store,
    tolerance: s.config.tolerance,
    matchFpir: s.config.matchFpir,
    detection: detectionOptions(s.config),
    analysisTimeoutS: s.config.analysisTimeoutS,
    maxUnnamedFaces: opts.maxUnnamedFaces ?? s.config.maxUnnamedFaces,
    logger,
  });
  return {
    gallery,
    store,
    dataDir,
    warnings,
    close: async () => {
      await gallery.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` over the items with `concurrency` at a time, in order of the items. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** CPU seconds (user + system, every thread of this process) spent by `work`, with its wall seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { result, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}
