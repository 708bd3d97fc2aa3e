// The quality verdict's lines, one reason at a time, on a face whose landmarks are a real john's (so the pose and
// border rules see a real face's shape); each reason is moved across its line with everything else kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { faceCore } from '../fixtures/core.js';
import { johnPhotos } from '../fixtures/photos.js';
import { faceQuality, MAX_TURN_RATIO, MIN_CNN_SCORE, MIN_SHARPNESS, turnRatio } from '../../src/gallery/quality.js';
import { mainFace, plausibility } from '../../src/gallery/main-face.js';

test('each reason is given on its own side of its line, and only there', async () => {
  const r = await faceCore.analyze(fs.readFileSync(johnPhotos('John_Salley')[0]!));
  const face = r.faces[0]!;
  const verdict = (f: Partial<typeof face>, w = r.width, h = r.height, d: 'cnn' | 'hog' = 'cnn') => faceQuality({ ...face, ...f }, w, h, d).issues;
  assert.deepEqual(verdict({}), [], 'the john chip itself is recognisable');
  assert.deepEqual(verdict({ score: MIN_CNN_SCORE - 0.01 }), ['LOW_SCORE'], 'a CNN score under the line');
  assert.deepEqual(verdict({ score: 0.2 }, r.width, r.height, 'hog'), [], "HOG's scores are another scale");
  assert.deepEqual(verdict({ sharpness: MIN_SHARPNESS - 0.5 }), ['BLURRED']);
  assert.deepEqual(verdict({ box: { ...face.box, width: 30, height: 30 } }), ['TOO_SMALL']);
  // Shifted so the box reaches 40 % past the right border while its left side has room: cut by the border.
  const dx = r.width - face.box.x - face.box.width * 0.6;
  const shifted = { box: { ...face.box, x: face.box.x + dx }, landmarks: face.landmarks.map((p) => ({ x: p.x + dx, y: p.y })) };
  assert.deepEqual(verdict(shifted), ['PARTIAL']);
  // A profile: the nose tip moved next to one end of the jaw line.
  const profile = face.landmarks.map((p, i) => (i === 30 ? { x: face.landmarks[16]!.x - 2, y: face.landmarks[16]!.y } : p));
  assert.ok(turnRatio(profile) > MAX_TURN_RATIO);
  assert.deepEqual(verdict({ landmarks: profile }), ['TURNED']);
});

test('the main face is the large central one; two alike are left to the caller', () => {
  const big = { x: 270, y: 170, width: 100, height: 100 };
  const corner = { x: 10, y: 10, width: 90, height: 90 };
  assert.ok(plausibility(big, 640, 480) > plausibility(corner, 640, 480));
  assert.deepEqual(mainFace([big, corner], [0, 1], 640, 480), { index: 0 });
  assert.deepEqual(mainFace([corner, big], [0], 640, 480), { index: 0 }, 'only candidates count');
  const twin = { x: 330, y: 170, width: 98, height: 98 };
  assert.deepEqual(mainFace([{ x: 220, y: 170, width: 100, height: 100 }, twin], [0, 1], 640, 480), { ambiguous: [0, 1] });
  assert.equal(mainFace([big], [], 640, 480), null);
});
