// Deletion across replicas on one PostgreSQL database, each keeping photos on its own disk (no PHOTO_STORE): a
// photo deleted through any replica leaves no copy on any replica's disk and is served by none, however deletions
// of the same person race across replicas.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, type PrivatePostgres } from '../../src/cluster/postgres.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { twoReplicas } from '../fixtures/replicas.js';
import { errorCode, gql } from '../fixtures/graphql-client.js';
import { DELETE_FACE, DELETE_PERSON } from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { personName } from '../../src/gallery/names.js';
import type { Photo } from '../../src/gallery/index.js';
import type { FaceRow } from '../../src/store/faces.js';

const TRIALS = 50;

let postgres: PrivatePostgres;
before(async () => {
  postgres = await startPostgres({ fast: true });
});
after(async () => {
  await postgres?.remove();
});

/** Photos analysed once and enrolled many times through the gallery's enrolment path (see test/api/deletion.test.ts). */
const analysed = (count: number): Photo[] =>
  johnPhotos('John_Simm')
    .slice(0, count)
    .map((file) => ({ bytes: fs.readFileSync(file), filename: path.basename(file) }));

async function enrol(s: TestServer, surName: string, photos: Photo[]): Promise<{ personId: number; faces: FaceRow[] }> {
  const faces: FaceRow[] = [];
  let personId = 0;
  for (const photo of photos) {
    const r = await s.gallery.addPerson(photo, personName('Trial', surName));
    personId = r.person.id;
    faces.push(r.face);
  }
  return { personId, faces };
}

const copies = (s: TestServer, faces: FaceRow[]): string[] =>
  fs.readdirSync(path.join(s.dataDir, 'images')).filter((f) => faces.some((face) => f.includes(face.imageId)));

/** Waits (up to 5 s) until neither replica's disk holds a copy of these photos; fails naming what is left. */
async function assertNoCopies(replicas: TestServer[], faces: FaceRow[], what: string): Promise<void> {
  const start = Date.now();
  while (replicas.some((r) => copies(r, faces).length > 0)) {
    if (Date.now() - start > 5000) assert.fail(`${what}: copies left: ${replicas.map((r) => copies(r, faces).join(',')).join(' | ')}`);
    await sleep(10);
  }
  for (const r of replicas) {
    for (const f of faces) assert.equal((await fetch(`${r.url}/images/${f.fileName}`)).status, 404, `${what}: ${f.fileName} served`);
  }
}

test('a photo deleted through another replica is removed from the disk of the replica that stored it, and not served', async (t) => {
  const [a, b] = await twoReplicas(postgres, t, 'erase_across');
  const { faces } = await enrol(a, 'Across', analysed(3));
  const [gone, ...kept] = faces as [FaceRow, ...FaceRow[]];
  assert.equal((await fetch(`${a.url}/images/${gone.fileName}`)).status, 200);
  assert.equal((await gql(b.url, DELETE_FACE, { imageId: gone.imageId })).data.deleteFace.deleted, true);
  // Not served by A from the moment the deletion committed, and removed from A's disk once the feed brings it.
  assert.equal((await fetch(`${a.url}/images/${gone.fileName}`)).status, 404);
  await assertNoCopies([a, b], [gone], 'deleteFace through B');
  for (const f of kept) assert.equal((await fetch(`${a.url}/images/${f.fileName}`)).status, 200);
});

test('a replica that was stopped when a photo of its disk was deleted removes it at its next start', async (t) => {
  const databaseUrl = await postgres.createDatabase('erase_while_down');
  const a = await startTestServer({ databaseUrl });
  const b = await startTestServer({ databaseUrl });
  t.after(() => b.stop());
  const { personId, faces } = await enrol(a, 'Down', analysed(2));
  await a.close();
  assert.equal((await gql(b.url, DELETE_PERSON, { id: personId })).data.deletePerson.removedFaces, 2);
  assert.equal(copies(a, faces).length, 2, 'A was down: its copies are still on its disk');
  const restarted = await startTestServer({ databaseUrl, dataDir: a.dataDir });
  t.after(() => restarted.stop());
  assert.deepEqual(copies(restarted, faces), []);
});

test(`${TRIALS} deletions of the same person racing through two replicas: one deletes, none leaves a photo`, async (t) => {
  const [a, b] = await twoReplicas(postgres, t, 'erase_race');
  const photos = analysed(4);
  for (let trial = 0; trial < TRIALS; trial++) {
    const { personId, faces } = await enrol(trial % 2 === 0 ? a : b, String(trial), photos);
    const answers = await Promise.all([a, b, a, b].map((r) => gql(r.url, DELETE_PERSON, { id: personId })));
    assert.equal(answers.filter((r) => r.data?.deletePerson?.deleted === true).length, 1, `trial ${trial}: ${JSON.stringify(answers)}`);
    assert.equal(answers.filter((r) => errorCode(r) === 'NOT_FOUND').length, 3, `trial ${trial}: ${JSON.stringify(answers)}`);
    await assertNoCopies([a, b], faces, `trial ${trial}`);
  }
});
