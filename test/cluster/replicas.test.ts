// Several API replicas on one PostgreSQL database, kept in step by the face change feed: what one replica
// commits, every other can search within 100 ms; a replica killed, frozen or cut off from its notifications
// catches up by number; and a database outage gives coded errors, never a lost or half-written enrolment.
// This file runs its own private PostgreSQL (it stops and restarts it), whatever store the other tests use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startPostgres, type PrivatePostgres } from '../../src/cluster/postgres.js';
import { LISTEN_APPLICATION_NAME } from '../../src/store/postgres/feed.js';
import { startTestServer, tempDataDir, type TestServer } from '../fixtures/server.js';
import { startChildServer } from '../fixtures/child-server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, DELETE_FACE, DELETE_PERSON, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnNames, johnPhotos } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';
import { faceCore } from '../fixtures/core.js';
import { twoReplicas } from '../fixtures/replicas.js';

const HEALTH_FEED = '{ health { people faces store changeFeed { position head lag appliedAt } } }';

let postgres: PrivatePostgres;
before(async () => {
  postgres = await startPostgres({ fast: true });
});
after(async () => {
  await postgres?.remove();
});

/** Waits until `done()` holds, checking as often as the event loop allows; returns the milliseconds it took. */
async function timeUntil(done: () => boolean, limitMs: number, what: string): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(0.2);
  }
  return performance.now() - start;
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Every face row's id in the database. */
async function rowIds(s: TestServer): Promise<number[]> {
  return (await s.store.faces.fileNames()).map((r) => r.id).sort((x, y) => x - y);
}

/** The index holds exactly the database's rows. */
async function assertIndexMatchesRows(s: TestServer, ids: number[], who: string): Promise<void> {
  assert.equal(s.gallery.size, ids.length, `${who}: index size differs from the rows`);
  for (const id of ids) assert.ok(s.gallery.isIndexed(id), `${who}: face ${id} is not in the index`);
}

/**
 * Calls `committed(result)` the moment each of the replica's transactions has returned from COMMIT, i.e. when its
 * change became visible to every other connection: the start of a propagation delay.
 */
function onCommit(s: TestServer, committed: (result: unknown) => void): void {
  const transaction = s.store.transaction.bind(s.store);
  s.store.transaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    const result = await transaction(fn);
    committed(result);
    return result;
  };
}

/** Milliseconds from now until `done()` holds, checked on every turn of the event loop. */
async function delayUntil(done: () => boolean, limitMs: number, what: string): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return performance.now() - start;
}

/** The face id of a stored photo. */
const faceIdOf = async (s: TestServer, imageId: string): Promise<number> => (await s.store.faces.getByImageId(imageId))!.id;

