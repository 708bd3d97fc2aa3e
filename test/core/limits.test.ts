// limits.ts, the one home of option ranges and defaults: each range's edges, the one message shape, the ends read
// from the addon's own limits, and the generic violation() another layer uses to throw its own error with the same
// numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkRange,
  DEFAULT_MAX_PIXELS,
  DEFAULTS,
  describeRange,
  FaceCoreError,
  hogUpsampleFor,
  inRange,
  nativeLimits,
  RANGES,
  resolveDetectOptions,
  resolveVideoOptions,
  VIDEO_DEFAULTS,
  VIDEO_RANGES,
  violation,
  type Range,
} from '../../src/core/index.js';

// [range, values inside, values outside]: the edges of every range.
const EDGES: Record<string, [Range, unknown[], unknown[]]> = {
  tolerance: [RANGES.tolerance, [1e-9, 0.6, 1], [0, -0.1, 1.000001, Number.NaN, Infinity, '0.6', null]],
  upsample: [RANGES.upsample, [0, 1, 3], [-1, 4, 1.5, Number.NaN, '1']],
  minFaceSize: [RANGES.minFaceSize, [0, 0.5, 1e9], [-1e-9, -3, Infinity, Number.NaN, 'big']],
  adjustThreshold: [RANGES.adjustThreshold, [-1e9, -0.5, 0, 2.5], [Infinity, -Infinity, Number.NaN, '0']],
  jitter: [RANGES.jitter, [0, 1, 100], [-1, 101, 1.5, '5']],
  maxFaces: [RANGES.maxFaces, [0, 1, Number.MAX_SAFE_INTEGER], [-1, -2, 1.5, Number.MAX_SAFE_INTEGER + 2, 'all']],
  batchSize: [RANGES.batchSize, [1, 16, 256], [0, 257, 2.5]],
  clusterThreshold: [RANGES.clusterThreshold, [1e-9, 0.5, 9.999], [0, 10, -1, Number.NaN]],
  maxPixels: [RANGES.maxPixels, [1, DEFAULT_MAX_PIXELS, Number.MAX_SAFE_INTEGER], [0, -5, 1.5, Infinity]],
  threads: [RANGES.threads, [1, 2, 1024], [0, 1025, 2.5]],
  minFacePx: [RANGES.minFacePx, [12, 20, 1000], [11, 1001, 20.5, 0]],
  chipSize: [RANGES.chipSize, [16, 150, 1024], [15, 1025, 150.5]],
  chipPadding: [RANGES.chipPadding, [0, 0.25, 2], [-0.01, 2.01, Number.NaN]],
  imageSide: [RANGES.imageSide, [1, 65535], [0, 65536, 1.5]],
  'video sampleEvery': [VIDEO_RANGES.sampleEvery, [1, 1000], [0, 1001, 1.5]],
  'video framesToDecide': [VIDEO_RANGES.framesToDecide, [1, 1000], [0, 1001, 1.5]],
  'video upsample': [VIDEO_RANGES.upsample, [0, 2], [-1, 3, 0.5]],
  'video maxFrames': [VIDEO_RANGES.maxFrames, [0, 1e9], [-1, 1e9 + 1, 0.5]],
  'video maxDuration': [VIDEO_RANGES.maxDuration, [0, 0.5, 1e6], [-0.001, Number.NaN, Infinity]],
  'video minHits': [VIDEO_RANGES.minHits, [1, 100], [0, 101, 1.5]],
  'video maxAge': [VIDEO_RANGES.maxAge, [0, 1000], [-1, 1001, 1.5]],
  'video iouThreshold': [VIDEO_RANGES.iouThreshold, [0.001, 0.3, 0.999], [0, 1, 2, Number.NaN]],
  'video minFaceSize': [VIDEO_RANGES.minFaceSize, [0, 40, 1e6], [-1, Number.NaN, Infinity]],
};

test('every range accepts its edges and refuses just past them, with the one message shape', () => {
  for (const [name, [range, inside, outside]] of Object.entries(EDGES)) {
    for (const v of inside) {
      assert.equal(inRange(range, v), true, `${name}: ${String(v)} is inside`);
      assert.equal(checkRange(name, v, range), v);
    }
    for (const v of outside) {
      assert.equal(inRange(range, v), false, `${name}: ${String(v)} is outside`);
      assert.throws(
        () => checkRange(name, v, range),
        (e: unknown) =>
          e instanceof FaceCoreError &&
          e.code === 'INVALID_ARGUMENT' &&
          e.message.startsWith(`Expected ${describeRange(range)} for ${name} but received `) &&
          / of type \w+$/.test(e.message),
        `${name}: ${String(v)}`,
      );
    }
  }
});

