// addPerson and addFace over HTTP with real multipart uploads of Debian's johns photos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serverFor, storedCounts } from '../fixtures/server.js';
import { upload, gql, errorCode } from '../fixtures/graphql-client.js';
import { ADD_FACE, ADD_PERSON, ADD_PERSON_WITH_INDEX, PERSON_BY_ID } from '../fixtures/operations.js';
import { BALD_GUYS, DOGS, johnPhotos } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';
import { FaceIndex } from '../../src/core/index.js';

const NO_FACE = 'No human face found. Upload a clear picture of a person with the face looking at the camera.';

test('addPerson stores the photo under a new UUID name, its encoding, and returns the image id and the new person', async (t) => {
  const s = await serverFor(t);
  const photo = johnPhotos('John_Salley')[0]!;
  const r = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: photo });
  assert.equal(r.errors, undefined);
  const added = r.data.addPerson;
  assert.match(added.imageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(added.url, `/images/${added.imageId}.jpg`);
  assert.equal(added.createdPerson, true);
  assert.equal(added.facesDetected, 1);
  assert.equal(added.person.fullName, 'John Salley');
  assert.equal(added.person.faceCount, 1);
  assert.equal(added.person.photoUrl, added.url);
  assert.equal(added.face.imageId, added.imageId);
  assert.ok(added.face.box.width > 40 && added.face.box.height > 40, 'the face box covers the face');
  assert.ok(!Number.isNaN(Date.parse(added.person.createdAt)));
  // The stored file is the uploaded photo, byte for byte.
  assert.deepEqual(fs.readFileSync(path.join(s.dataDir, 'images', `${added.imageId}.jpg`)), fs.readFileSync(photo));
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
});

test('a name that already exists (trimmed, any case) gets the face added to that person instead of a duplicate', async (t) => {
  const s = await serverFor(t);
  const [a, b] = johnPhotos('John_Savage');
  const first = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Savage' }, { file: a! });
  const second = await upload(s.url, ADD_PERSON, { firstName: '  jOHN ', surName: 'SAVAGE  ' }, { file: b! });
  assert.equal(second.errors, undefined);
  assert.equal(second.data.addPerson.createdPerson, false);
  assert.equal(second.data.addPerson.person.id, first.data.addPerson.person.id);
  assert.equal(second.data.addPerson.person.fullName, 'John Savage', 'the first spelling of the name is kept');
  assert.equal(second.data.addPerson.person.faceCount, 2);
  assert.deepEqual(await storedCounts(s), { files: 2, faceRows: 2, people: 1, index: 2 });
});

test('addFace adds another photo to a known person', async (t) => {
  const s = await serverFor(t);
  const [a, b] = johnPhotos('John_Simm');
  const added = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Simm' }, { file: a! });
  const id = added.data.addPerson.person.id;
  const more = await upload(s.url, ADD_FACE, { personId: id }, { file: b! });
  assert.equal(more.errors, undefined);
  assert.equal(more.data.addFace.person.id, id);
  assert.equal(more.data.addFace.person.faceCount, 2);
  assert.equal(more.data.addFace.createdPerson, false);
  const person = await gql(s.url, PERSON_BY_ID, { id });
  assert.deepEqual(
    person.data.personById.faces.map((f: { imageId: string }) => f.imageId),
    [added.data.addPerson.imageId, more.data.addFace.imageId],
  );
  await assertConsistent(s, s.dataDir);
});

test('a photo without a human face is refused with NO_FACE_FOUND and the original message, leaving nothing behind', async (t) => {
  const s = await serverFor(t);
  const r = await upload(s.url, ADD_PERSON, { firstName: 'Rex', surName: 'Dog' }, { file: DOGS });
  assert.equal(errorCode(r), 'NO_FACE_FOUND');
  assert.equal(r.errors![0]!.message, NO_FACE);
  assert.equal(r.data, null);
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
});