test('an enrolment on A is searchable on B within 100 ms, and a deletion on B is gone from A as fast', async (t) => {
  const [a, b] = await twoReplicas(postgres, t, 'face_propagation');
  // Each delay runs from the writer's COMMIT to the change being in the other replica's index.
  const added: number[] = [];
  const removed: number[] = [];
  const watching: Promise<void>[] = [];
  onCommit(a, (result) => {
    const id = (result as { face?: { id: number } } | undefined)?.face?.id;
    if (id !== undefined) watching.push(delayUntil(() => b.gallery.isIndexed(id), 100, `face ${id} on B`).then((ms) => void added.push(ms)));
  });
  let deleting: number[] = [];
  onCommit(b, () => {
    const ids = deleting;
    watching.push(delayUntil(() => ids.every((id) => !a.gallery.isIndexed(id)), 100, `removal of ${ids} on A`).then((ms) => void removed.push(ms)));
  });

  const photos = johnNames().flatMap((n) =>
    johnPhotos(n)
      .slice(0, 3)
      .map((p) => ({ n, p })),
  );
  for (const { n, p } of photos) {
    const r = await upload(a.url, ADD_PERSON, johnName(n), { file: p });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  await Promise.all(watching);
  assert.equal(added.length, photos.length);
  const found = (await upload(b.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[5]! })).data.searchFace;
  assert.equal(found.status, 'MATCH');
  assert.equal(found.fullName, 'John Salley');

  // Every photo of John Salley deleted through B, one by one: A answers UNKNOWN for him.
  const salleyFaces = await b.store.faces.listByPerson(Number(found.person.id));
  for (const face of salleyFaces) {
    deleting = [face.id];
    const r = await gql(b.url, DELETE_FACE, { imageId: face.imageId });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  const gone = (await upload(a.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[5]! })).data.searchFace;
  assert.equal(gone.status, 'UNKNOWN');

  // A person deleted through B: their faces go by the cascade, and the removals reach A in the same way.
  const simm = (await upload(b.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[5]! })).data.searchFace;
  assert.equal(simm.status, 'MATCH');
  deleting = (await b.store.faces.listByPerson(Number(simm.person.id))).map((f) => f.id);
  const r = await gql(b.url, DELETE_PERSON, { id: simm.person.id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  await Promise.all(watching);
  assert.equal(removed.length, 4);
  assert.equal((await upload(a.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[5]! })).data.searchFace.status, 'UNKNOWN');

  const both = [...added, ...removed];
  t.diagnostic(
    `propagation A→B (enrol, ${added.length}): p50 ${percentile(added, 50).toFixed(1)} ms, max ${Math.max(...added).toFixed(1)} ms; ` +
      `B→A (delete, ${removed.length}): p50 ${percentile(removed, 50).toFixed(1)} ms, max ${Math.max(...removed).toFixed(1)} ms`,
  );
  assert.ok(Math.max(...both) < 100, `every change within 100 ms (max ${Math.max(...both).toFixed(1)} ms)`);
  const health = (await gql(b.url, HEALTH_FEED)).data.health;
  assert.equal(health.store, 'POSTGRES');
  assert.equal(health.changeFeed.lag, 0);
  assert.equal(health.changeFeed.position, added.length + salleyFaces.length + deleting.length, 'one change per face added or removed');
});

/** Real encodings (one per john photo) to insert many faces fast, each copy nudged so no two are equal. */
async function realEncodings(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const n of johnNames()) {
    for (const p of johnPhotos(n)) {
      const face = (await faceCore.analyze(fs.readFileSync(p))).faces[0];
      if (face) out.push(face.encoding);
    }
  }
  return out;
}

/** `count` enrolments written through A's store (people and faces, as the gallery writes them), 100 per transaction. */
async function bulkEnrol(a: TestServer, encodings: Float32Array[], count: number, tag: string): Promise<void> {
  for (let done = 0; done < count;) {
    const batch = Math.min(100, count - done);
    await a.store.transaction(async () => {
      for (let i = 0; i < batch; i++, done++) {
        const person = await a.store.people.insert('Bulk', `${tag} ${done}`);
        const base = encodings[done % encodings.length]!;
        const encoding = base.map((v) => v + (Math.random() - 0.5) * 2e-3);
        const imageId = randomUUID();
        await a.store.faces.insert({
          imageId,
          personId: person.id,
          fileName: `${imageId}.jpg`,
          box: { x: 0, y: 0, width: 150, height: 150 },
          encoding,
        });
      }
    });
  }
}

/** The same search answers on both replicas, for one photo of each john. */
async function assertSameAnswers(a: TestServer, b: { url: string }): Promise<void> {
  for (const n of johnNames()) {
    const file = johnPhotos(n)[10]!;
    const [ra, rb] = await Promise.all([upload(a.url, SEARCH_FACE, {}, { file }), upload(b.url, SEARCH_FACE, {}, { file })]);
    const answer = (r: typeof ra) => ({
      status: r.data.searchFace.status,
      person: r.data.searchFace.person?.id,
      distance: r.data.searchFace.distance,
    });
    assert.deepEqual(answer(rb), answer(ra), `${n}: the replicas answer differently`);
  }
}

