// The CNN face detector (MTCNN) on real photos: every annotated face of Debian's dlib examples at the service's
// settings, the same photos turned by 30°, small faces, a sideways photo without EXIF, no face on dogs, and the johns
// told apart with encodings from the CNN's boxes. The kernels the nets run on: test/core/kernels.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { faceCore, distance } from '../fixtures/core.js';
import { annotatedPhotos, DOGS, iou, johnChips, scoreDetections } from '../fixtures/dlib-examples.js';
import { canvas, encodePng, paste } from '../fixtures/bmp.js';
import { mapBox, matchByCentre, rotate, shrink, turnClockwise } from '../fixtures/transform.js';
import { FaceCore, FaceCoreError, type DetectOptions, type RgbImage } from '../../src/core/index.js';
import { tempDataDir } from '../fixtures/tmp.js';

/** The service's default detection: FACE_DETECTOR=cnn, MIN_FACE_PX=20. */
const CNN: DetectOptions = { detector: 'cnn', minFaceSize: 20 };

test('the CNN at min face 20 finds all 43 annotated faces of the dlib example photos (IoU ≥ 0.4) with no false detection', async (t) => {
  const photos = annotatedPhotos();
  let truth = 0;
  let found = 0;
  let falsePositives = 0;
  for (const p of photos) {
    const faces = await faceCore.detect(fs.readFileSync(p.file), CNN);
    const s = scoreDetections(p.boxes, faces, 0.4);
    truth += s.truth;
    found += s.truePositives;
    falsePositives += s.falsePositives;
    for (const f of faces) assert.ok(f.score > 0.7 && f.score <= 1, `a CNN score is a probability above O-Net's 0.7 threshold: ${f.score}`);
  }
  t.diagnostic(`found ${found}/${truth}, ${falsePositives} false`);
  assert.equal(truth, 43);
  assert.equal(found, 43);
  // The MTCNN also reports a 14x16 px background blob in 2008_004176.jpg when its pyramid goes down to 20 px; the
  // minFaceSize filter on the reported (HOG-shaped) box removes it, and no real face is that small.
  assert.equal(falsePositives, 0);
});

test('the CNN finds at least 40 of the 43 faces in the photos turned by 30°, with at most one false detection', async (t) => {
  let found = 0;
  let falsePositives = 0;
  for (const p of annotatedPhotos()) {
    const img = await faceCore.decode(fs.readFileSync(p.file));
    const turned = rotate(img, 30);
    const truth = p.boxes.filter((b) => !b.ignore).map((b) => mapBox(b, turned.map));
    const r = matchByCentre(truth, await faceCore.detect(turned.image, CNN));
    found += r.found;
    falsePositives += r.falsePositives;
  }
  t.diagnostic(`turned 30°: found ${found}/43, ${falsePositives} false`);
  assert.ok(found >= 40, `found ${found}/43`);
  assert.ok(found >= Math.ceil(0.9 * 43));
  // Measured: 41 found and 1 false, a 22 px face-like patch (score 0.87) in 2008_007676.jpg turned.
  assert.ok(falsePositives <= 1, `${falsePositives} false`);
});

test('every johns chip shrunk from 150x150 to 60x60 still holds one face for the CNN', async () => {
  for (const chip of johnChips()) {
    const small = shrink(await faceCore.decode(chip.bytes), 60, 60);
    const faces = await faceCore.detect(small, CNN);
    assert.equal(faces.length, 1, `${chip.file}: ${faces.length} faces`);
  }
});

test('a johns photo padded and turned a quarter (no EXIF) is analysed upright, its box and landmarks in the given image', async () => {
  const chip = await faceCore.decode(johnChips()[0]!.bytes);
  const padded = canvas(300, 240);
  paste(padded, chip, 90, 45);
  const upright = await faceCore.analyze(encodePng(padded), { detector: 'cnn', minFaceSize: 20 });
  assert.equal(upright.faces.length, 1);
  assert.equal(upright.rotation, 0);

  const turned = turnClockwise(padded);
  const png = encodePng(turned.image);
  const want = mapBox(upright.faces[0]!.box, turned.map);
  for (const options of [
    { detector: 'cnn', minFaceSize: 20 }, // the CNN finds the sideways face; its landmarks say it lies on its side
    { detector: 'hog' }, // HOG finds nothing upright; the copies turned 90° and then 270° are tried
  ] as const) {
    const r = await faceCore.analyze(png, options);
    assert.equal(r.faces.length, 1, options.detector);
    assert.equal(r.rotation, 270, 'turned back a quarter counter-clockwise');
    assert.equal(r.width, 240);
    assert.equal(r.height, 300);
    const box = r.faces[0]!.box;
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 240 && box.y + box.height <= 300);
    if (options.detector === 'cnn') assert.ok(iou(box, want) > 0.8, `box ${JSON.stringify(box)} vs ${JSON.stringify(want)}`);
    else assert.ok(iou(box, want) > 0.5, `box ${JSON.stringify(box)} vs ${JSON.stringify(want)}`);
    const margin = 0.2 * box.width;
    for (const p of r.faces[0]!.landmarks) {
      assert.ok(p.x >= box.x - margin && p.x <= box.x + box.width + margin && p.y >= box.y - margin && p.y <= box.y + box.height + margin);
    }
    // The encoding comes from the upright chip: the same person as the upright photo.
    assert.ok(distance(r.faces[0]!.encoding, upright.faces[0]!.encoding) < 0.3, options.detector);
  }

  // Without the turned copies the CNN's sideways face gets landmarks and an encoding that do not fit it.
  const sideways = await faceCore.analyze(png, { detector: 'cnn', minFaceSize: 20, tryRotations: false });
  assert.equal(sideways.rotation, 0);
  assert.equal(sideways.faces.length, 1);
  assert.ok(distance(sideways.faces[0]!.encoding, upright.faces[0]!.encoding) > 0.4);
  assert.equal((await faceCore.analyze(png, { detector: 'hog', tryRotations: false })).faces.length, 0);
});

