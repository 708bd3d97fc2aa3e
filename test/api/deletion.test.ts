// Deletion that can be proven: however requests to delete the same person or photo race (a double click, a client
// retry), one answers deleted and the others NOT_FOUND, and no copy of any photo is left on disk or served; a copy
// a crash left behind goes at the next start, because the deletion is on record (erased_photos).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serverFor, startTestServer, type TestServer } from '../fixtures/server.js';
import { errorCode, gql } from '../fixtures/graphql-client.js';
import { DELETE_FACE, DELETE_PERSON } from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';
import type { Photo } from '../../src/gallery/index.js';
import { personName } from '../../src/gallery/names.js';
import type { FaceRow } from '../../src/store/faces.js';

const TRIALS = 50;

/**
 * Photos analysed once and enrolled many times: the gallery keeps a photo's analysis with it, so each enrolment
 * below writes a new stored photo, rows and an index entry through the real enrolment path without running the
 * detector again.
 */
function analysedPhotos(count: number): Photo[] {
  return johnPhotos('John_Shimkus')
    .slice(0, count)
    .map((file) => ({ bytes: fs.readFileSync(file), filename: path.basename(file) }));
}

async function enrolPerson(s: TestServer, trial: number, photos: Photo[]): Promise<{ personId: number; faces: FaceRow[] }> {
  const faces: FaceRow[] = [];
  let personId = 0;
  for (const photo of photos) {
    const r = await s.gallery.addPerson(photo, personName('Trial', String(trial)));
    personId = r.person.id;
    faces.push(r.face);
  }
  return { personId, faces };
}

/** Every name in images/ that belongs to one of these photos: final, pending or marked deleted. */
function copiesOf(s: TestServer, faces: FaceRow[]): string[] {
  const dir = path.join(s.dataDir, 'images');
  return fs.readdirSync(dir).filter((f) => faces.some((face) => f.includes(face.imageId)));
}

async function assertErased(s: TestServer, faces: FaceRow[], trial: number): Promise<void> {
  assert.deepEqual(copiesOf(s, faces), [], `trial ${trial}: copies of deleted photos are left in images/`);
  for (const f of faces) {
    assert.equal((await fetch(`${s.url}/images/${f.fileName}`)).status, 404, `trial ${trial}: ${f.fileName} is still served`);
    assert.equal(s.gallery.isIndexed(f.id), false, `trial ${trial}: face ${f.id} is still searchable`);
  }
}

test(`${TRIALS} double deletePerson requests: one deletes, the other is NOT_FOUND, and no photo is left or served`, async (t) => {
  const s = await serverFor(t);
  const photos = analysedPhotos(4);
  for (let trial = 0; trial < TRIALS; trial++) {
    const { personId, faces } = await enrolPerson(s, trial, photos);
    const answers = await Promise.all([0, 1].map(() => gql(s.url, DELETE_PERSON, { id: personId })));
    const deleted = answers.filter((r) => r.data?.deletePerson?.deleted === true);
    assert.equal(deleted.length, 1, `trial ${trial}: ${JSON.stringify(answers)}`);
    assert.equal(deleted[0]!.data.deletePerson.removedFaces, 4);
    assert.equal(answers.filter((r) => errorCode(r) === 'NOT_FOUND').length, 1, `trial ${trial}: ${JSON.stringify(answers)}`);
    await assertErased(s, faces, trial);
  }
  await assertConsistent(s, s.dataDir);
});

test(`${TRIALS} double deleteFace requests: the photo is gone and not served, the person's other photo stays`, async (t) => {
  const s = await serverFor(t);
  const photos = analysedPhotos(2);
  for (let trial = 0; trial < TRIALS; trial++) {
    const { faces } = await enrolPerson(s, trial, photos);
    const [gone, kept] = faces as [FaceRow, FaceRow];
    const answers = await Promise.all([0, 1, 2].map(() => gql(s.url, DELETE_FACE, { imageId: gone.imageId })));
    assert.equal(answers.filter((r) => r.data?.deleteFace?.deleted === true).length, 1, `trial ${trial}: ${JSON.stringify(answers)}`);
    assert.equal(answers.filter((r) => errorCode(r) === 'NOT_FOUND').length, 2, `trial ${trial}: ${JSON.stringify(answers)}`);
    await assertErased(s, [gone], trial);
    assert.equal((await fetch(`${s.url}/images/${kept.fileName}`)).status, 200, `trial ${trial}: the other photo is served`);
  }
  await assertConsistent(s, s.dataDir);
});

test('a photo whose deletion committed is removed at the next start even when no mark says so, and never served', async (t) => {
  const s = await startTestServer();
  t.after(async () => {
    await s.close();
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  });
  const [kept, erased] = (await enrolPerson(s, 0, analysedPhotos(2))).faces as [FaceRow, FaceRow];
  const dir = path.join(s.dataDir, 'images');
  // A crash between the commit and the unlink: the row is gone, the photo still holds its final name. (On
  // PostgreSQL the removal coming back through the change feed may remove the copy before the restart does.)
  const bytes = fs.readFileSync(path.join(dir, erased.fileName));
  assert.equal((await gql(s.url, DELETE_FACE, { imageId: erased.imageId })).data.deleteFace.deleted, true);
  fs.writeFileSync(path.join(dir, erased.fileName), bytes);
  assert.equal((await fetch(`${s.url}/images/${erased.fileName}`)).status, 404, 'a copy of an erased photo is not served');
  await s.close();

  const restarted = await serverFor(t, { dataDir: s.dataDir });
  assert.deepEqual(fs.readdirSync(dir), [kept.fileName], 'the erased photo is removed at start-up');
  await assertConsistent(restarted, restarted.dataDir);
});

test('a photo without a row and without a deletion on record is kept at start-up, but not served', async (t) => {
  const s = await serverFor(t);
  const dir = path.join(s.dataDir, 'images');
  const [face] = (await enrolPerson(s, 0, analysedPhotos(1))).faces as [FaceRow];
  const stray = face.fileName.replace(/^[0-9a-f]{8}/, '00000000');
  fs.copyFileSync(path.join(dir, face.fileName), path.join(dir, stray));
  assert.equal((await fetch(`${s.url}/images/${stray}`)).status, 404);
  assert.equal((await fetch(`${s.url}/images/${face.fileName}`)).status, 200);
  assert.ok(fs.existsSync(path.join(dir, stray)), 'kept: nothing is deleted on a guess');
});
