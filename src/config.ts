// Service settings: the one place that reads the environment. Every other module receives what it needs
// from the Config built here (the face core its models folder, pixel limit, encoder and thread budget).
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { bindingLoaded } from './core/binding.js';
import {
  DEFAULT_ENCODER,
  DEFAULT_MIN_FACE_PX,
  DEFAULT_MODELS_DIR,
  DEFAULT_SERVICE_DETECTOR,
  DEFAULTS,
  defaultThreads,
  DETECTORS,
  ENCODERS,
  inRange,
  RANGES,
  type Detector,
  type EncoderEngine,
} from './core/limits.js';
import { KERNEL_CHOICES, useDetectorKernels } from './core/kernels.js';
import { setThreadBudget } from './core/threads.js';
import { S3_URL_RE, type S3Settings } from './store/s3.js';

/** FACE_CORE_KERNELS: the choices on any CPU and every instruction set's kernels (the CPU decides which it runs). */
const KERNEL_NAMES: readonly string[] = [...KERNEL_CHOICES, 'avx512', 'avx2', 'sse4', 'ssse3', 'neon', 'scalar'];

export interface Config {
  /** TCP port to listen on; 0 picks a free one. */
  port: number;
  host: string;
  /** Holds faces.db, images/ and videos/. */
  dataDir: string;
  /** postgres://…: people, faces and video jobs live in this PostgreSQL database instead of faces.db. */
  databaseUrl: string | undefined;
  /** Euclidean distance beyond which a face is never a known person (dlib: 0.6); the open-set rule decides within it. */
  tolerance: number;
  /** Share of strangers a search may name (the open-set rule's FPIR): 0.01 names about 1 stranger in 100. */
  matchFpir: number;
  /** Largest accepted photo upload, in MiB. */
  maxUploadMb: number;
  /** Largest accepted video upload (recognizeVideo), in MiB. */
  maxVideoMb: number;
  /** Videos longer than this many seconds end FAILED with VIDEO_TOO_LONG. */
  videoMaxSeconds: number;
  /** Unnamed faces imports keep at most; recognisable faces beyond are not kept (each import says how many). */
  maxUnnamedFaces: number;
  /** Videos waiting to run beyond this are refused with QUEUE_FULL. */
  maxQueuedVideos: number;
  /** With databaseUrl: this process takes video jobs from the shared queue and runs them (else it only queues them). */
  videoWorker: boolean;
  /** With databaseUrl: seconds a running job's queue entry lives unless its worker renews it (a frozen worker's job then fails). */
  videoJobLeaseS: number;
  /** Seconds a photo's analysis may take, waiting for a native slot included, before the answer is TIMEOUT. */
  analysisTimeoutS: number;
  /** When non-empty every API request must carry one of these in `x-api-key`. */
  apiKeys: string[];
  /** Deepest nesting of fields a query may have. */
  maxQueryDepth: number;
  /** Largest cost a query may have (each photo or video analysed costs 1000). */
  maxQueryCost: number;
  /** Where dlib's own model files may be put. */
  modelsDir: string;
  /** Images with more pixels are refused before decoding. */
  maxPixels: number;
  /** 'opencv' runs dlib's network through OpenCV's DNN module; 'dlib' through dlib's own forward pass. */
  encoder: EncoderEngine;
  /** The photo face detector: 'cnn' (MTCNN, default) or 'hog' (dlib's HOG); video keeps HOG unless asked. */
  detector: Detector;
  /** The smallest face (pixels) photos are searched for: the CNN's pyramid goes down to it, HOG is upsampled to reach it. */
  minFacePx: number;
  /** Native work running at once, and the threads each pool of the core may use: the service's CPU budget. */
  threads: number;
  /** OpenBLAS kernel for dlib's matrix work (undefined: OpenBLAS detects the CPU itself). */
  blasCore: string | undefined;
  /**
   * What runs the face detector's nets: 'auto' (the best kernels this CPU runs), 'baseline', 'opencv' (OpenCV's DNN,
   * the reference), or one instruction set's kernels ('avx512', 'avx2', 'sse4', 'ssse3', 'neon', 'scalar').
   */
  kernels: string;
  /** s3://bucket/prefix: photos and video outputs go to S3-compatible storage; unset: folders in dataDir. */
  photoStore?: string;
  /** The S3 server's URL (e.g. http://127.0.0.1:8333); unset: AWS S3. */
  s3Endpoint?: string;
  s3Region: string;
  /** The bucket in the URL's path, not its host name; unset: on when s3Endpoint is set. */
  s3ForcePathStyle?: boolean;
  /** Credentials for the S3 storage; unset: the AWS SDK's shared credentials file or instance role. */
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
}

