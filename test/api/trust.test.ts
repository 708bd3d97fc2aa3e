// Trustworthy answers: only real, whole, recognisable faces are matched or enrolled (a face cut by the border or
// blurred as a background is reported with its reason, never named), a face that fills the frame is found, the main
// face of a photo is the one enrolled, and the open-set rule names people without naming strangers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serverFor, storedCounts } from '../fixtures/server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, ADD_PERSON_WITH_INDEX, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnNames, johnPhotos } from '../fixtures/photos.js';
import { blurredFace, borderHalfFace, frameFillingFace } from '../fixtures/untrustworthy.js';
import { canvas, encodePng, paste } from '../fixtures/bmp.js';
import { faceCore } from '../fixtures/core.js';
import { decide, scoreBound, strangerChance, type Neighbour } from '../../src/gallery/open-set.js';
import { CALIBRATION } from '../../src/gallery/calibration.js';

const png = (bytes: Buffer, filename: string) => ({ bytes, filename });

test('a face cut by the border or blurred as a background is reported with its reason, never matched or enrolled', async (t) => {
  const s = await serverFor(t);
  for (const john of johnNames()) {
    const r = await upload(s.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  for (const john of johnNames()) {
    for (const [issue, bytes] of [
      ['PARTIAL', await borderHalfFace(john, 1)],
      ['BLURRED', await blurredFace(john, 1)],
    ] as const) {
      const search = await upload(s.url, SEARCH_FACE, {}, { file: png(bytes, 'face.png') });
      const r = search.data.searchFace;
      assert.ok(r.faces.length >= 1, `${john} ${issue}: the face is found`);
      for (const f of r.faces) {
        assert.equal(f.quality.recognisable, false, `${john} ${issue}: ${JSON.stringify(f)}`);
        assert.ok(f.quality.issues.includes(issue), `${john}: ${f.quality.issues}`);
        assert.equal(f.match, null);
      }
      assert.equal(r.status, 'NO_FACE_FOUND');
      assert.match(r.message, /No face in this photo can be recognised/);
      const enrol = await upload(s.url, ADD_PERSON, { firstName: 'Not', surName: 'Enrolled' }, { file: png(bytes, 'face.png') });
      assert.equal(errorCode(enrol), 'NO_FACE_FOUND', `${john} ${issue}`);
    }
  }
  assert.equal((await storedCounts(s)).faceRows, johnNames().length, 'nothing was enrolled from them');
});

test('a face that fills the frame (a 112×112 crop) is found, judged recognisable and named', async (t) => {
  const s = await serverFor(t);
  for (const john of johnNames()) await upload(s.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[1]! });
  for (const john of johnNames()) {
    const r = (await upload(s.url, SEARCH_FACE, {}, { file: png(await frameFillingFace(john, 0), 'crop.png') })).data.searchFace;
    assert.equal(r.faces.length, 1, `${john}: ${JSON.stringify(r.faces)}`);
    assert.deepEqual(r.faces[0].quality, { recognisable: true, issues: [] });
    assert.equal(r.status, 'MATCH', `${john}: ${JSON.stringify(r)}`);
    assert.equal(r.person.fullName, john.replace('_', ' '));
    assert.ok(r.strangerChance > 0 && r.strangerChance <= 0.01, `strangerChance ${r.strangerChance}`);
  }
});

test('the main face is enrolled: a large central face, not a smaller one near the edge', async (t) => {
  const s = await serverFor(t);
  const [a, b] = await Promise.all([
    faceCore.decode(fs.readFileSync(johnPhotos('John_Salley')[0]!)),
    faceCore.decode(fs.readFileSync(johnPhotos('John_Simm')[0]!)),
  ]);
  const photo = canvas(640, 480, [120, 120, 110]);
  paste(photo, b, 10, 300, 0.9); // John Simm, smaller, in a corner
  paste(photo, a, 200, 100, 1.6); // John Salley, large, in the middle
  const r = await upload(s.url, ADD_PERSON_WITH_INDEX, { firstName: 'John', surName: 'Salley' }, { file: png(encodePng(photo), 'two.png') });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.addPerson.facesDetected, 2);
  const box = r.data.addPerson.face.box;
  assert.ok(box.x > 150 && box.y > 60, `the central face was enrolled: ${JSON.stringify(box)}`);
  // The other face is enrolled only when asked for.
  const other = await upload(
    s.url,
    ADD_PERSON_WITH_INDEX,
    { firstName: 'John', surName: 'Simm', faceIndex: 1 - r.data.addPerson.faceIndex },
    { file: png(encodePng(photo), 'two.png') },
  );
  assert.equal(other.errors, undefined);
  assert.ok(other.data.addPerson.face.box.x < 100);
  const search = (await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[3]! })).data.searchFace;
  assert.equal(search.person?.fullName, 'John Salley');
});

