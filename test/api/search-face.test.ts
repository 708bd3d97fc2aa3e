// searchFace over HTTP: the original service's four answers (a name, "Image Unknown", "Found More Known Faces",
// no face) on Debian's real photographs, plus every detected face with its best match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFor, type TestServer } from '../fixtures/server.js';
import { upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, SEARCH_FACE } from '../fixtures/operations.js';
import { BALD_GUYS, DOGS, johnName, johnPhotos } from '../fixtures/photos.js';
import { sideBySide } from '../fixtures/composite.js';
import { distanceToConfidence } from '../../src/gallery/index.js';

const ENROLLED = ['John_Salley', 'John_Savage', 'John_Schneider', 'John_Shimkus'];
const NEVER_ENROLLED = 'John_Simm';

/** Enrols the first two photos of each john; returns person id by john. */
async function enrolJohns(s: TestServer, names = ENROLLED): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const name of names) {
    for (const photo of johnPhotos(name).slice(0, 2)) {
      const r = await upload(s.url, ADD_PERSON, johnName(name), { file: photo });
      assert.equal(r.errors, undefined, `enrolling ${photo}: ${JSON.stringify(r.errors)}`);
      ids.set(name, r.data.addPerson.person.id);
    }
  }
  return ids;
}

test('other photos of enrolled johns are recognised as the right person, with the matched stored photo', async (t) => {
  const s = await serverFor(t);
  const ids = await enrolJohns(s);
  for (const name of ENROLLED) {
    for (const photo of johnPhotos(name).slice(2, 5)) {
      const r = await upload(s.url, SEARCH_FACE, {}, { file: photo });
      assert.equal(r.errors, undefined);
      const res = r.data.searchFace;
      const want = `${johnName(name).firstName} ${johnName(name).surName}`;
      assert.equal(res.status, 'MATCH', `${photo} should match ${want}`);
      assert.equal(res.fullName, want);
      assert.equal(res.message, want);
      assert.equal(res.person.id, ids.get(name));
      assert.ok(res.distance >= 0 && res.distance < 0.6, `distance ${res.distance}`);
      assert.ok(res.confidence > 0.5 && res.confidence <= 1, `confidence ${res.confidence}`);
      assert.equal(res.tolerance, 0.6);
      // photoUrl is the stored photo the match came from.
      assert.equal(res.matchedFace.person.id, ids.get(name));
      assert.equal(res.photoUrl, res.matchedFace.url);
      assert.equal(res.faces.length, 1);
      assert.equal(res.faces[0].match.person.id, ids.get(name));
      assert.equal(res.faces[0].match.distance, res.distance);
    }
  }
});

test('a john who was never enrolled is "Image Unknown", with his face listed and no match', async (t) => {
  const s = await serverFor(t);
  await enrolJohns(s);
  for (const photo of johnPhotos(NEVER_ENROLLED).slice(0, 3)) {
    const r = await upload(s.url, SEARCH_FACE, {}, { file: photo });
    const res = r.data.searchFace;
    assert.equal(res.status, 'UNKNOWN', photo);
    assert.equal(res.message, 'Image Unknown');
    assert.equal(res.person, null);
    assert.equal(res.fullName, null);
    assert.equal(res.photoUrl, null);
    assert.equal(res.distance, null);
    assert.equal(res.faces.length, 1);
    assert.equal(res.faces[0].match, null);
    assert.ok(res.faces[0].box.width > 0);
  }
});

test('searching an empty gallery answers UNKNOWN', async (t) => {
  const s = await serverFor(t);
  const r = await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[0]! });
  assert.equal(r.data.searchFace.status, 'UNKNOWN');
});

test('a photo without a human face answers NO_FACE_FOUND with the original message', async (t) => {
  const s = await serverFor(t);
  await enrolJohns(s, ['John_Salley']);
  const r = await upload(s.url, SEARCH_FACE, {}, { file: DOGS });
  assert.equal(r.errors, undefined);
  assert.equal(r.data.searchFace.status, 'NO_FACE_FOUND');
  assert.equal(r.data.searchFace.message, 'No human face found. Upload a clear picture of a person with the face looking at the camera.');
  assert.deepEqual(r.data.searchFace.faces, []);
});