test('a replica frozen while 1,000 changes commit catches up by number; killed with kill -9 while 1,000 more do, it restarts with the same gallery', async (t) => {
  const databaseUrl = await postgres.createDatabase('face_catch_up');
  const a = await startTestServer({ databaseUrl });
  t.after(() => a.stop());
  const encodings = await realEncodings();
  for (const n of johnNames()) {
    const r = await upload(a.url, ADD_PERSON, johnName(n), { file: johnPhotos(n)[0]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }

  const bDir = tempDataDir();
  t.after(() => fs.rmSync(bDir, { recursive: true, force: true }));
  const b = await startChildServer({ DATA_DIR: bDir, DATABASE_URL: databaseUrl });
  t.after(() => {
    if (b.process.exitCode === null && b.process.signalCode === null) b.process.kill('SIGKILL');
  });
  const feedOf = async (url: string) => (await gql(url, HEALTH_FEED)).data.health.changeFeed;

  // Frozen (SIGSTOP): it hears nothing and reads nothing while A writes 1,000 enrolments.
  b.process.kill('SIGSTOP');
  await bulkEnrol(a, encodings, 1000, 'frozen');
  const head = (await feedOf(a.url)).head;
  const thawed = performance.now();
  b.process.kill('SIGCONT');
  for (;;) {
    const feed = await feedOf(b.url);
    if (feed.position === head) break;
    assert.ok(performance.now() - thawed < 5000, `B caught up to ${feed.position} of ${head} within 5 s`);
    await sleep(5);
  }
  const catchUpMs = performance.now() - thawed;

  // Killed (SIGKILL) while A writes 1,000 more, a few of them through the API.
  b.process.kill('SIGKILL');
  await b.exited;
  for (const n of johnNames()) {
    const r = await upload(a.url, ADD_PERSON, johnName(n), { file: johnPhotos(n)[1]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  await bulkEnrol(a, encodings, 995, 'killed');
  const restarting = performance.now();
  const b2 = await startTestServer({ dataDir: bDir, databaseUrl });
  const restartMs = performance.now() - restarting;
  t.after(() => b2.close());

  await a.gallery.catchUp();
  const ids = await rowIds(a);
  assert.equal(ids.length, 5 + 1000 + 5 + 995);
  await assertIndexMatchesRows(a, ids, 'A');
  await assertIndexMatchesRows(b2, ids, 'B');
  const [ha, hb] = await Promise.all([gql(a.url, HEALTH_FEED), gql(b2.url, HEALTH_FEED)]);
  assert.equal(hb.data.health.people, ha.data.health.people);
  assert.equal(hb.data.health.changeFeed.position, ha.data.health.changeFeed.position);
  await assertSameAnswers(a, b2);
  t.diagnostic(
    `catch-up of 1,000 changes after SIGCONT: ${catchUpMs.toFixed(0)} ms; restart after kill -9 with ${ids.length} faces: ${restartMs.toFixed(0)} ms`,
  );
});

test('with its listening connection terminated by PostgreSQL, a replica still converges within 5 s and listens again', async (t) => {
  const [a, b, databaseUrl] = await twoReplicas(postgres, t, 'face_listener');
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  t.after(() => admin.end());
  const listeners = async () =>
    (
      await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND query LIKE 'LISTEN%'", [
        LISTEN_APPLICATION_NAME,
      ])
    ).rowCount;
  const listening = async (what: string) => {
    const start = performance.now();
    while ((await listeners()) !== 2) {
      assert.ok(performance.now() - start < 5000, what);
      await sleep(20);
    }
  };
  await listening('each replica listens within 5 s of its start');
  const terminated = await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
    [LISTEN_APPLICATION_NAME],
  );
  assert.equal(terminated.rowCount, 2);

  const r = await upload(a.url, ADD_PERSON, johnName('John_Savage'), { file: johnPhotos('John_Savage')[0]! });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const id = await faceIdOf(a, r.data.addPerson.imageId);
  const ms = await timeUntil(() => b.gallery.isIndexed(id), 5000, `face ${id} on B without its listener`);
  const found = (await upload(b.url, SEARCH_FACE, {}, { file: johnPhotos('John_Savage')[4]! })).data.searchFace;
  assert.equal(found.status, 'MATCH');
  await listening('both replicas listen again within 5 s');
  t.diagnostic(`converged ${ms.toFixed(0)} ms after the enrolment with the listener cut`);
});

test('concurrent enrolments on A and B leave both indexes holding exactly the same ids', async (t) => {
  const [a, b] = await twoReplicas(postgres, t, 'face_concurrent');
  const jobs = johnNames().flatMap((n, i) =>
    johnPhotos(n)
      .slice(0, 6)
      .map((p, j) => ({ server: (i + j) % 2 === 0 ? a : b, name: johnName(n), p })),
  );
  const results = await Promise.all(jobs.map((j) => upload(j.server.url, ADD_PERSON, j.name, { file: j.p })));
  for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  // Same names enrolled on both at once still make one person each.
  assert.equal((await gql(a.url, HEALTH_FEED)).data.health.people, johnNames().length);
  await a.gallery.catchUp();
  await b.gallery.catchUp();
  const ids = await rowIds(a);
  assert.equal(ids.length, jobs.length);
  await assertIndexMatchesRows(a, ids, 'A');
  await assertIndexMatchesRows(b, ids, 'B');
  await assertSameAnswers(a, b);
});

test('PostgreSQL stopped and restarted under load: STORE_UNAVAILABLE during the outage, and afterwards no enrolment lost or half-written', async (t) => {
  const databaseUrl = await postgres.createDatabase('face_outage');
  const a = await startTestServer({ databaseUrl });
  t.after(() => a.stop());
  const photos = johnNames().flatMap((n) => johnPhotos(n).map((p) => ({ n, p })));
  const enrolled: string[] = [];
  const codes = new Map<string, number>();
  let stop = false;
  // Two clients enrol and search in a loop while the database goes away and comes back.
  const client = async (k: number) => {
    for (let i = k; !stop; i += 2) {
      const { n, p } = photos[i % photos.length]!;
      const r = i % 3 === 2 ? await upload(a.url, SEARCH_FACE, {}, { file: p }) : await upload(a.url, ADD_PERSON, johnName(n), { file: p });
      const code = errorCode(r);
      if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
      else if (r.data.addPerson) enrolled.push(r.data.addPerson.imageId);
    }
  };
  const load = [client(0), client(1)];
  await sleep(1500);
  const before = enrolled.length;
  await postgres.stop('fast');
  await sleep(2000);
  await postgres.start();
  await sleep(2500);
  stop = true;
  await Promise.all(load);

  t.diagnostic(`enrolled ${enrolled.length} (${before} before the outage); errors: ${JSON.stringify(Object.fromEntries(codes))}`);
  assert.ok((codes.get('STORE_UNAVAILABLE') ?? 0) > 0, 'the outage was answered STORE_UNAVAILABLE');
  assert.deepEqual(
    [...codes.keys()].filter((c) => c !== 'STORE_UNAVAILABLE'),
    [],
    'no other error',
  );
  assert.ok(enrolled.length > before, 'enrolments succeed again after the restart');

  // A photo whose commit was cut off is settled by its row within moments; then files, rows and index agree.
  await timeUntil(() => fs.readdirSync(path.join(a.dataDir, 'images')).every((f) => !f.startsWith('.')), 5000, 'settled photos');
  await a.gallery.catchUp();
  await assertConsistent(a, a.dataDir);
  const rows = await a.store.faces.fileNames();
  for (const imageId of enrolled)
    assert.ok(
      rows.some((r) => r.fileName.startsWith(imageId)),
      `enrolment ${imageId} was kept`,
    );
  const health = (await gql(a.url, HEALTH_FEED)).data.health;
  assert.equal(health.faces, rows.length);
  assert.equal(health.changeFeed.lag, 0);
});