test('a group photo of equally plausible faces asks which to enrol; faceIndex chooses, and the answer says which', async (t) => {
  const s = await serverFor(t);
  const r = await upload(s.url, ADD_PERSON, { firstName: 'Bald', surName: 'Guy' }, { file: BALD_GUYS });
  assert.equal(errorCode(r), 'AMBIGUOUS_FACE');
  const candidates = [...r.errors![0]!.message.matchAll(/(\d+) \(box /g)].map((m) => Number(m[1]));
  assert.ok(candidates.length >= 2, r.errors![0]!.message);
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });

  const chosen = candidates[1]!;
  const ok = await upload(s.url, ADD_PERSON_WITH_INDEX, { firstName: 'Bald', surName: 'Guy', faceIndex: chosen }, { file: BALD_GUYS });
  assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  const added = ok.data.addPerson;
  assert.equal(added.faceIndex, chosen);
  assert.ok(added.facesDetected > 1, `expected several faces, got ${added.facesDetected}`);
  const search = await s.gallery.analyze({ bytes: fs.readFileSync(BALD_GUYS), filename: 'b.jpg' });
  assert.deepEqual(added.face.box, search.analysis.faces[chosen]!.box);
  assert.match(added.advice, /With 1 photo of this person.*with 3 photos, about 87 %/);
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });

  const outOfRange = await upload(s.url, ADD_PERSON_WITH_INDEX, { firstName: 'Bald', surName: 'Guy', faceIndex: 400 }, { file: BALD_GUYS });
  assert.equal(errorCode(outOfRange), 'BAD_USER_INPUT');
});

test('a photo with one main face enrols it and says so; the advice invites more photos until there are three', async (t) => {
  const s = await serverFor(t);
  const photos = johnPhotos('John_Salley');
  let advice = '';
  for (let i = 0; i < 3; i++) {
    const r = await upload(s.url, ADD_PERSON_WITH_INDEX, { firstName: 'John', surName: 'Salley' }, { file: photos[i]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.addPerson.faceIndex, 0);
    advice = r.data.addPerson.advice;
    if (i < 2) assert.match(advice, /Add \d more photo/);
  }
  assert.match(advice, /With 3 photos of this person, a search names them in about 87 %/);
});

test('a failure after the photo is written rolls back: no file, no person, no face row, no index entry', async (t) => {
  const s = await serverFor(t);
  const photo = johnPhotos('John_Schneider')[0]!;
  const insert = s.store.faces.insert.bind(s.store.faces);
  s.store.faces.insert = () => {
    throw new Error('simulated failure while writing the face row');
  };
  const r = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Schneider' }, { file: photo });
  assert.equal(errorCode(r), 'INTERNAL_SERVER_ERROR');
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });

  // The same when the index refuses the encoding after the rows were committed.
  s.store.faces.insert = insert;
  const add = FaceIndex.prototype.add;
  FaceIndex.prototype.add = () => {
    throw new Error('simulated index failure');
  };
  const r2 = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Schneider' }, { file: photo });
  assert.equal(errorCode(r2), 'INTERNAL_SERVER_ERROR');
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });

  FaceIndex.prototype.add = add;
  const ok = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Schneider' }, { file: photo });
  assert.equal(ok.errors, undefined);
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
  await assertConsistent(s, s.dataDir);
});

test('a photo added to an existing person keeps that person when a later step fails', async (t) => {
  const s = await serverFor(t);
  const [a, b] = johnPhotos('John_Shimkus');
  const first = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Shimkus' }, { file: a! });
  const add = FaceIndex.prototype.add;
  FaceIndex.prototype.add = () => {
    throw new Error('simulated index failure');
  };
  t.after(() => {
    FaceIndex.prototype.add = add;
  });
  const r = await upload(s.url, ADD_FACE, { personId: first.data.addPerson.person.id }, { file: b! });
  assert.equal(errorCode(r), 'INTERNAL_SERVER_ERROR');
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
});
