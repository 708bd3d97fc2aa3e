// A full temp folder (TMPDIR on a real tmpfs): graphql-upload writes each uploaded file there first. An upload
// that cannot be written is answered STORAGE_FULL at once, leaves no temp file, and is logged once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildServer, type ChildServer } from '../fixtures/child-server.js';
import { databaseUrlFor, dropDatabaseFor } from '../fixtures/database.js';
import { gql, upload, errorCode, type GraphQLResponse } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { tempDataDir } from '../fixtures/tmp.js';

/** A request that gets no answer within this long hangs (the target is under a second). */
const HANG_GUARD_MS = 10_000;

async function answered<T>(request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const capacitorFiles = (dir: string) => fs.readdirSync(dir).filter((f) => /^capacitor-.*\.tmp$/.test(f));

/** Fills the tmpfs at `mount` through `filler`, then frees `leave` bytes of it again. */
function fill(mount: string, filler: string, leave = 0): void {
  try {
    fs.writeFileSync(filler, Buffer.alloc(64 * 1024 * 1024, 1));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  if (leave > 0) fs.truncateSync(filler, fs.statSync(filler).size - leave);
}

test('a full TMPDIR answers uploads STORAGE_FULL at once, leaves no temp file, logs a warning, and uploads work once there is space', async (t) => {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'face-tmpdir-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).status === 0;
  const dataDir = tempDataDir();
  let s: ChildServer | undefined;
  t.after(async () => {
    if (s && s.process.exitCode === null && s.process.signalCode === null) {
      s.process.kill('SIGKILL');
      await s.exited;
    }
    if (mounted) spawnSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropDatabaseFor(dataDir);
  });
  assert.ok(mounted, 'a 4 MB tmpfs could be mounted (the tests run as root on Debian)');
  const databaseUrl = await databaseUrlFor(dataDir);
  s = await startChildServer({ TMPDIR: mount, DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) });
  const url = s.url;
  const filler = path.join(mount, 'filler');
  const warnings = () =>
    s!
      .output()
      .split('\n')
      .filter((l) => /uploads: .*temp folder/.test(l));

  const timed = async (request: Promise<GraphQLResponse>) => {
    const t0 = performance.now();
    const r = await answered(request);
    return Object.assign(r, { ms: performance.now() - t0 });
  };
  const enrol = (john: string, n = 0) => timed(upload(url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[n]! }));
  const search = (john: string) => timed(upload(url, SEARCH_FACE, {}, { file: johnPhotos(john)[5]! }));
  const noTempFileLeft = async (what: string) => {
    // The temp file is closed and removed as the request ends (the answer may overtake the unlink by moments).
    for (let waited = 0; capacitorFiles(mount).length > 0 && waited < 1000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    assert.equal(capacitorFiles(mount).length, 0, `${what}: no temp file is left (${capacitorFiles(mount).join(', ')})`);
  };
  const isTempFull = async (r: GraphQLResponse & { ms?: number }, what: string) => {
    t.diagnostic(`${what}: answered in ${r.ms?.toFixed(0)} ms`);
    assert.equal(errorCode(r), 'STORAGE_FULL', `${what}: ${JSON.stringify(r)}`);
    assert.equal(r.status, 503, what);
    assert.match(r.errors![0]!.message, /temp folder/, what);
    await noTempFileLeft(what);
  };

  const before = await enrol('John_Salley');
  assert.equal(before.errors, undefined, JSON.stringify(before.errors));

  // Not one byte free: the temp file is created, its first write fails.
  fill(mount, filler);
  await isTempFull(await search('John_Salley'), 'searchFace on a full TMPDIR');
  await isTempFull(await enrol('John_Savage'), 'addPerson on a full TMPDIR');
  assert.equal(warnings().length, 2, `one warning per refused upload:\n${s.output()}`);
  assert.match(warnings()[0]!, /ENOSPC/);

  // One page free, less than any photo: the write is short, then fails (it neither hangs nor stores a part).
  fs.rmSync(filler);
  fill(mount, filler, 4096);
  await isTempFull(await search('John_Salley'), 'searchFace with 4 KB left in TMPDIR');
  await isTempFull(await enrol('John_Savage', 1), 'addPerson with 4 KB left in TMPDIR');

  // Nothing was stored by the refused enrolments; JSON requests still work.
  const health = await answered(gql(url, HEALTH));
  assert.deepEqual([health.data.health.people, health.data.health.faces], [1, 1]);

  fs.rmSync(filler);
  const found = await search('John_Salley');
  assert.equal(found.data?.searchFace.status, 'MATCH', JSON.stringify(found));
  const again = await enrol('John_Savage');
  assert.equal(again.errors, undefined, JSON.stringify(again.errors));
  await noTempFileLeft('after the uploads that worked');
});
