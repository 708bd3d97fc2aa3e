// A whole cluster on this machine (npm run cluster; the cluster tests and bench:cluster start theirs here too): a
// private PostgreSQL, a SeaweedFS S3 server, API replicas (src/main.ts as child processes on one database and one
// bucket), optionally a video worker (src/worker.ts), and a round-robin front on one port. Its data lives in one
// folder, removed when it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment, loadConfig } from '../config.js';
import { startFront, type Front } from './front.js';
import { startPostgres, type PrivatePostgres } from './postgres.js';
import { startSeaweedFs, type SeaweedFs } from './seaweedfs.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ClusterOptions {
  /** Parent folder of the cluster's data (default: the OS temp folder). */
  parentDir?: string;
  /** API replicas (default 2). */
  replicas?: number;
  /** Also run a `npm run worker` process (default false). */
  worker?: boolean;
  /** Replicas take video jobs themselves (default true). */
  replicaWorkers?: boolean;
  /** The front's port (default: a free one). */
  port?: number;
  /** More environment for every replica and worker (FACE_THREADS, VIDEO_JOB_LEASE_S…). */
  env?: Record<string, string>;
  /** PostgreSQL with fsync off (default true: the cluster's data is thrown away when it stops). */
  fast?: boolean;
}

export interface ClusterProcess {
  /** http://127.0.0.1:<port> for a replica; empty for the worker. */
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Resolves with the signal (or null) once the process has ended. */
  exited: Promise<NodeJS.Signals | null>;
  output(): string;
}

export interface Cluster {
  /** The front: the page and the API of the whole cluster. */
  url: string;
  front: Front;
  replicas: ClusterProcess[];
  worker: ClusterProcess | undefined;
  postgres: PrivatePostgres;
  s3: SeaweedFs;
  databaseUrl: string;
  /** The environment every replica and worker runs with (DATABASE_URL, PHOTO_STORE, S3_*…). */
  env: Record<string, string>;
  dir: string;
  /** Starts one more replica (or starts replica `index` again after it stopped) on the same database and bucket. */
  startReplica(index: number, env?: Record<string, string>): Promise<ClusterProcess>;
  startWorker(env?: Record<string, string>): Promise<ClusterProcess>;
  /** Stops every process (SIGTERM, then SIGKILL after 10 s), the servers, and removes the folder. */
  stop(): Promise<void>;
}

/** Starts src/main.ts (kind replica) or src/worker.ts, and resolves once it says it is ready. */
export async function startServiceProcess(kind: 'replica' | 'worker', env: Record<string, string>): Promise<ClusterProcess> {
  const entry = path.join(REPO, 'src', kind === 'replica' ? 'main.ts' : 'worker.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: REPO, env: childEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let output = '';
  const ready = kind === 'replica' ? /listening on (http:\/\/[^/\s]+)\// : /video worker: .*taking video jobs/;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${kind} did not start: ${output}`)), 120_000);
    const read = (d: Buffer) => {
      output += d.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} exited (code ${code}) before it was ready: ${output}`));
    });
  });
  return { url, dataDir: env.DATA_DIR ?? '', process: child, exited, output: () => output };
}

async function stopProcess(p: ClusterProcess | undefined): Promise<void> {
  if (!p || p.process.exitCode !== null || p.process.signalCode !== null) return;
  p.process.kill('SIGTERM');
  const timer = setTimeout(() => p.process.kill('SIGKILL'), 10_000);
  await p.exited;
  clearTimeout(timer);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const parent = opts.parentDir ?? os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, 'cluster-'));
  let postgres: PrivatePostgres | undefined;
  let s3: SeaweedFs | undefined;
  const replicas: ClusterProcess[] = [];
  let worker: ClusterProcess | undefined;
  let front: Front | undefined;
  const stop = async () => {
    await front?.close();
    await Promise.all([...replicas, worker].map((p) => stopProcess(p)));
    await s3?.remove().catch(() => undefined);
    await postgres?.remove().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // PostgreSQL keeps its own temp folder: when run as root its files belong to the postgres user, which needs to reach them.
    postgres = await startPostgres({ fast: opts.fast ?? true });
    s3 = await startSeaweedFs({ dir: path.join(dir, 's3') });
    const databaseUrl = await postgres.createDatabase('faces');
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      PHOTO_STORE: `s3://${s3.bucket}/cluster`,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      HOST: '127.0.0.1',
      API_KEYS: '',
      ...opts.env,
    };
    const replicaEnv = (i: number, more: Record<string, string> = {}) => ({
      ...env,
      PORT: '0',
      DATA_DIR: path.join(dir, `replica-${i + 1}`),
      VIDEO_WORKER: opts.replicaWorkers === false ? 'false' : 'true',
      ...more,
    });
    // The first replica creates the tables; the others start together after it.
    replicas.push(await startServiceProcess('replica', replicaEnv(0)));
    replicas.push(
      ...(await Promise.all(Array.from({ length: (opts.replicas ?? 2) - 1 }, (_, k) => startServiceProcess('replica', replicaEnv(k + 1))))),
    );
    const workerEnv = (more: Record<string, string> = {}) => ({ ...env, DATA_DIR: path.join(dir, 'worker'), ...more });
    if (opts.worker) worker = await startServiceProcess('worker', workerEnv());
    front = await startFront({ targets: replicas.map((r) => r.url), port: opts.port });
    const cluster: Cluster = {
      url: front.url,
      front,
      replicas,
      get worker() {
        return worker;
      },
      postgres,
      s3,
      databaseUrl,
      env,
      dir,
      startReplica: async (i, more) => {
        const p = await startServiceProcess('replica', replicaEnv(i, more));
        replicas[i] = p;
        return p;
      },
      startWorker: async (more) => {
        worker = await startServiceProcess('worker', workerEnv(more));
        return worker;
      },
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** npm run cluster: starts one and serves until Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const { port } = loadConfig();
  console.log('cluster: starting PostgreSQL, SeaweedFS, two replicas, a video worker and the front…');
  const cluster = await startCluster({ parentDir: path.join(REPO, 'data', 'cluster'), port, worker: true });
  for (const [i, r] of cluster.replicas.entries()) console.log(`cluster: replica ${i + 1} at ${r.url}/`);
  console.log(`cluster: PostgreSQL at ${cluster.databaseUrl}; S3 at ${cluster.s3.endpoint} (bucket ${cluster.s3.bucket})`);
  console.log(`cluster: the page is at ${cluster.url}/ (GraphQL at ${cluster.url}/graphql); Ctrl-C stops everything and deletes ${cluster.dir}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('cluster: stopping…');
    cluster.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('cluster: error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error('cluster: could not start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
