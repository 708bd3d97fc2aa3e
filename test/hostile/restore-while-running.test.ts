// `npm run restore` against a data folder in use: refused with nothing changed while the service (or a reader such
// as `npm run video`) has the database open; allowed once it has stopped, cleanly or by kill -9; and a service
// cannot start half-way through a restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startChildServer, type ChildServer } from '../fixtures/child-server.js';
import { gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { tempDataDir } from '../fixtures/tmp.js';
import { GalleryReader } from '../../src/gallery/index.js';
import { lockDatabaseExclusively } from '../../src/store/sqlite/exclusive.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOHNS = ['John_Salley', 'John_Savage', 'John_Simm', 'John_Schneider', 'John_Shimkus'];

function cli(script: 'backup' | 'restore', arg: string, dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, `src/cli/${script}.ts`), arg], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function service(t: { after(fn: () => unknown): void }, dataDir: string): Promise<ChildServer> {
  const s = await startChildServer({ DATA_DIR: dataDir });
  t.after(() => {
    if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGKILL');
  });
  return s;
}

async function stop(s: ChildServer, signal: NodeJS.Signals): Promise<void> {
  s.process.kill(signal);
  await s.exited;
}

const enrol = async (url: string, john: string, photo = 0) => {
  const r = await upload(url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[photo]! });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
};

/**
 * Every file in the folder (recursively) with a hash of its bytes; -shm is shared memory, not data. Hashed by another
 * process: reading faces.db here would drop this process's SQLite locks on it (POSIX locks end with any close).
 */
function snapshot(dir: string): Record<string, string> {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('-shm'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  const r = spawnSync('sha256sum', files, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).reverse()),
  );
}

/** The database restore kept in place of the one it replaced. */
function keptDatabase(dataDir: string): string {
  const kept = fs.readdirSync(dataDir).filter((f) => /^faces\.db\.before-restore-[\dT-]+Z$/.test(f));
  assert.equal(kept.length, 1, fs.readdirSync(dataDir).join(' '));
  return path.join(dataDir, kept[0]!);
}

const faceRowsIn = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** A backup of a gallery of the first three Johns. */
async function backupOfThree(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = tempDataDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const s = await service(t, dir);
  for (const john of JOHNS.slice(0, 3)) await enrol(s.url, john);
  const backup = path.join(os.tmpdir(), `face-backup-${crypto.randomUUID()}.db`);
  t.after(() => fs.rmSync(backup, { force: true }));
  const b = cli('backup', backup, dir);
  assert.equal(b.status, 0, b.stderr);
  await stop(s, 'SIGTERM');
  return backup;
}

test('restore refuses while the service runs and changes nothing; once it has stopped, restore works', async (t) => {
  const backup = await backupOfThree(t);
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await service(t, dataDir);
  for (const john of JOHNS) await enrol(s.url, john, 1);
  assert.ok(fs.statSync(path.join(dataDir, 'faces.db-wal')).size > 0, 'the enrolments sit in the WAL');
  const before = snapshot(dataDir);

  const refused = cli('restore', backup, dataDir);
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /^restore: .*faces\.db is open in another process: the service.* Stop it and try again; nothing was changed\.\n$/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(snapshot(dataDir), before, 'not a file was added, removed or changed');

  // The service went on as if nothing had happened, and what it acknowledged is there.
  await enrol(s.url, 'John_Salley', 2);
  assert.equal((await gql(s.url, HEALTH)).data.health.faces, JOHNS.length + 1);

  await stop(s, 'SIGTERM');
  const restored = cli('restore', backup, dataDir);
  assert.equal(restored.status, 0, restored.stderr);
  assert.match(restored.stdout, /3 people and 3 faces restored/);
  assert.equal(faceRowsIn(keptDatabase(dataDir)), JOHNS.length + 1, 'the replaced gallery is kept whole');

  const again = await service(t, dataDir);
  assert.equal((await gql(again.url, HEALTH)).data.health.faces, 3);
  await stop(again, 'SIGTERM');
});

test('a killed service does not block restore; the WAL it left is kept with the database restore replaces', async (t) => {
  const backup = await backupOfThree(t);
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await service(t, dataDir);
  for (const john of JOHNS) await enrol(s.url, john, 1);
  await stop(s, 'SIGKILL');
  const wal = fs.readFileSync(path.join(dataDir, 'faces.db-wal'));
  assert.ok(wal.length > 0, 'the kill left the rows in the WAL');

  const r = cli('restore', backup, dataDir);
  assert.equal(r.status, 0, r.stderr);
  const kept = keptDatabase(dataDir);
  assert.deepEqual(fs.readFileSync(`${kept}-wal`), wal, 'the WAL is kept byte for byte');
  assert.equal(faceRowsIn(kept), JOHNS.length, 'the kept database holds every acknowledged row');
  assert.ok(!fs.existsSync(path.join(dataDir, 'faces.db-wal')), 'no old WAL beside the restored database');

  const again = await service(t, dataDir);
  assert.equal((await gql(again.url, HEALTH)).data.health.faces, 3);
  await stop(again, 'SIGTERM');
});

test('restore refuses while a reader (npm run video) has the gallery open', async (t) => {
  const backup = await backupOfThree(t);
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await service(t, dataDir);
  await enrol(s.url, 'John_Simm', 1);
  await stop(s, 'SIGTERM');

  const reader = await GalleryReader.open({ dataDir }, { targetFpir: 0.01, tolerance: 0.6 });
  const before = snapshot(dataDir);
  const refused = cli('restore', backup, dataDir);
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /is open in another process/);
  assert.deepEqual(snapshot(dataDir), before);
  await reader.close();
  assert.equal(cli('restore', backup, dataDir).status, 0);
});

test('a service does not start while a restore holds the database, and says why', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const s = await service(t, dataDir);
  await enrol(s.url, 'John_Simm', 1);
  await stop(s, 'SIGTERM');

  const lock = lockDatabaseExclusively(path.join(dataDir, 'faces.db'));
  try {
    await assert.rejects(startChildServer({ DATA_DIR: dataDir }), (err: Error) => {
      assert.match(err.message, /exited \(code 1\).*faces\.db is locked by another process \(a restore/s);
      return true;
    });
  } finally {
    lock.release();
  }
  const again = await service(t, dataDir);
  assert.equal((await gql(again.url, HEALTH)).data.health.faces, 1);
  await stop(again, 'SIGTERM');
});
