// The kernels MTCNN's nets run on, for every instruction set this CPU runs (AVX-512, AVX2, SSE4, SSSE3 and scalar on
// an AVX-512 machine), against OpenCV's DNN module on the same ONNX files: the nets' outputs on a real photo, then the
// faces the detector finds on the annotated dlib photos on each path, OpenCV's own included. The same kernels built
// for aarch64 (NEON): kernels-aarch64.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { faceCore } from '../fixtures/core.js';
import { annotatedPhotos } from '../fixtures/dlib-examples.js';
import { BALD_GUYS } from '../fixtures/photos.js';
import { checkMtcnnKernels } from '../../src/core/testing.js';
import { detectorKernels, KERNEL_TOLERANCE, useDetectorKernels, type DetectOptions } from '../../src/core/index.js';
import { ConfigError, loadConfig, makeConfig } from '../../src/config.js';

const CNN: DetectOptions = { detector: 'cnn', minFaceSize: 20 };
const KERNELS = detectorKernels().available.filter((k) => k !== 'baseline' && k !== 'opencv');
const x86 = process.arch === 'x64';

test('the kernels of every instruction set this CPU runs are offered, best first, with baseline and opencv', () => {
  const k = detectorKernels();
  // The best kernels run unless FACE_CORE_KERNELS chose another path (this file also runs with it set).
  const chosen = loadConfig().kernels;
  const expected = chosen === 'auto' ? KERNELS[0] : chosen === 'baseline' ? (x86 ? 'ssse3' : 'neon') : chosen;
  assert.equal(k.path, expected);
  assert.deepEqual(k.available.slice(-2), ['baseline', 'opencv']);
  assert.ok(KERNELS.includes('scalar') || process.arch === 'arm64');
  if (x86) {
    // Every x86-64 CPU of the last fifteen years has SSSE3 and SSE4; this test machine also has AVX2 and AVX-512.
    for (const k of ['ssse3', 'sse4']) assert.ok(KERNELS.includes(k), `${k} in ${KERNELS.join(', ')}`);
    const flags = fs.readFileSync('/proc/cpuinfo', 'utf8');
    if (/\bavx2\b/.test(flags) && /\bfma\b/.test(flags)) assert.ok(KERNELS.includes('avx2'));
    if (/\bavx512f\b/.test(flags) && /\bavx512bw\b/.test(flags)) assert.equal(KERNELS[0], 'avx512');
  }
});

for (const kernels of KERNELS) {
  test(`the ${kernels} kernels give what OpenCV's DNN gives on the same ONNX files, on a real photo (within ${KERNEL_TOLERANCE})`, async (t) => {
    const photo = await faceCore.decode(fs.readFileSync(BALD_GUYS));
    const c = checkMtcnnKernels(path.join(faceCore.modelsDir, 'mtcnn'), photo, 300, kernels);
    assert.equal(c.kernels, kernels);
    t.diagnostic(
      `P-Net ${c.pnet.compared} windows (${c.pnet.facesOurs} / ${c.pnet.facesOpencv} faces), max score diff ${c.pnet.maxScoreDiff.toExponential(1)}; ` +
        `R-Net ${c.rnet.compared} crops, ${c.rnet.maxScoreDiff.toExponential(1)}; O-Net ${c.onet.compared} crops, ${c.onet.maxScoreDiff.toExponential(1)}`,
    );
    for (const name of ['pnet', 'rnet', 'onet'] as const) {
      const n = c[name];
      assert.ok(n.compared >= 300, `${name}: compared ${n.compared}`);
      assert.ok(n.facesOurs > 0, `${name}: some windows or crops are faces, so the check covers both answers`);
      assert.equal(n.facesOurs, n.facesOpencv, `${name}: the same windows or crops pass 0.7`);
      assert.ok(n.maxScoreDiff < KERNEL_TOLERANCE, `${name}: score differs by ${n.maxScoreDiff}`);
      assert.ok(n.maxOutputDiff < KERNEL_TOLERANCE, `${name}: regression or landmarks differ by ${n.maxOutputDiff}`);
    }
  });
}

test('the kernel check names a missing model folder and a path it cannot compare', async () => {
  const photo = await faceCore.decode(fs.readFileSync(BALD_GUYS));
  assert.throws(() => checkMtcnnKernels(path.join(faceCore.modelsDir, 'no-such-dir'), photo, 1), { code: 'MODEL_NOT_FOUND' });
  assert.throws(() => checkMtcnnKernels(path.join(faceCore.modelsDir, 'mtcnn'), photo, 1, 'opencv'), { code: 'INVALID_ARGUMENT' });
});

test('on every path, OpenCV DNN included, the detector finds the same faces in the annotated dlib photos', async (t) => {
  const photos = annotatedPhotos().map((p) => fs.readFileSync(p.file));
  const before = detectorKernels().path;
  t.after(() => useDetectorKernels(before));
  const reference: Awaited<ReturnType<typeof faceCore.detect>>[] = [];
  useDetectorKernels('opencv');
  for (const bytes of photos) reference.push(await faceCore.detect(bytes, CNN));
  const faces = reference.reduce((n, r) => n + r.length, 0);
  assert.ok(faces >= 43, `OpenCV's DNN finds ${faces} faces`);
  for (const kernels of [...KERNELS, 'baseline']) {
    assert.equal(useDetectorKernels(kernels), kernels === 'baseline' ? (x86 ? 'ssse3' : 'neon') : kernels);
    for (let i = 0; i < photos.length; i++) {
      const got = await faceCore.detect(photos[i]!, CNN);
      const want = reference[i]!;
      assert.equal(got.length, want.length, `${kernels}, photo ${i}: ${got.length} faces, OpenCV ${want.length}`);
      for (let f = 0; f < got.length; f++) {
        for (const k of ['x', 'y', 'width', 'height'] as const) {
          assert.ok(Math.abs(got[f]!.box[k] - want[f]!.box[k]) <= 1, `${kernels}, photo ${i}, face ${f}: box ${k}`);
        }
        assert.ok(Math.abs(got[f]!.score - want[f]!.score) < KERNEL_TOLERANCE, `${kernels}, photo ${i}, face ${f}: score`);
      }
    }
  }
  t.diagnostic(`${faces} faces in ${photos.length} photos, the same on ${KERNELS.join(', ')} and OpenCV's DNN`);
});

test('a path this CPU cannot run is refused with INVALID_ARGUMENT naming the choices, and nothing changes', () => {
  const before = detectorKernels().path;
  for (const name of [x86 ? 'neon' : 'avx2', 'AVX2 ', '', 'gpu']) {
    assert.throws(
      () => useDetectorKernels(name),
      (e: Error & { code?: string }) => e.code === 'INVALID_ARGUMENT' && /opencv/.test(e.message) && /baseline/.test(e.message),
      JSON.stringify(name),
    );
    assert.equal(detectorKernels().path, before);
  }
  assert.throws(() => useDetectorKernels(42 as never), { code: 'INVALID_ARGUMENT' });
});

test('FACE_CORE_KERNELS takes a path name in any case, and refuses anything else before the service starts', () => {
  assert.equal(makeConfig().kernels, 'auto');
  assert.equal(makeConfig({ kernels: 'avx2' }).kernels, 'avx2');
  assert.throws(
    () => makeConfig({ kernels: 'fastest' }),
    (e: Error) => e instanceof ConfigError && /FACE_CORE_KERNELS/.test(e.message),
  );
});