/** A john's encodings, from the real core. */
async function encodingsOf(john: string, photos: number[]): Promise<Float32Array[]> {
  return Promise.all(photos.map(async (i) => (await faceCore.analyze(fs.readFileSync(johnPhotos(john)[i]!))).faces[0]!.encoding));
}

/** A copy of an encoding moved a fixed distance in a random direction: a stand-in for another person's face. */
function shifted(e: Float32Array, distance: number, seed: number): Float32Array {
  let s = seed;
  const dir = Float32Array.from({ length: 128 }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
  const norm = Math.hypot(...dir);
  return Float32Array.from(e, (v, i) => v + (distance * dir[i]!) / norm);
}

const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));

test('the open-set rule names an enrolled john among 300 look-alikes, and answers UNKNOWN for a stranger', async () => {
  const names = johnNames();
  const gallery: { personId: number; encoding: Float32Array }[] = [];
  const enrolled = await Promise.all(names.map((n) => encodingsOf(n, [0])));
  enrolled.forEach(([e], personId) => gallery.push({ personId, encoding: e! }));
  // 300 other people: the enrolled johns' encodings moved 0.9 to 1.1 away (as far as strangers' faces usually are).
  for (let i = 0; i < 300; i++) gallery.push({ personId: 100 + i, encoding: shifted(enrolled[i % 4]![0]!, 0.9 + (i % 5) * 0.05, i + 1) });
  const neighbours = (probe: Float32Array): Neighbour[] =>
    gallery
      .map((g, faceId) => ({ faceId, personId: g.personId, distance: dist(probe, g.encoding) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 32);
  const rule = { targetFpir: 0.01, tolerance: 0.6 };

  // The johns are alike (a john's own photos are 0.35–0.55 apart, two johns 0.67 and more): a probe is named when
  // it is clearly nearer its own photo than the next two people, and never named as another john.
  let named = 0;
  const scores: string[] = [];
  for (let p = 0; p < 4; p++) {
    for (const probe of await encodingsOf(names[p]!, [3, 6, 9])) {
      const id = decide(neighbours(probe), { people: 305, faces: gallery.length }, rule)!;
      scores.push(`${names[p]} ${id.score.toFixed(3)}${id.known ? ' named' : ''}`);
      if (!id.known) continue;
      assert.equal(id.personId, p, `${names[p]} is named as another: ${scores.join(', ')}`);
      named++;
    }
  }
  assert.ok(named >= 9, `only ${named} of 12 probes named (bound ${scoreBound(305, 0.01).toFixed(3)}): ${scores.join(', ')}`);
  // John Simm, left out of the gallery, is a stranger: never named.
  const withoutSimm = gallery.filter((g) => g.personId !== 4);
  for (const probe of await encodingsOf(names[4]!, [2, 5, 8])) {
    const n = withoutSimm
      .map((g, faceId) => ({ faceId, personId: g.personId, distance: dist(probe, g.encoding) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 32);
    assert.equal(decide(n, { people: 304, faces: withoutSimm.length }, rule)!.known, false);
  }
  // Too close to call: a face halfway between two enrolled people is nobody.
  const [x, y] = [enrolled[0]![0]!, enrolled[1]![0]!];
  const between = Float32Array.from(x, (v, i) => (v + y[i]!) / 2);
  const id = decide(neighbours(between), { people: 305, faces: gallery.length }, rule)!;
  assert.ok(id.score > 0.8, `score ${id.score}`);
  assert.equal(id.known, false);
});

test('strangerChance rises with the score and stays in [0.001, 1]; the bound rises with the target rate', () => {
  for (const faces of [1, 5, 50, 500, 5000, 50000]) {
    let last = 0;
    for (let score = 0.3; score <= 1.6; score += 0.01) {
      const c = strangerChance(faces, score);
      assert.ok(c >= last - 1e-12, `not monotonic at ${faces} faces, score ${score}`);
      assert.ok(c >= CALIBRATION.fpir[0]! && c <= 1);
      last = c;
    }
    assert.ok(scoreBound(faces, 0.001) < scoreBound(faces, 0.01) && scoreBound(faces, 0.01) < scoreBound(faces, 0.1));
  }
});

test('a search with a tolerance uses the raw rule; health reports the open-set target', async (t) => {
  const s = await serverFor(t);
  await upload(s.url, ADD_PERSON, johnName('John_Savage'), { file: johnPhotos('John_Savage')[0]! });
  const raw = (await upload(s.url, SEARCH_FACE, { tolerance: 0.99 }, { file: johnPhotos('John_Simm')[0]! })).data.searchFace;
  assert.equal(raw.status, 'MATCH', 'anyone is within 0.99 of the only person');
  assert.equal(raw.tolerance, 0.99);
  const open = (await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[0]! })).data.searchFace;
  assert.equal(open.status, 'UNKNOWN');
  assert.equal((await gql(s.url, '{ health { matchFpir tolerance } }')).data.health.matchFpir, 0.01);
});
