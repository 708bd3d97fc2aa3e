// The detector's kernels built for aarch64 (NEON) by Debian's cross compiler and run under user-mode emulation, on the
// same check data as the x86 paths (kernels.test.ts): the nets' weights, inputs from a real photo, and OpenCV DNN's
// outputs for them, written by the addon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { faceCore } from '../fixtures/core.js';
import { BALD_GUYS } from '../fixtures/photos.js';
import { shrink } from '../fixtures/transform.js';
import { tempDataDir } from '../fixtures/tmp.js';
import { aarch64KernelCheck, runAarch64KernelCheck } from '../fixtures/aarch64.js';
import { writeMtcnnCheckData } from '../../src/core/testing.js';
import { KERNEL_TOLERANCE } from '../../src/core/index.js';

test(`the NEON kernels, built for aarch64 and emulated, give what OpenCV's DNN gives (within ${KERNEL_TOLERANCE})`, async (t) => {
  const dir = tempDataDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const program = aarch64KernelCheck();
  // Half-size bald_guys (640x427) keeps the emulated run near half a minute and still holds faces for every net.
  const full = await faceCore.decode(fs.readFileSync(BALD_GUYS));
  const photo = shrink(full, Math.round(full.width / 2), Math.round(full.height / 2));
  const data = path.join(dir, 'mtcnn-check.bin');
  writeMtcnnCheckData(path.join(faceCore.modelsDir, 'mtcnn'), photo, 100, data);

  const r = runAarch64KernelCheck(program, data);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.lines.map((l) => l.kernels),
    ['neon'],
  );
  const c = r.lines[0]!;
  t.diagnostic(
    `aarch64 NEON: P-Net ${c.pnet.compared} windows, max score diff ${c.pnet.maxScoreDiff.toExponential(1)}; R-Net ${c.rnet.compared} crops, ` +
      `${c.rnet.maxScoreDiff.toExponential(1)}; O-Net ${c.onet.compared} crops, ${c.onet.maxScoreDiff.toExponential(1)}`,
  );
  for (const name of ['pnet', 'rnet', 'onet'] as const) {
    const n = c[name];
    assert.ok(n.compared >= 100, `${name}: compared ${n.compared}`);
    assert.ok(n.facesOurs > 0, `${name}: some windows or crops are faces`);
    assert.equal(n.facesOurs, n.facesOpencv, name);
    assert.ok(n.maxScoreDiff < KERNEL_TOLERANCE, `${name}: score differs by ${n.maxScoreDiff}`);
    assert.ok(n.maxOutputDiff < KERNEL_TOLERANCE, `${name}: regression or landmarks differ by ${n.maxOutputDiff}`);
  }
});

test('the aarch64 check program refuses a damaged or missing data file with exit 1 and one line', async (t) => {
  const dir = tempDataDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const program = aarch64KernelCheck();
  const bad = path.join(dir, 'bad.bin');
  fs.writeFileSync(bad, 'MTCNNCK1' + '\xff'.repeat(20));
  for (const file of [bad, path.join(dir, 'missing.bin')]) {
    const r = runAarch64KernelCheck(program, file);
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines, []);
    assert.match(r.stderr, /check data/);
  }
});
