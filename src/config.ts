// Service settings, read from the environment with sensible defaults.
import path from 'node:path';

export interface Config {
  /** TCP port to listen on; 0 picks a free one. */
  port: number;
  host: string;
  /** Holds faces.db and images/. */
  dataDir: string;
  /** Euclidean distance below which two encodings are the same person (dlib: 0.6). */
  tolerance: number;
  /** Largest accepted photo upload, in MiB. */
  maxUploadMb: number;
  /** Largest accepted video upload (recognizeVideo), in MiB. */
  maxVideoMb: number;
  /** Videos longer than this many seconds end FAILED with VIDEO_TOO_LONG. */
  videoMaxSeconds: number;
  /** When non-empty every API request must carry one of these in `x-api-key`. */
  apiKeys: string[];
}

export const DEFAULT_CONFIG: Readonly<Omit<Config, 'dataDir'>> & { dataDir: string } = Object.freeze({
  port: 4000,
  host: '127.0.0.1',
  dataDir: './data',
  tolerance: 0.6,
  maxUploadMb: 10,
  maxVideoMb: 200,
  videoMaxSeconds: 600,
  apiKeys: [],
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function numberFrom(env: NodeJS.ProcessEnv, key: string, fallback: number, check: (n: number) => boolean, want: string): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) {
    throw new ConfigError(`Expected ${want} for ${key} but received ${JSON.stringify(raw)}`);
  }
  return n;
}

export const isValidTolerance = (n: number): boolean => Number.isFinite(n) && n > 0 && n <= 1;

/** Reads PORT, HOST, DATA_DIR, FACE_TOLERANCE, MAX_UPLOAD_MB, MAX_VIDEO_MB, VIDEO_MAX_SECONDS and API_KEYS. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = numberFrom(env, 'PORT', DEFAULT_CONFIG.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0-65535)');
  const tolerance = numberFrom(env, 'FACE_TOLERANCE', DEFAULT_CONFIG.tolerance, isValidTolerance, 'a distance in (0, 1]');
  const maxUploadMb = numberFrom(env, 'MAX_UPLOAD_MB', DEFAULT_CONFIG.maxUploadMb, (n) => n > 0 && n <= 1024, 'a size in MiB in (0, 1024]');
  const maxVideoMb = numberFrom(env, 'MAX_VIDEO_MB', DEFAULT_CONFIG.maxVideoMb, (n) => n > 0 && n <= 16384, 'a size in MiB in (0, 16384]');
  const videoMaxSeconds = numberFrom(env, 'VIDEO_MAX_SECONDS', DEFAULT_CONFIG.videoMaxSeconds, (n) => n > 0, 'a positive number of seconds');
  const apiKeys = (env.API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  return {
    port,
    host: env.HOST?.trim() || DEFAULT_CONFIG.host,
    dataDir: path.resolve(env.DATA_DIR?.trim() || DEFAULT_CONFIG.dataDir),
    tolerance,
    maxUploadMb,
    maxVideoMb,
    videoMaxSeconds,
    apiKeys,
  };
}