export const DEFAULT_CONFIG: Readonly<Omit<Config, 'threads' | 'blasCore'>> = Object.freeze({
  port: 4000,
  host: '127.0.0.1',
  dataDir: './data',
  databaseUrl: undefined,
  tolerance: DEFAULTS.tolerance,
  matchFpir: DEFAULTS.matchFpir,
  maxUploadMb: 10,
  maxVideoMb: 200,
  videoMaxSeconds: 600,
  maxQueuedVideos: 20,
  videoWorker: true,
  videoJobLeaseS: 30,
  analysisTimeoutS: 30,
  maxUnnamedFaces: 100_000,
  apiKeys: [],
  maxQueryDepth: 12,
  maxQueryCost: 10000,
  modelsDir: DEFAULT_MODELS_DIR,
  maxPixels: DEFAULTS.maxPixels,
  encoder: DEFAULT_ENCODER,
  detector: DEFAULT_SERVICE_DETECTOR,
  minFacePx: DEFAULT_MIN_FACE_PX,
  kernels: 'auto',
  s3Region: 'us-east-1',
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Each setting: its environment variable, how to read it, and what a valid value is. */
interface Setting<K extends keyof Config> {
  env: string;
  parse: (raw: string) => Config[K] | undefined;
  valid: (value: Config[K]) => boolean;
  want: string;
}

const number = (raw: string): number | undefined => {
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
};
const text = (raw: string): string => raw;
const flag = (raw: string): boolean | undefined => {
  const v = raw.toLowerCase();
  return ['1', 'true', 'yes', 'on'].includes(v) ? true : ['0', 'false', 'no', 'off'].includes(v) ? false : undefined;
};
const isHttpUrl = (s: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

const SETTINGS: { [K in keyof Config]-?: Setting<K> } = {
  port: { env: 'PORT', parse: number, valid: (n) => Number.isInteger(n) && n >= 0 && n <= 65535, want: 'a port number (0-65535)' },
  host: { env: 'HOST', parse: text, valid: (s) => s.length > 0, want: 'a host name or address' },
  dataDir: { env: 'DATA_DIR', parse: text, valid: (s) => s.length > 0, want: 'a folder' },
  databaseUrl: {
    env: 'DATABASE_URL',
    parse: text,
    valid: (s) => s === undefined || /^postgres(ql)?:\/\/\S+$/.test(s),
    want: 'a PostgreSQL URL (postgres://user:password@host:port/database)',
  },
  tolerance: { env: 'FACE_TOLERANCE', parse: number, valid: (n) => inRange(RANGES.tolerance, n), want: 'a distance in (0, 1]' },
  matchFpir: { env: 'MATCH_FPIR', parse: number, valid: (n) => inRange(RANGES.matchFpir, n), want: 'a share of strangers in [0.001, 0.5]' },
  maxUploadMb: { env: 'MAX_UPLOAD_MB', parse: number, valid: (n) => n > 0 && n <= 1024, want: 'a size in MiB in (0, 1024]' },
  maxVideoMb: { env: 'MAX_VIDEO_MB', parse: number, valid: (n) => n > 0 && n <= 16384, want: 'a size in MiB in (0, 16384]' },
  videoMaxSeconds: { env: 'VIDEO_MAX_SECONDS', parse: number, valid: (n) => n > 0, want: 'a positive number of seconds' },
  analysisTimeoutS: { env: 'ANALYSIS_TIMEOUT_S', parse: number, valid: (n) => n > 0 && n <= 3600, want: 'a number of seconds in (0, 3600]' },
  maxUnnamedFaces: {
    env: 'MAX_UNNAMED_FACES',
    parse: number,
    valid: (n) => Number.isInteger(n) && n >= 0 && n <= 10_000_000,
    want: 'a whole number from 0 to 10000000',
  },
  maxQueuedVideos: {
    env: 'MAX_QUEUED_VIDEOS',
    parse: number,
    valid: (n) => Number.isInteger(n) && n >= 1 && n <= 10000,
    want: 'a whole number from 1 to 10000',
  },
  videoWorker: { env: 'VIDEO_WORKER', parse: flag, valid: () => true, want: 'true or false' },
  videoJobLeaseS: {
    env: 'VIDEO_JOB_LEASE_S',
    parse: number,
    valid: (n) => Number.isInteger(n) && n >= 3 && n <= 3600,
    want: 'a whole number of seconds from 3 to 3600',
  },
  apiKeys: {
    env: 'API_KEYS',
    parse: (raw) =>
      raw
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k.length > 0),
    valid: (keys) => keys.every((k) => k.length > 0),
    want: 'comma-separated keys',
  },
  maxQueryDepth: {
    env: 'MAX_QUERY_DEPTH',
    parse: number,
    valid: (n) => Number.isInteger(n) && n >= 2 && n <= 100,
    want: 'a whole number from 2 to 100',
  },
  maxQueryCost: { env: 'MAX_QUERY_COST', parse: number, valid: (n) => Number.isInteger(n) && n >= 1000, want: 'a whole number of at least 1000' },
  modelsDir: { env: 'FACE_MODELS_DIR', parse: text, valid: (s) => s.length > 0, want: 'a folder' },
  maxPixels: { env: 'FACE_MAX_PIXELS', parse: number, valid: (n) => inRange(RANGES.maxPixels, n), want: 'a positive whole number of pixels' },
  encoder: {
    env: 'FACE_ENCODER',
    parse: (raw) => raw.toLowerCase() as EncoderEngine,
    valid: (e) => ENCODERS.includes(e),
    want: ENCODERS.join(' or '),
  },
  detector: {
    env: 'FACE_DETECTOR',
    parse: (raw) => raw.toLowerCase() as Detector,
    valid: (d) => DETECTORS.includes(d),
    want: DETECTORS.join(' or '),
  },
  // These two ranges end where the addon's limits do: their texts are read only when a value is refused.
  minFacePx: {
    env: 'MIN_FACE_PX',
    parse: number,
    valid: (n) => inRange(RANGES.minFacePx, n),
    get want() {
      return `a whole number of pixels from ${RANGES.minFacePx.min} to ${RANGES.minFacePx.max}`;
    },
  },
  threads: {
    env: 'FACE_THREADS',
    parse: number,
    valid: (n) => inRange(RANGES.threads, n),
    get want() {
      return `a whole number of threads from ${RANGES.threads.min} to ${RANGES.threads.max}`;
    },
  },
  blasCore: { env: 'OPENBLAS_CORETYPE', parse: text, valid: () => true, want: 'an OpenBLAS core name' },
  kernels: {
    env: 'FACE_CORE_KERNELS',
    parse: (raw) => raw.toLowerCase(),
    valid: (k) => KERNEL_NAMES.includes(k),
    want: KERNEL_NAMES.join(', '),
  },
  photoStore: { env: 'PHOTO_STORE', parse: text, valid: (s) => s === undefined || S3_URL_RE.test(s), want: 'an s3://bucket/prefix URL' },
  s3Endpoint: { env: 'S3_ENDPOINT', parse: text, valid: (s) => s === undefined || isHttpUrl(s), want: 'an http:// or https:// URL' },
  s3Region: { env: 'S3_REGION', parse: text, valid: (s) => s.length > 0, want: 'a region name' },
  s3ForcePathStyle: { env: 'S3_FORCE_PATH_STYLE', parse: flag, valid: () => true, want: 'true or false' },
  awsAccessKeyId: { env: 'AWS_ACCESS_KEY_ID', parse: text, valid: () => true, want: 'an access key id' },
  awsSecretAccessKey: { env: 'AWS_SECRET_ACCESS_KEY', parse: text, valid: () => true, want: 'a secret access key' },
};

/**
 * A complete Config from the given settings and the documented defaults (never the environment);
 * ConfigError names the first invalid one. Folders become absolute.
 */
export function makeConfig(settings: Partial<Config> = {}): Config {
  const blasCore = settings.blasCore ?? machineBlasCore();
  // The thread and face-size ranges end at the addon's limits: reading them loads the addon, and OpenBLAS with it,
  // which reads its kernel only then. So the kernel is named first (the first configuration of a process decides it).
  nameBlasCore(blasCore);
  const config: Config = {
    ...DEFAULT_CONFIG,
    threads: defaultThreads(),
    blasCore,
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
  };
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    const s = SETTINGS[key] as Setting<typeof key>;
    const value = config[key];
    if (value !== undefined && !s.valid(value as never)) {
      throw new ConfigError(`Expected ${s.want} for ${key} (${s.env}) but received ${JSON.stringify(value)}`);
    }
  }
  if ((config.awsAccessKeyId === undefined) !== (config.awsSecretAccessKey === undefined)) {
    throw new ConfigError('Expected both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither, but received only one of them');
  }
  return { ...config, dataDir: path.resolve(config.dataDir), modelsDir: path.resolve(config.modelsDir), apiKeys: [...config.apiKeys] };
}

/** Reads every setting from the environment; unset or blank variables keep their defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const settings: Partial<Record<keyof Config, unknown>> = {};
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    const s = SETTINGS[key];
    const raw = env[s.env]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = s.parse(raw);
    if (value === undefined) throw new ConfigError(`Expected ${s.want} for ${s.env} but received ${JSON.stringify(raw)}`);
    settings[key] = value;
  }
  return makeConfig(settings as Partial<Config>);
}

/** The face core's part of the settings. */
export const coreOptions = (c: Config) => ({ modelsDir: c.modelsDir, maxPixels: c.maxPixels, encoder: c.encoder, threads: c.threads });

/** How to reach the S3-compatible photo store, or undefined when photos stay in the data folder. */
export function s3Settings(c: Config): S3Settings | undefined {
  if (!c.photoStore) return undefined;
  return {
    url: c.photoStore,
    endpoint: c.s3Endpoint,
    region: c.s3Region,
    forcePathStyle: c.s3ForcePathStyle ?? c.s3Endpoint !== undefined,
    credentials:
      c.awsAccessKeyId !== undefined && c.awsSecretAccessKey !== undefined
        ? { accessKeyId: c.awsAccessKeyId, secretAccessKey: c.awsSecretAccessKey }
        : undefined,
  };
}

/** The gallery's default detection settings. */
export const detectionOptions = (c: Config) => ({ detector: c.detector, minFacePx: c.minFacePx });

/**
 * OpenBLAS does dlib's convolutions. On CPUs it does not recognise (common in VMs, whose model name is generic)
 * it falls back to its Prescott (SSE3) kernels, which made encoding 1.5x slower here than the Haswell (AVX2+FMA)
 * or SkylakeX (AVX-512) kernels the CPU can run. The kernel is named from the CPU's flags.
 */
export function blasCoreFor(cpuinfo: string): string | undefined {
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))) return 'SkylakeX';
  if (['avx2', 'fma'].every((f) => flags.has(f))) return 'Haswell';
  return undefined;
}

