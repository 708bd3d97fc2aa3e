// The addon constructs FaceCoreError itself (setErrorClass): every error it throws synchronously or rejects with,
// from the stage functions, FaceIndex and video, is an instance of the class with the right code, unwrapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { binding, type ModelsHandle } from '../../src/core/binding.js';
import { FaceCoreError, FaceIndex, VIDEO_DEFAULTS, type FaceCoreErrorCode } from '../../src/core/index.js';
import { VideoWriter } from '../../src/core/testing.js';
import { faceCore } from '../fixtures/core.js';
import { pngClaiming } from '../fixtures/crafted-images.js';
import { johnChips } from '../fixtures/dlib-examples.js';

function isCoreError(code: FaceCoreErrorCode, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof FaceCoreError, `expected a FaceCoreError, got ${e instanceof Error ? e.constructor.name : typeof e}: ${String(e)}`);
    assert.equal(e.name, 'FaceCoreError');
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.ok(e.stack?.includes('FaceCoreError'));
    return true;
  };
}

const native = binding();
const chip = fs.readFileSync(johnChips()[0]!.file);

test('the addon throws FaceCoreError synchronously, with the code of the failure', () => {
  assert.throws(() => native.info(Buffer.alloc(0)), isCoreError('INVALID_IMAGE'));
  assert.throws(() => native.info(Buffer.from('plain text, not an image')), isCoreError('UNSUPPORTED_FORMAT'));
  assert.throws(() => native.info('x' as unknown as Buffer), isCoreError('INVALID_ARGUMENT', /Buffer/));
  assert.throws(() => native.decode(chip, {} as { maxPixels: number }), isCoreError('INVALID_ARGUMENT', /maxPixels/));
  assert.throws(() => native.decode(chip, { maxPixels: 0 }), isCoreError('INVALID_ARGUMENT', /maxPixels/));
  assert.throws(() => native.releaseModels({} as ModelsHandle), isCoreError('INVALID_ARGUMENT', /models handle/));
  assert.throws(() => native.setThreads(0), isCoreError('INVALID_ARGUMENT', /thread count/));
  assert.throws(() => native.loadModels({ landmarksPath: '/x', encoder: 'tfjs' as 'dlib' }), isCoreError('INVALID_ARGUMENT', /encoder/));
});

test('the addon rejects with FaceCoreError from its workers, with the code of the failure', async () => {
  await assert.rejects(native.decode(chip.subarray(0, 200), { maxPixels: 1e6 }), isCoreError('INVALID_IMAGE'));
  await assert.rejects(native.decode(pngClaiming(100000, 100000), { maxPixels: 40_000_000 }), isCoreError('IMAGE_TOO_LARGE', /40000000 pixels/));
  await assert.rejects(native.decode(chip, { maxPixels: 100 }), isCoreError('IMAGE_TOO_LARGE', /150x150/));
  await assert.rejects(
    native.loadModels({ landmarksPath: '/no/such/landmarks.dat', recognitionPath: '/no/such/model.dat', encoder: 'opencv' }),
    isCoreError('MODEL_NOT_FOUND'),
  );
  // Through FaceCore, the same objects arrive unchanged.
  await assert.rejects(faceCore.decode(chip.subarray(0, 200)), isCoreError('INVALID_IMAGE'));
  await assert.rejects(faceCore.analyze(pngClaiming(100000, 100000)), isCoreError('IMAGE_TOO_LARGE'));
});

test('FaceIndex errors are FaceCoreError, thrown by add/has/searchSync and rejected by search', async () => {
  const index = new FaceIndex();
  assert.throws(() => index.add(-1, new Float32Array(128)), isCoreError('INVALID_ARGUMENT', /non-negative safe integer/));
  assert.throws(() => index.add(1, new Float32Array(127)), isCoreError('INVALID_ARGUMENT', /Expected 128 values but received 127/));
  assert.throws(() => index.has(1.5), isCoreError('INVALID_ARGUMENT'));
  assert.throws(() => index.searchSync(new Float32Array(128), { k: 0 }), isCoreError('INVALID_ARGUMENT', /k/));
  const rejected = index.search(new Float32Array(128).fill(Number.NaN));
  assert.ok(rejected instanceof Promise, 'search() reports a bad argument as a rejection');
  await assert.rejects(rejected, isCoreError('INVALID_ARGUMENT', /NaN or Infinity/));
  // The native class directly: the same errors, made by the addon.
  assert.throws(() => new native.FaceIndex().addMany([1, 2], new Float32Array(128)), isCoreError('INVALID_ARGUMENT', /256 values/));
});

test('video errors are FaceCoreError: a missing maxPixels is refused, an unreadable file rejects', async () => {
  const models = (await faceCore.useModels(async (m) => m)) as ModelsHandle;
  const options = { ...VIDEO_DEFAULTS, everyFrame: false } as Parameters<typeof native.recognizeVideo>[2];
  assert.throws(() => native.recognizeVideo(models, '/no/such/video.mp4', options), isCoreError('INVALID_ARGUMENT', /maxPixels/));
  const run = native.recognizeVideo(models, '/no/such/video.mp4', { ...options, maxPixels: 40_000_000 });
  await assert.rejects(run.promise, isCoreError('INVALID_VIDEO'));
  assert.throws(() => new VideoWriter('/tmp/never.mp4', { fps: 25, width: 0, height: 10 }), isCoreError('INVALID_ARGUMENT'));
});

test('the public surface has no wrapping helper, no process-wide FaceCore, no faceDistance and no VideoWriter', async () => {
  assert.equal((FaceCoreError as unknown as { from?: unknown }).from, undefined);
  const core = await import('../../src/core/index.js');
  for (const name of ['faceCore', 'faceDistance', 'VideoWriter', 'chooseBlasCore']) assert.equal(name in core, false, name);
});