test('where the addon refuses past a number itself, the range ends at the number it exports, never a copy', () => {
  const native = nativeLimits();
  assert.ok(Object.isFrozen(native));
  assert.equal(RANGES.threads.max, native.maxThreads);
  assert.equal(RANGES.upsample.max, native.maxUpsample);
  assert.equal(RANGES.minFacePx.min, native.minCnnFace);
  assert.deepEqual([RANGES.chipSize.min, RANGES.chipSize.max, DEFAULTS.chipSize], [native.minChipSize, native.maxChipSize, native.chipSize]);
  assert.deepEqual([RANGES.chipPadding.max, DEFAULTS.chipPadding], [native.maxChipPadding, native.chipPadding]);
  assert.equal(RANGES.imageSide.max, native.maxImageSide);
  // The numbers themselves, as the README and the API's messages give them.
  assert.deepEqual(
    { ...native },
    {
      maxThreads: 1024,
      maxUpsample: 3,
      minCnnFace: 12,
      defaultCnnMinFace: 20,
      maxDetectPixels: 4_000_000,
      maxImageSide: 65535,
      chipSize: 150,
      minChipSize: 16,
      maxChipSize: 1024,
      chipPadding: 0.25,
      maxChipPadding: 2,
    },
  );
});

test('ranges read as the messages the API has always given', () => {
  assert.equal(describeRange(RANGES.upsample), 'an integer from 0 to 3');
  assert.equal(describeRange(RANGES.jitter), 'an integer from 0 to 100');
  assert.equal(describeRange(RANGES.minFaceSize), 'a non-negative number');
  assert.equal(describeRange(RANGES.adjustThreshold), 'a finite number');
  assert.equal(describeRange(RANGES.maxPixels), 'a positive integer');
  assert.equal(describeRange(RANGES.maxFaces), 'a non-negative integer');
  assert.equal(describeRange(RANGES.clusterThreshold), 'a number between 0 and 10');
  assert.equal(describeRange(RANGES.tolerance), 'a number greater than 0 and at most 1');
  assert.equal(describeRange(VIDEO_RANGES.iouThreshold), 'a number between 0 and 1');
  assert.equal(describeRange(VIDEO_RANGES.sampleEvery), 'an integer from 1 to 1000');
});

test('violation() gives another layer the expected-text, or null, for its own error', () => {
  assert.equal(violation('tolerance', 0.6), null);
  assert.equal(violation('tolerance', 0), 'a number greater than 0 and at most 1');
  assert.equal(violation('minFaceSize', -1), 'a non-negative number');
  assert.equal(violation('minFaceSize', -1, VIDEO_RANGES), 'a non-negative number');
  assert.equal(violation('upsample', 3), null);
  assert.equal(violation('upsample', 3, VIDEO_RANGES), 'an integer from 0 to 2');
  assert.equal(violation('sampleEvery', 0, VIDEO_RANGES), 'an integer from 1 to 1000');
  assert.throws(() => violation('nonsense' as 'tolerance', 1), TypeError);
});

test('every default is inside its own range, and 40 megapixels is the pixel limit', () => {
  assert.equal(DEFAULT_MAX_PIXELS, 40_000_000);
  assert.equal(DEFAULTS.maxPixels, DEFAULT_MAX_PIXELS);
  for (const [name, value] of Object.entries(DEFAULTS)) assert.ok(inRange(RANGES[name as keyof typeof RANGES], value), name);
  for (const [name, value] of Object.entries(VIDEO_DEFAULTS)) assert.ok(inRange(VIDEO_RANGES[name as keyof typeof VIDEO_RANGES], value), name);
});

test('the HOG upsampling reaches MIN_FACE_PX: ceil(log2(80 / minFace)), from 0 to 2', () => {
  assert.deepEqual([10, 20, 21, 40, 41, 80, 200].map(hogUpsampleFor), [2, 2, 2, 1, 1, 0, 0]);
});

test('resolving fills every option from the defaults and checks the ones given', () => {
  assert.deepEqual(resolveDetectOptions({}), { detector: 'hog', upsample: 0, minFaceSize: 0, adjustThreshold: 0 });
  assert.deepEqual(resolveDetectOptions({ upsample: 2, minFaceSize: 30 }), { detector: 'hog', upsample: 2, minFaceSize: 30, adjustThreshold: 0 });
  assert.deepEqual(resolveDetectOptions({ detector: 'cnn' }), { detector: 'cnn', upsample: 0, minFaceSize: 0, adjustThreshold: 0 });
  assert.throws(() => resolveDetectOptions({ detector: 'CNN' }), { code: 'INVALID_ARGUMENT', message: /'cnn' or 'hog' for detector/ });
  assert.deepEqual(resolveVideoOptions({}), { ...VIDEO_DEFAULTS, detector: 'hog' });
  assert.deepEqual(resolveVideoOptions({ sampleEvery: 3 }), { ...VIDEO_DEFAULTS, sampleEvery: 3, detector: 'hog' });
  assert.deepEqual(resolveVideoOptions({ detector: 'cnn' }), { ...VIDEO_DEFAULTS, detector: 'cnn' });
  assert.throws(
    () => resolveVideoOptions({ minFaceSize: -1 }),
    /^FaceCoreError: Expected a non-negative number for minFaceSize but received -1 of type number$/,
  );
  assert.throws(() => resolveVideoOptions({ upsample: 3 }), { code: 'INVALID_ARGUMENT', message: /an integer from 0 to 2 for upsample/ });
});
