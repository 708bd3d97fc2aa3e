// Damaged or missing data files, a full disk, links planted in the data folder, and stopping the service:
// none of them may lose a photo that a backup could restore, and each has a clear answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, serverFor, tempDataDir, storedCounts } from '../fixtures/server.js';
import { gql, upload, errorCode } from '../fixtures/graphql-client.js';
import { ADD_PERSON, DELETE_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { DataDirError } from '../../src/gallery/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOHNS = ['John_Salley', 'John_Savage', 'John_Simm'];

/** A data folder with three people enrolled, as a server that is still running leaves it (most rows only in the WAL). */
async function galleryInFlight(t: { after(fn: () => unknown): void }): Promise<{ live: string; copy: string }> {
  const s = await serverFor(t);
  for (const john of JOHNS) await upload(s.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! });
  const copy = tempDataDir();
  t.after(() => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(s.dataDir, copy, { recursive: true });
  return { live: s.dataDir, copy };
}

const photosIn = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'images')).sort();

test('a removed, emptied or WAL-less database beside stored photos stops the start and changes nothing', async (t) => {
  const { copy } = await galleryInFlight(t);
  const db = path.join(copy, 'faces.db');
  const photos = photosIn(copy);
  assert.equal(photos.length, 3);
  assert.ok(fs.existsSync(`${db}-wal`) && fs.statSync(`${db}-wal`).size > fs.statSync(db).size, 'the rows sit in the WAL');

  const damages: [string, (db: string) => void][] = [
    ['-wal removed', (db) => fs.rmSync(`${db}-wal`)],
    ['-wal overwritten', (db) => fs.writeFileSync(`${db}-wal`, Buffer.alloc(fs.statSync(`${db}-wal`).size, 7))],
    ['faces.db emptied, -wal removed', (db) => (fs.truncateSync(db, 0), fs.rmSync(`${db}-wal`))],
    ['faces.db and -wal removed', (db) => (fs.rmSync(db), fs.rmSync(`${db}-wal`))],
  ];
  for (const [what, damage] of damages) {
    const dir = tempDataDir();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.cpSync(copy, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'faces.db-shm'), { force: true });
    damage(path.join(dir, 'faces.db'));
    const dbFiles = () =>
      ['faces.db', 'faces.db-wal'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)).toString('base64') : null));
    const untouched = dbFiles();
    await assert.rejects(startTestServer({ dataDir: dir }), (err: unknown) => {
      assert.ok(err instanceof DataDirError, `${what}: ${String(err)}`);
      assert.match((err as Error).message, /holds no photos, but .* holds 3.*npm run restore/s);
      return true;
    });
    assert.deepEqual(photosIn(dir), photos, `${what}: every photo is still there`);
    assert.deepEqual(dbFiles(), untouched, `${what}: the database files are as they were found`);
  }
});

function npm(script: string, args: string[], dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, `src/cli/${script}.ts`), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('a backup taken while the service runs restores the whole gallery into a damaged folder', async (t) => {
  const { live, copy } = await galleryInFlight(t);
  const backup = path.join(os.tmpdir(), `face-backup-${crypto.randomUUID()}.db`);
  t.after(() => fs.rmSync(backup, { force: true }));
  const b = npm('backup', [backup], live);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /3 people, 3 faces and 3 photos/);
  assert.equal(npm('backup', [backup], live).status, 1, 'an existing file is never overwritten');

  // Disaster: the database is gone and the photo folder too.
  const dir = copy;
  fs.rmSync(path.join(dir, 'faces.db'));
  fs.rmSync(path.join(dir, 'faces.db-wal'));
  fs.rmSync(path.join(dir, 'faces.db-shm'), { force: true });
  fs.rmSync(path.join(dir, 'images'), { recursive: true });
  const r = npm('restore', [backup], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 people and 3 faces restored .* \(3 photo\(s\) written\)/);

  const s = await startTestServer({ dataDir: dir });
  t.after(() => s.close());
  assert.deepEqual(await storedCounts(s), { files: 3, faceRows: 3, people: 3, index: 3 });
  const found = (await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[4]! })).data.searchFace;
  assert.equal(found.status, 'MATCH');
  assert.equal(found.fullName, 'John Simm');
  assert.equal((await fetch(s.url + found.photoUrl)).status, 200);

  // Restoring over a database keeps the one it replaces.
  await s.close();
  const again = npm('restore', [backup], dir);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(fs.readdirSync(dir).some((f) => /^faces\.db\.before-restore-/.test(f)));
  const notBackup = path.join(dir, 'images', photosIn(dir)[0]!);
  assert.equal(npm('restore', [notBackup], dir).status, 1, 'a file that is not a backup is refused');
});

