// Durability: data survives a restart, and start-up repairs whatever a killed process left half-done,
// so files, rows and the index agree again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestServer, tempDataDir, storedCounts } from '../fixtures/server.js';
import { gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';
import { databaseUrlFor, dropDatabaseFor, TEST_STORE } from '../fixtures/database.js';

test('people, photos and encodings survive a restart on the same data folder', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestServer({ dataDir });
  const added = [];
  for (const john of ['John_Salley', 'John_Savage']) {
    added.push((await upload(first.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! })).data.addPerson);
  }
  await first.close();

  const second = await startTestServer({ dataDir });
  t.after(() => second.close());
  assert.equal(second.gallery.size, 2, 'every stored encoding is loaded into the index');
  assert.deepEqual((await gql(second.url, HEALTH)).data.health.faces, 2);
  const found = (await upload(second.url, SEARCH_FACE, {}, { file: johnPhotos('John_Savage')[4]! })).data.searchFace;
  assert.equal(found.status, 'MATCH');
  assert.equal(found.person.id, added[1].person.id);
  assert.equal(found.photoUrl, added[1].url);
  assert.equal((await fetch(second.url + added[0].url)).status, 200);
});

test('start-up settles interrupted writes and deletions it can prove, and deletes no photo or row on a guess', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestServer({ dataDir });
  const kept = (await upload(first.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! })).data.addPerson;
  const lost = (await upload(first.url, ADD_PERSON, johnName('John_Simm'), { file: johnPhotos('John_Simm')[0]! })).data.addPerson;
  const committed = (await upload(first.url, ADD_PERSON, johnName('John_Savage'), { file: johnPhotos('John_Savage')[0]! })).data.addPerson;
  const undeleted = (await upload(first.url, ADD_PERSON, johnName('John_Shimkus'), { file: johnPhotos('John_Shimkus')[0]! })).data.addPerson;
  await first.close();

  const images = path.join(dataDir, 'images');
  const name = (url: string) => path.basename(url);
  // What a process killed between the steps of a write or a delete leaves behind:
  fs.writeFileSync(path.join(images, `.tmp-${crypto.randomUUID()}`), 'half a photo'); // before the rename
  const abandoned = `${crypto.randomUUID()}.jpg`;
  fs.copyFileSync(johnPhotos('John_Schneider')[0]!, path.join(images, `.pending-${abandoned}`)); // its row never committed
  fs.renameSync(path.join(images, name(committed.url)), path.join(images, `.pending-${name(committed.url)}`)); // row committed, not renamed yet
  fs.renameSync(path.join(images, name(undeleted.url)), path.join(images, `.deleted-${name(undeleted.url)}`)); // marked, row not deleted
  // What only damage from outside leaves: a photo nobody's row names, and a row whose photo is gone. Both stay.
  const stranger = `${crypto.randomUUID()}.jpg`;
  fs.copyFileSync(johnPhotos('John_Schneider')[1]!, path.join(images, stranger));
  fs.rmSync(path.join(images, name(lost.url)));
  fs.writeFileSync(path.join(images, 'README.txt'), 'not the service’s'); // not ours: left alone

  const second = await startTestServer({ dataDir });
  t.after(() => second.close());
  assert.deepEqual(fs.readdirSync(images).sort(), [name(kept.url), name(committed.url), name(undeleted.url), stranger, 'README.txt'].sort());
  assert.equal(second.gallery.size, 4, 'every row is still searchable');
  assert.equal(await second.store.faces.count(), 4);
  assert.ok(
    second.logs.some((l) => /finished 1 and undid 2 interrupted write\(s\) or deletion\(s\); removed 1 temp file\(s\)/.test(l)),
    second.logs.join('\n'),
  );
  assert.ok(
    second.logs.some((l) => /1 photo\(s\) in .* have no row and 1 row\(s\) have no photo; both are kept/.test(l)),
    second.logs.join('\n'),
  );
  const search = (await upload(second.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[3]! })).data.searchFace;
  assert.equal(search.status, 'MATCH', 'the row whose photo is missing still matches');
  assert.equal((await fetch(second.url + lost.url)).status, 404);
  assert.equal((await fetch(second.url + committed.url)).status, 200);
});

test('a database that holds no face beside a folder of photos stops the start, and nothing is written to either', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestServer({ dataDir });
  await upload(first.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! });
  await first.close();
  // The database is replaced by an empty one: SQLite's file removed, or a new PostgreSQL database of the same name.
  if (TEST_STORE === 'postgres') await dropDatabaseFor(dataDir);
  else for (const f of ['faces.db', 'faces.db-wal', 'faces.db-shm']) fs.rmSync(path.join(dataDir, f), { force: true });
  const images = path.join(dataDir, 'images');
  const photos = fs.readdirSync(images);

  await assert.rejects(startTestServer({ dataDir }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'DATA_DIR_MISMATCH');
    assert.match(e.message, /holds no photos, but .* holds 1/);
    return true;
  });
  assert.deepEqual(fs.readdirSync(images), photos);
  if (TEST_STORE === 'postgres') {
    const db = new pg.Client({ connectionString: await databaseUrlFor(dataDir) });
    await db.connect();
    t.after(() => db.end());
    assert.equal((await db.query("SELECT to_regclass('faces') AS t")).rows[0].t, null, 'no table was created');
  } else {
    assert.equal(fs.existsSync(path.join(dataDir, 'faces.db')), false);
  }
});

/** Starts the enrol loop, lets it run `ms` after it is ready, then kills it with SIGKILL. */
function runAndKill(dataDir: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const loop = fileURLToPath(new URL('../fixtures/enrol-loop.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', loop, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let ready = false;
    child.stdout.on('data', (d: Buffer) => {
      if (!ready && d.toString().includes('ready')) {
        ready = true;
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!ready) reject(new Error(`enrol loop exited before it was ready (code ${code})`));
      else if (signal !== 'SIGKILL') reject(new Error(`enrol loop ended by itself (code ${code}) before the kill`));
      else resolve();
    });
  });
}

test('after kill -9 in the middle of enrolments and deletions, a restart leaves files, rows and index agreeing', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let stored = 0;
  for (const ms of [150, 420, 777, 1300]) {
    await runAndKill(dataDir, ms);
    const s = await startTestServer({ dataDir });
    try {
      await assertConsistent(s, dataDir);
      stored = (await storedCounts(s)).faceRows;
      // Every person row is whole: a name and a creation time.
      for (const p of await s.store.people.list({ limit: 1000 })) assert.ok(p.firstName && p.surName && p.createdAt);
    } finally {
      await s.close();
    }
  }
  assert.ok(stored > 0, 'the loops stored photos before they were killed');
});
