// Deciding who a tracked face is from its N encodings: VOTE and FUSION, on hand-made encodings and a fake gallery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type Matcher } from '../../src/video/decide.js';

/** Encodings whose first value says which enrolled face they sit on and at what distance (others are 0). */
const encoding = (at: number): Float32Array => {
  const e = new Float32Array(128);
  e[0] = at;
  return e;
};
const frames = (...at: number[]): Float32Array => {
  const all = new Float32Array(at.length * 128);
  at.forEach((a, i) => all.set(encoding(a), i * 128));
  return all;
};

/** A gallery of faces on the first axis: face 1 (person 10) at 0, face 2 (person 20) at 1, face 3 (person 10) at 3. */
const FACES = [
  { faceId: 1, personId: 10, x: 0 },
  { faceId: 2, personId: 20, x: 1 },
  { faceId: 3, personId: 10, x: 3 },
];
const match: Matcher = async (e) => {
  const best = FACES.map((f) => ({ ...f, distance: Math.hypot(...e.map((v, d) => (d === 0 ? v - f.x : v))) })).sort(
    (a, b) => a.distance - b.distance,
  )[0];
  return { faceId: best.faceId, personId: best.personId, distance: best.distance, known: true, strangerChance: 0.001 };
};
const empty: Matcher = async () => null;

test('VOTE: the most-voted person wins, with the share of votes as confidence and the mean distance of its votes', async () => {
  const d = await decide(frames(0.1, 0.2, 0.9, 0.3, 0.95), 'VOTE', 0.6, match);
  assert.equal(d.personId, 10);
  assert.equal(d.faceId, 1);
  assert.equal(d.votes, 3);
  assert.equal(d.frames, 5);
  assert.equal(d.confidence, 3 / 5);
  assert.ok(Math.abs(d.distance! - 0.2) < 1e-6);
});

test('VOTE: faces beyond the tolerance vote "unknown", and unknown can win', async () => {
  const d = await decide(frames(1.5, 1.6, 0.1), 'VOTE', 0.3, match);
  assert.equal(d.personId, null);
  assert.equal(d.faceId, null);
  assert.equal(d.distance, null);
  assert.equal(d.confidence, 2 / 3);
});

test('VOTE: a tie goes to a person over unknown, and between people to the smaller mean distance', async () => {
  const personOverUnknown = await decide(frames(0.1, 2.0), 'VOTE', 0.6, match);
  assert.equal(personOverUnknown.personId, 10);
  assert.equal(personOverUnknown.confidence, 0.5);
  // Two votes each: person 20's mean distance is 0.05, person 10's 0.275.
  assert.equal((await decide(frames(0.25, 0.3, 0.9, 1.0), 'VOTE', 0.6, match)).personId, 20);
  // And the other way round: person 10's mean is 0.075, person 20's 0.35.
  assert.equal((await decide(frames(0.05, 0.1, 0.6, 0.7), 'VOTE', 0.6, match)).personId, 10);
});

test('VOTE: one frame decides alone; an empty gallery makes every track unknown', async () => {
  assert.equal((await decide(frames(0.05), 'VOTE', 0.6, match)).confidence, 1);
  const d = await decide(frames(0.1, 0.2), 'VOTE', 0.6, empty);
  assert.equal(d.personId, null);
  assert.equal(d.confidence, 1);
});

test('FUSION: the mean encoding is matched once; its confidence comes from the fused distance', async () => {
  // 0.3 and 0.9 average to 0.6: nearest is face 2 (person 20) at 0.4, within 0.6.
  const d = await decide(frames(0.3, 0.9), 'FUSION', 0.6, match);
  assert.equal(d.personId, 20);
  assert.equal(d.faceId, 2);
  assert.ok(Math.abs(d.distance! - 0.4) < 1e-6);
  assert.ok(d.confidence > 0.5 && d.confidence < 1);
  assert.equal(d.votes, 2);
});

test('FUSION: beyond the tolerance is unknown, with the distance kept and the confidence that it is nobody', async () => {
  const d = await decide(frames(1.9, 2.1), 'FUSION', 0.6, match);
  assert.equal(d.personId, null);
  assert.ok(Math.abs(d.distance! - 1.0) < 1e-6);
  assert.ok(d.confidence >= 0.5 && d.confidence <= 1);
  const none = await decide(frames(0.1), 'FUSION', 0.6, empty);
  assert.deepEqual([none.personId, none.distance, none.confidence], [null, null, 1]);
});

test('no encoding, or a length that is not a multiple of 128, is refused', async () => {
  await assert.rejects(decide(new Float32Array(0), 'VOTE', 0.6, match), RangeError);
  await assert.rejects(decide(new Float32Array(200), 'FUSION', 0.6, match), RangeError);
});