/** The kernel for this machine's CPU, read from /proc/cpuinfo once per process. */
let cachedBlasCore: { core: string | undefined } | undefined;
function machineBlasCore(): string | undefined {
  cachedBlasCore ??= { core: blasCoreFor(readCpuInfo()) };
  return cachedBlasCore.core;
}

function readCpuInfo(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') return '';
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return ''; // no /proc: OpenBLAS detects the CPU itself
  }
}

/**
 * OpenBLAS reads its kernel from the environment once, when the addon loads it: named here while the addon is not
 * loaded yet and the environment names none (then it is the user's to keep).
 */
function nameBlasCore(blasCore: string | undefined): void {
  if (blasCore && !bindingLoaded() && !process.env.OPENBLAS_CORETYPE) process.env.OPENBLAS_CORETYPE = blasCore;
}

/**
 * The process-wide native settings, set once by each process (the service, the worker, the command line, the tests'
 * fixture) before it makes its FaceCore: OpenBLAS's kernel (if nothing has loaded the addon yet), the thread budget
 * (FACE_THREADS) every native job of the process shares, and what runs the detector's nets (FACE_CORE_KERNELS).
 */
export function exportNativeSettings(config: Config): void {
  nameBlasCore(config.blasCore);
  setThreadBudget(config.threads);
  useDetectorKernels(config.kernels);
}

/** The environment a child process of this one starts with (the cluster's replicas): this one's, `settings` over it. */
export function childEnvironment(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...settings };
}