test('CNN detections running at once (one pooled net per job) give what they give one at a time', async () => {
  const photos = annotatedPhotos()
    .slice(0, 4)
    .map((p) => fs.readFileSync(p.file));
  const serial = [];
  for (const bytes of photos) serial.push(await faceCore.detect(bytes, CNN));
  const core = new FaceCore({ threads: 4 });
  try {
    const parallel = await Promise.all([...photos, ...photos].map((bytes) => core.detect(bytes, CNN)));
    assert.deepEqual(parallel, [...serial, ...serial]);
  } finally {
    core.release();
  }
});

test('dogs.jpg holds no face for the CNN, upright or in its turned copies', async () => {
  assert.deepEqual(await faceCore.detect(fs.readFileSync(DOGS), CNN), []);
  // Turned a quarter clockwise it holds a 34 px face-like patch (CNN score 0.9997): faces found only in a turned copy
  // count from 40 px, so the analysis still finds none.
  const r = await faceCore.analyze(fs.readFileSync(DOGS), { detector: 'cnn', minFaceSize: 20 });
  assert.equal(r.faces.length, 0);
  assert.equal((await faceCore.analyze(fs.readFileSync(DOGS), { detector: 'hog', upsample: 2, minFaceSize: 20 })).faces.length, 0);
});

test('with the CNN boxes every same-person pair of the 55 johns chips is closer than 0.6 and every different-person pair farther', async (t) => {
  const chips = johnChips();
  const encodings: Float32Array[] = [];
  for (const chip of chips) {
    // Each chip on a grey canvas twice its size, as a photo would frame a face.
    const padded = canvas(300, 300);
    paste(padded, await faceCore.decode(chip.bytes), 75, 75);
    const r = await faceCore.analyze(padded, { detector: 'cnn', minFaceSize: 20 });
    assert.equal(r.faces.length, 1, chip.file);
    encodings.push(r.faces[0]!.encoding);
  }
  let maxSame = 0;
  let minDifferent = Infinity;
  for (let i = 0; i < chips.length; i++) {
    for (let j = i + 1; j < chips.length; j++) {
      const d = distance(encodings[i]!, encodings[j]!);
      if (chips[i]!.person === chips[j]!.person) maxSame = Math.max(maxSame, d);
      else minDifferent = Math.min(minDifferent, d);
    }
  }
  t.diagnostic(`largest same-person distance ${maxSame.toFixed(4)}, smallest different-person distance ${minDifferent.toFixed(4)}`);
  assert.ok(maxSame < 0.6);
  assert.ok(minDifferent > 0.6);
});

test('without models/mtcnn the CNN fails with MODEL_NOT_FOUND naming the set-up command, and HOG still works', async (t) => {
  const dir = tempDataDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const core = new FaceCore({ modelsDir: dir, threads: faceCore.threads });
  t.after(() => core.release());
  const img: RgbImage = canvas(64, 64);
  await assert.rejects(core.detect(img, { detector: 'cnn' }), (e: unknown) => {
    assert.ok(e instanceof FaceCoreError);
    assert.equal(e.code, 'MODEL_NOT_FOUND');
    assert.match(e.message, /npm run setup/);
    assert.match(e.message, /mtcnn/);
    return true;
  });
  await assert.rejects(core.analyze(img, { detector: 'cnn' }), { code: 'MODEL_NOT_FOUND' });
  assert.deepEqual(await core.detect(img, { detector: 'hog' }), []);
  assert.equal((await core.load()).cnnDetector, null);
  await assert.rejects(faceCore.detect(img, { detector: 'cnnn' as never }), { code: 'INVALID_ARGUMENT' });
});