test('SIGTERM stops the service cleanly: exit 0, the WAL checkpointed into faces.db', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', API_KEYS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`the service stopped before listening: ${out}`)));
  });
  for (const john of JOHNS) await upload(url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! });
  assert.ok(fs.statSync(path.join(dataDir, 'faces.db-wal')).size > 0);
  const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null], out);
  const wal = path.join(dataDir, 'faces.db-wal');
  assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'nothing is left in the WAL');
  // faces.db alone now holds the gallery.
  fs.rmSync(wal, { force: true });
  const s = await startTestServer({ dataDir });
  t.after(() => s.close());
  assert.equal((await gql(s.url, HEALTH)).data.health.faces, 3);
});

test('a full disk answers STORAGE_FULL at once, deletions still work, and enrolment works again once there is space', async (t) => {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'face-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]).status === 0;
  let s: Awaited<ReturnType<typeof startTestServer>> | undefined;
  t.after(async () => {
    await s?.close();
    if (mounted) spawnSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });
  assert.ok(mounted, 'an 8 MB tmpfs could be mounted (the tests run as root on Debian)');
  s = await startTestServer({ dataDir: path.join(mount, 'data') });
  const first = await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! });
  assert.equal(first.errors, undefined);
  // Fill the rest of the disk.
  const filler = path.join(mount, 'filler');
  try {
    fs.writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024));
  } catch {
    // ENOSPC: the disk is full, as wanted
  }
  const t0 = performance.now();
  const full = await upload(s.url, ADD_PERSON, johnName('John_Simm'), { file: johnPhotos('John_Simm')[0]! });
  assert.equal(errorCode(full), 'STORAGE_FULL', JSON.stringify(full.errors));
  assert.ok(performance.now() - t0 < 2000, 'answered within a second or two');
  const deleted = await gql(s.url, DELETE_PERSON, { id: first.data.addPerson.person.id });
  assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
  fs.rmSync(filler);
  const again = await upload(s.url, ADD_PERSON, johnName('John_Simm'), { file: johnPhotos('John_Simm')[0]! });
  assert.equal(again.errors, undefined);
  assert.equal((await storedCounts(s)).faceRows, 1);
});

test('a symbolic link planted in the data folder is never followed when serving', async (t) => {
  const s = await serverFor(t);
  const added = (await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! })).data.addPerson;
  const planted = `${crypto.randomUUID()}.jpg`;
  fs.symlinkSync('/etc/passwd', path.join(s.dataDir, 'images', planted));
  const r = await fetch(`${s.url}/images/${planted}`);
  assert.equal(r.status, 404);
  assert.doesNotMatch(await r.text(), /root:/);
  const ok = await fetch(s.url + added.url);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
});

test('upload temp files a killed process left (untouched for an hour) are removed at start-up; live ones stay', async (t) => {
  const name = () => `capacitor-${crypto.randomUUID().replace(/-/g, '')}.tmp`;
  const stale = path.join(os.tmpdir(), name());
  const live = path.join(os.tmpdir(), name());
  fs.writeFileSync(stale, 'half a video');
  fs.writeFileSync(live, 'an upload in progress');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
  t.after(() => fs.rmSync(live, { force: true }));
  const s = await serverFor(t);
  assert.equal(fs.existsSync(stale), false);
  assert.equal(fs.existsSync(live), true);
  assert.ok(
    s.logs.some((l) => /removed \d+ temp file\(s\) of requests cut off by a crash/.test(l)),
    s.logs.join('\n'),
  );
});
