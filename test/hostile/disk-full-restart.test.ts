// A full disk, second pass, on a real tmpfs: the service stopped (SIGTERM) and started again on the full disk, then
// people deleted. Deleting must give enrolment its room back without outside help, and stopping on a full disk must
// neither crash nor lose a row. The space reserve must never pass a partial write for a whole reserve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildServer, type ChildServer } from '../fixtures/child-server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_FACE, ADD_PERSON, DELETE_PERSON, HEALTH } from '../fixtures/operations.js';
import { johnName, johnNames, johnPhotos } from '../fixtures/photos.js';
import { RESERVE_FILE, SpaceReserve } from '../../src/store/space-reserve.js';

/** A fresh tmpfs of `size` (e.g. '8m'), unmounted and removed when the test ends. */
function tmpfs(t: { after(fn: () => unknown): void }, size: string): string {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'face-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mount]).status === 0;
  t.after(() => {
    if (mounted) spawnSync('umount', ['-l', mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });
  assert.ok(mounted, `a ${size} tmpfs could be mounted (the tests run as root on Debian)`);
  return mount;
}

const freeBytes = (dir: string): number => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

/** Writes `file` until the disk refuses another byte. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    for (const chunk of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(chunk, 1);
      for (;;) {
        try {
          if (fs.writeSync(fd, buf) < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(freeBytes(path.dirname(file)), 0, 'the disk is full');
}

interface Service extends ChildServer {
  /** Resolves with the exit code and signal. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function service(t: { after(fn: () => unknown): void }, dataDir: string): Promise<Service> {
  const s = await startChildServer({ DATA_DIR: dataDir });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (s.process.exitCode !== null) resolve({ code: s.process.exitCode, signal: null });
    s.process.on('exit', (code, signal) => resolve({ code, signal }));
  });
  t.after(() => {
    if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGKILL');
    return ended;
  });
  return { ...s, ended };
}

/** SIGTERM (on a full disk too): exit 0, never a stack trace. */
async function stopCleanly(s: Service): Promise<void> {
  s.process.kill('SIGTERM');
  const { code, signal } = await s.ended;
  const out = s.output();
  assert.equal(signal, null, out);
  assert.equal(code, 0, out);
  assert.doesNotMatch(out, /\n\s+at |SqliteError|Error: /, `no stack trace, no raw error: ${out}`);
}

/** Enrols every John with `each` photos; returns the people's ids and how many photos were acknowledged. */
async function enrolJohns(url: string, each: number): Promise<{ ids: string[]; photos: number }> {
  const ids: string[] = [];
  let photos = 0;
  for (const john of johnNames()) {
    const [first, ...more] = johnPhotos(john);
    const r = await upload(url, ADD_PERSON, johnName(john), { file: first! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    ids.push(r.data.addPerson.person.id);
    photos++;
    for (const file of more.slice(0, each - 1)) {
      const f = await upload(url, ADD_FACE, { personId: r.data.addPerson.person.id }, { file });
      assert.equal(f.errors, undefined, JSON.stringify(f.errors));
      photos++;
    }
  }
  return { ids, photos };
}

const photosIn = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'images')).length;

const walBytes = (dataDir: string): number => {
  const wal = path.join(dataDir, 'faces.db-wal');
  return fs.existsSync(wal) ? fs.statSync(wal).size : 0;
};

/**
 * A service on a tmpfs roomy enough (48 MB) that its WAL is not trimmed after each write, enrolled until the WAL holds
 * rows that make faces.db grow when checkpointed; then the disk is filled.
 */
async function fullDiskWithRowsInWal(t: { after(fn: () => unknown): void }) {
  const mount = tmpfs(t, '48m');
  const dataDir = path.join(mount, 'data');
  const filler = path.join(mount, 'filler');
  const s = await service(t, dataDir);
  const { ids, photos } = await enrolJohns(s.url, 3);
  assert.ok(walBytes(dataDir) > 0, 'the rows are in the WAL');
  fillDisk(filler);
  return { dataDir, filler, s, expected: { people: ids.length, faces: photos } };
}

const counts = async (url: string) => {
  const h = (await gql(url, HEALTH)).data.health;
  return { people: h.people, faces: h.faces };
};

test('SIGTERM on a full disk exits 0 with the WAL checkpointed (the reserve lent to it); the next start on that disk has every row', async (t) => {
  const { dataDir, filler, s, expected } = await fullDiskWithRowsInWal(t);
  await stopCleanly(s);
  assert.equal(walBytes(dataDir), 0, `the WAL is in faces.db: ${s.output()}`);

  fillDisk(filler);
  const again = await service(t, dataDir);
  assert.deepEqual(await counts(again.url), expected);
  assert.equal(photosIn(dataDir), expected.faces);
  await stopCleanly(again);
});

test('SIGTERM on a full disk without any reserve: one line says the WAL stays, exit 0, and no row is lost', async (t) => {
  const { dataDir, filler, s, expected } = await fullDiskWithRowsInWal(t);
  fs.rmSync(path.join(dataDir, RESERVE_FILE));
  fillDisk(filler);
  const wal = walBytes(dataDir);
  await stopCleanly(s);
  assert.match(s.output(), /^face store: the WAL could not be moved into .*faces\.db .*the next start replays it$/m);
  assert.ok(walBytes(dataDir) >= wal, 'the WAL stays, whole');

  fs.rmSync(filler);
  const again = await service(t, dataDir);
  assert.deepEqual(await counts(again.url), expected, 'every row, replayed from the WAL');
  await stopCleanly(again);
  assert.equal(walBytes(dataDir), 0);
});

test('after a restart on a full disk, deleting people lets enrolment work again, without outside help', async (t) => {
  const mount = tmpfs(t, '8m');
  const dataDir = path.join(mount, 'data');
  const s = await service(t, dataDir);
  const { ids, photos } = await enrolJohns(s.url, 4);
  fillDisk(path.join(mount, 'filler'));
  const full = await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[2]! });
  assert.equal(errorCode(full), 'STORAGE_FULL', JSON.stringify(full));
  await stopCleanly(s);

  fillDisk(path.join(mount, 'filler'));
  const again = await service(t, dataDir);
  const stillFull = await upload(again.url, ADD_PERSON, { firstName: 'Still', surName: 'Full' }, { file: johnPhotos('John_Salley')[2]! });
  assert.equal(errorCode(stillFull), 'STORAGE_FULL', JSON.stringify(stillFull));

  // Delete people one at a time, trying an enrolment after each, until one is accepted.
  let deleted = 0;
  let enrolled: string | undefined;
  for (const id of ids) {
    const d = await gql(again.url, DELETE_PERSON, { id });
    assert.equal(d.errors, undefined, `deletion ${deleted + 1}: ${JSON.stringify(d.errors)}`);
    deleted++;
    const r = await upload(again.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[2]! });
    if (!r.errors) {
      enrolled = r.data.addPerson.person.id;
      break;
    }
    assert.equal(errorCode(r), 'STORAGE_FULL', JSON.stringify(r.errors));
  }
  assert.ok(enrolled, `no enrolment accepted after deleting all ${deleted} people (${freeBytes(mount)} bytes free, WAL ${walBytes(dataDir)} bytes)`);
  assert.ok(deleted <= 3, `an enrolment took ${deleted} deletions of 4 photos each`);
  assert.ok(fs.existsSync(path.join(dataDir, RESERVE_FILE)), 'the reserve is whole again, for the next deletion on a full disk');

  // And stopping on this disk keeps everything acknowledged.
  const expected = (await gql(again.url, HEALTH)).data.health;
  await stopCleanly(again);
  const third = await service(t, dataDir);
  const after = (await gql(third.url, HEALTH)).data.health;
  assert.deepEqual({ people: after.people, faces: after.faces }, { people: expected.people, faces: expected.faces });
  assert.equal(after.people, ids.length - deleted + 1);
  assert.ok(after.faces < photos);
  await stopCleanly(third);
});

test('a reserve that does not fit whole is not kept: a short write is a failure', (t) => {
  const mount = tmpfs(t, '2m');
  fs.writeFileSync(path.join(mount, 'filler'), Buffer.alloc(1024 * 1024 + 64 * 1024, 1));
  const free = freeBytes(mount);
  assert.ok(free > 0 && free < 1024 * 1024, `${free} bytes free: room for part of the reserve`);
  const reserve = new SpaceReserve(mount);
  assert.equal(reserve.ensure(), false);
  assert.ok(!fs.existsSync(reserve.file), 'no partial reserve is left to hold the last free bytes');
  assert.equal(freeBytes(mount), free);
  fs.rmSync(path.join(mount, 'filler'));
  assert.equal(reserve.ensure(), true);
  assert.equal(fs.statSync(reserve.file).size, 1024 * 1024);
});
