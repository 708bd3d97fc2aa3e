// A private PostgreSQL server for tests and the local cluster: Debian's postgresql-15 binaries run on a data
// directory of their own in a temp folder, on a free port and a socket in that folder, as an unprivileged user
// (the `postgres` system user through runuser when this process is root). No system service is touched; remove()
// stops the server and deletes its folder.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian's postgresql-NN packages put initdb, pg_ctl and postgres. */
const DEBIAN_POSTGRES = '/usr/lib/postgresql';
const MIN_VERSION = 15;

/** The binaries of the newest PostgreSQL (15 or later) Debian's packages installed, or undefined. */
export function postgresBinDir(): string | undefined {
  if (!fs.existsSync(DEBIAN_POSTGRES)) return undefined;
  const versions = fs
    .readdirSync(DEBIAN_POSTGRES)
    .map(Number)
    .filter((v) => v >= MIN_VERSION && fs.existsSync(path.join(DEBIAN_POSTGRES, String(v), 'bin', 'initdb')))
    .sort((a, b) => b - a);
  return versions.length > 0 ? path.join(DEBIAN_POSTGRES, String(versions[0]), 'bin') : undefined;
}
/** The superuser of a private server (trust authentication, reachable only from this machine). */
const SUPERUSER = 'face';

export interface PostgresOptions {
  /** Parent of the server's folder (default: the OS temp folder). */
  parentDir?: string;
  /** TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /**
   * Durability traded for speed (fsync and synchronous commit off): for tests, whose data is thrown away. A clean
   * stop still writes everything; only a crash of the machine would lose the last commits.
   */
  fast?: boolean;
  /** Where initdb and pg_ctl are (default: postgresBinDir()). */
  binDir?: string;
}

export interface PrivatePostgres {
  /** The server's folder: data/, the socket and server.log. */
  dir: string;
  port: number;
  /** postgres://face@127.0.0.1:<port>/<database> (default: the `postgres` database). */
  url(database?: string): string;
  /** Creates a database (dropping one of that name first) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (mode fast: open connections are ended, as in a restart); its data stays. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same data and port. */
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  remove(): Promise<void>;
  /** The same, synchronously: for a process's 'exit' handler. */
  removeSync(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The command prefix that runs a binary as the unprivileged owner of the data directory. */
function asOwner(): { prefix: string[]; uid: number; gid: number } {
  if (process.getuid?.() !== 0) return { prefix: [], uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const entry = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!entry) throw new Error('PostgreSQL refuses to run as root and there is no postgres user: install postgresql-15 (npm run setup -- --postgres)');
  const [, , uid, gid] = entry.split(':');
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = opts.binDir ?? postgresBinDir();
  if (!bin || !fs.existsSync(path.join(bin, 'initdb'))) {
    throw new Error(
      `No PostgreSQL ${MIN_VERSION} or later in ${bin ?? DEBIAN_POSTGRES}: install the Debian package postgresql-15 (npm run setup -- --postgres)`,
    );
  }
  const owner = asOwner();
  const dir = fs.mkdtempSync(path.join(opts.parentDir ?? os.tmpdir(), 'face-postgres-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  fs.chmodSync(dir, 0o755);
  fs.chownSync(dir, owner.uid, owner.gid);
  const exec = (name: string, args: string[]) => {
    const [cmd, ...pre] = [...owner.prefix, path.join(bin, name)];
    return run(cmd!, [...pre, ...args], { cwd: dir });
  };
  const port = opts.port ?? (await freePort());
  try {
    await exec('initdb', ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const settings = [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      'max_connections = 200',
      ...(opts.fast ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
    ];
    fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n# face-service private server\n${settings.join('\n')}\n`);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const url = (database = 'postgres') => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const quote = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Expected a database name of a-z, 0-9 and _ but received ${JSON.stringify(name)}`);
    return `"${name}"`;
  };
  let running = false;
  const server: PrivatePostgres = {
    dir,
    port,
    url,
    async createDatabase(name) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${quote(name)}`);
      });
      return url(name);
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`));
    },
    async start() {
      await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      if (!running) return;
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async remove() {
      try {
        await server.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    removeSync() {
      try {
        if (running) {
          const [cmd, ...pre] = [...owner.prefix, path.join(bin, 'pg_ctl')];
          execFileSync(cmd!, [...pre, '-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: dir, stdio: 'ignore' });
          running = false;
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await server.start();
  } catch (err) {
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${tail}`);
  }
  return server;
}