test('a photo holding two different enrolled people answers MULTIPLE_KNOWN_FACES with the placeholder picture', async (t) => {
  const s = await serverFor(t);
  const ids = await enrolJohns(s, ['John_Salley', 'John_Savage']);
  const group = await sideBySide([johnPhotos('John_Salley')[5]!, johnPhotos('John_Savage')[5]!]);
  const r = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: group, filename: 'two-johns.bmp' } });
  assert.equal(r.errors, undefined);
  const res = r.data.searchFace;
  assert.equal(res.faces.length, 2, 'the detector finds both pasted faces');
  assert.equal(res.status, 'MULTIPLE_KNOWN_FACES');
  assert.equal(res.message, 'Found More Known Faces');
  assert.equal(res.photoUrl, '/assets/multiple-faces.svg');
  assert.equal(res.person, null);
  assert.deepEqual(
    new Set(res.faces.map((f: { match: { person: { id: string } } }) => f.match.person.id)),
    new Set([ids.get('John_Salley'), ids.get('John_Savage')]),
  );
  const placeholder = await fetch(s.url + res.photoUrl);
  assert.equal(placeholder.status, 200);
  assert.match(placeholder.headers.get('content-type')!, /^image\/svg\+xml/);
});

test('two faces of which only one is known is a MATCH for that person; the other face has no match', async (t) => {
  const s = await serverFor(t);
  const ids = await enrolJohns(s, ['John_Salley']);
  const group = await sideBySide([johnPhotos('John_Salley')[6]!, johnPhotos(NEVER_ENROLLED)[6]!]);
  const r = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: group, filename: 'pair.bmp' } });
  const res = r.data.searchFace;
  assert.equal(res.faces.length, 2);
  assert.equal(res.status, 'MATCH');
  assert.equal(res.person.id, ids.get('John_Salley'));
  assert.equal(res.faces.filter((f: { match: unknown }) => f.match === null).length, 1);
});

test('a group photo lists every detected face, largest first, each with a box and a score', async (t) => {
  const s = await serverFor(t);
  const r = await upload(s.url, SEARCH_FACE, {}, { file: BALD_GUYS });
  const res = r.data.searchFace;
  assert.equal(res.status, 'UNKNOWN');
  assert.ok(res.faces.length > 1, `expected several faces, got ${res.faces.length}`);
  const areas = res.faces.map((f: { box: { width: number; height: number } }) => f.box.width * f.box.height);
  assert.deepEqual(
    areas,
    [...areas].sort((a: number, b: number) => b - a),
  );
  for (const f of res.faces) assert.equal(typeof f.score, 'number');
});

test('the tolerance argument tightens or loosens the answer and is echoed back', async (t) => {
  const s = await serverFor(t);
  await enrolJohns(s, ['John_Salley']);
  const photo = johnPhotos('John_Salley')[3]!;
  const loose = (await upload(s.url, SEARCH_FACE, {}, { file: photo })).data.searchFace;
  assert.equal(loose.status, 'MATCH');
  const strict = (await upload(s.url, SEARCH_FACE, { tolerance: loose.distance / 2 }, { file: photo })).data.searchFace;
  assert.equal(strict.status, 'UNKNOWN');
  assert.equal(strict.tolerance, loose.distance / 2);
});

test('confidence is 0.5 at the tolerance, rises to 1 at distance 0 and falls to 0 at distance 1', () => {
  assert.equal(distanceToConfidence(0.6, 0.6), 0.5);
  assert.equal(distanceToConfidence(0, 0.6), 1);
  assert.equal(distanceToConfidence(1, 0.6), 0);
  assert.equal(distanceToConfidence(1.3, 0.6), 0);
  assert.ok(distanceToConfidence(0.4, 0.6) > 0.9);
  assert.ok(Math.abs(distanceToConfidence(0.8, 0.6) - 0.25) < 1e-12);
  let last = 2;
  for (let d = 0; d <= 1.2; d += 0.05) {
    const c = distanceToConfidence(d, 0.6);
    assert.ok(c <= last, `confidence must not rise with distance (d=${d})`);
    last = c;
  }
});
