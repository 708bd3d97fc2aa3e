// Bad input is normal input: every kind gets a FaceCoreError with its stable code and a message a person can act
// on, and none crashes, hangs or leaks. The process running these tests is itself the proof that nothing aborts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceCore, FaceCoreError, FaceIndex, type RgbImage } from '../../src/core/index.js';
import { faceCore } from '../fixtures/core.js';
import { annotatedPhotos, johnPhotos, VOC_ANNOTATIONS } from '../fixtures/dlib-examples.js';
import { gifClaiming, jpegClaiming, jpegWithDecoyFrame, pngClaiming, tiffWithRepeatedSize } from '../fixtures/crafted-images.js';
import { rejectsWith, throwsWith } from '../fixtures/expect-error.js';

const IMAGES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
const fixture = (name: string): Buffer => fs.readFileSync(path.join(IMAGES, name));
const CHIP = fs.readFileSync(johnPhotos('John_Salley')[0]!);
/** A VOC photo with two annotated faces (360×480). */
const TWO_FACES = fs.readFileSync(annotatedPhotos().find((p) => p.boxes.length === 2 && p.file.endsWith('2008_001009.jpg'))!.file);
const BOX = { x: 10, y: 10, width: 80, height: 80 };
const POINTS = Array.from({ length: 68 }, (_, i) => ({ x: 40 + (i % 10) * 7, y: 40 + Math.floor(i / 10) * 7 }));
const ENCODING_OPTIONS_OK = new Float32Array(128);

/** Every stage that takes an image, called with `image`. */
function everyStage(image: unknown): [string, () => Promise<unknown>][] {
  const img = image as Buffer;
  return [
    ['detect', () => faceCore.detect(img)],
    ['landmarks', () => faceCore.landmarks(img, [BOX])],
    ['align', () => faceCore.align(img, [POINTS])],
    ['analyze', () => faceCore.analyze(img)],
  ];
}

async function rejectsEverywhere(bytes: Buffer, code: string, message?: RegExp): Promise<void> {
  await rejectsWith(faceCore.decode(bytes), code, message);
  for (const [stage, call] of everyStage(bytes)) {
    await rejectsWith(call, code, message).catch((e: Error) => {
      throw new Error(`${stage}: ${e.message}`);
    });
  }
}

/** A deterministic pseudo-random byte source (a linear congruential generator). */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

test('an empty buffer is INVALID_IMAGE at every stage, and info() says so too', async () => {
  await rejectsEverywhere(Buffer.alloc(0), 'INVALID_IMAGE', /empty \(0 bytes\)/);
  throwsWith(() => faceCore.info(Buffer.alloc(0)), 'INVALID_IMAGE');
});

test('5 bytes: the start of a JPEG is INVALID_IMAGE (cut short); the start of a PNG or noise is UNSUPPORTED_FORMAT', async () => {
  await rejectsEverywhere(CHIP.subarray(0, 5), 'INVALID_IMAGE', /JPEG header is cut short/);
  throwsWith(() => faceCore.info(CHIP.subarray(0, 5)), 'INVALID_IMAGE');
  // Five bytes of a PNG do not even hold its 8-byte signature.
  await rejectsEverywhere(fixture('chip-rgb8.png').subarray(0, 5), 'UNSUPPORTED_FORMAT');
  await rejectsEverywhere(Buffer.from([1, 2, 3, 4, 5]), 'UNSUPPORTED_FORMAT');
});

test('a baseline JPEG cut at 60% still decodes: full size, the top rows exact, the lost part filled in', async () => {
  const full = await faceCore.decode(TWO_FACES);
  const cut = TWO_FACES.subarray(0, Math.floor(TWO_FACES.length * 0.6));
  assert.deepEqual(faceCore.info(cut), { format: 'jpeg', width: 360, height: 480 });
  const image = await faceCore.decode(cut);
  assert.deepEqual([image.format, image.width, image.height], ['jpeg', 360, 480]);
  const row = full.width * 3;
  let identical = 0;
  while (
    identical < full.height &&
    image.pixels.subarray(identical * row, (identical + 1) * row).equals(full.pixels.subarray(identical * row, (identical + 1) * row))
  ) {
    identical++;
  }
  // Measured: 288 of 480 rows identical; below them the decoder made up the missing blocks.
  assert.ok(identical >= 0.4 * full.height && identical < full.height, `${identical} identical rows`);
  // Both faces sit in the intact upper part: analyze still finds them.
  assert.equal((await faceCore.analyze(cut)).faces.length, 2);
});

test('a progressive JPEG or a PNG cut at 60% is INVALID_IMAGE', async () => {
  for (const name of ['chip-progressive.jpg', 'chip-rgb8.png']) {
    const bytes = fixture(name);
    await rejectsEverywhere(bytes.subarray(0, Math.floor(bytes.length * 0.6)), 'INVALID_IMAGE', /corrupt or cut short/);
  }
});

test('random bytes are UNSUPPORTED_FORMAT, whatever their length', async () => {
  for (const [seed, length] of [
    [1, 1],
    [2, 7],
    [3, 64],
    [4, 1000],
    [5, 65536],
    [6, 1_000_000],
  ] as const) {
    const bytes = noise(length, seed);
    throwsWith(() => faceCore.info(bytes), 'UNSUPPORTED_FORMAT');
    await rejectsWith(faceCore.decode(bytes), 'UNSUPPORTED_FORMAT');
    await rejectsWith(faceCore.analyze(bytes), 'UNSUPPORTED_FORMAT');
  }
});

test('a text file is UNSUPPORTED_FORMAT, with a message that the format comes from the content', async () => {
  for (const file of [...VOC_ANNOTATIONS, fileURLToPath(import.meta.url)]) {
    await rejectsEverywhere(fs.readFileSync(file), 'UNSUPPORTED_FORMAT', /JPEG, PNG, WebP, BMP, GIF or TIFF.*not the file name/);
  }
});

test('a file whose header is right but whose body is noise is INVALID_IMAGE (an uncompressed BMP is just odd pixels)', async () => {
  const scrambled = (b: Buffer, keep: number) =>
    Buffer.concat([b.subarray(0, keep), Buffer.from(b.subarray(keep).map((v, i) => (v * 31 + i * 17) & 0xff))]);
  for (const [name, keep] of [
    ['chip-baseline.jpg', 200],
    ['chip-progressive.jpg', 200],
    ['chip-rgb8.png', 40],
    ['chip-animated.gif', 30],
    ['chip.tiff', 16],
    ['chip-lossy.webp', 30],
    ['chip-lossless.webp', 30],
  ] as const) {
    await rejectsWith(faceCore.decode(scrambled(fixture(name), keep)), 'INVALID_IMAGE', undefined).catch((e: Error) => {
      throw new Error(`${name}: ${e.message}`);
    });
  }
  const bmp = await faceCore.decode(scrambled(fixture('chip.bmp'), 54));
  assert.deepEqual([bmp.format, bmp.width, bmp.height], ['bmp', 64, 64]);
});

test('mutated images of every format decode or fail with an image code, never INTERNAL, never a crash', async (t) => {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const outcomes: Record<string, number> = {};
  const names = fs.readdirSync(IMAGES).filter((n) => !n.endsWith('.rgb'));
  for (const name of names) {
    const original = fixture(name);
    for (let k = 0; k < 12; k++) {
      const b = Buffer.from(original);
      if (k % 3 === 0) for (let i = 0; i < 10; i++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
      else if (k % 3 === 1) for (let i = 0; i < 3; i++) b[8 + Math.floor(next() * Math.min(64, b.length - 8))] = Math.floor(next() * 256);
      else b.fill(0xff, Math.floor(next() * b.length), Math.floor(next() * b.length));
      try {
        const image = await faceCore.decode(b);
        assert.equal(image.pixels.length, image.width * image.height * 3);
        outcomes.decoded = (outcomes.decoded ?? 0) + 1;
      } catch (e) {
        assert.ok(e instanceof FaceCoreError, `${name} #${k}: ${String(e)}`);
        assert.ok(['INVALID_IMAGE', 'UNSUPPORTED_FORMAT', 'IMAGE_TOO_LARGE'].includes(e.code), `${name} #${k}: ${e.code} ${e.message}`);
        outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
      }
    }
  }
  t.diagnostic(`outcomes of ${names.length * 12} mutated files: ${JSON.stringify(outcomes)}`);
  assert.ok((outcomes.decoded ?? 0) > 0 && (outcomes.INVALID_IMAGE ?? 0) > 0);
});

test('decompression bombs are IMAGE_TOO_LARGE at every stage: PNG, GIF screen, GIF frame, JPEG frame', async () => {
  await rejectsEverywhere(pngClaiming(100000, 100000), 'IMAGE_TOO_LARGE', /100000x100000/);
  await rejectsEverywhere(gifClaiming(65535, 65535), 'IMAGE_TOO_LARGE', /65535x65535/);
  await rejectsEverywhere(gifClaiming(10, 10, 65535, 65535), 'IMAGE_TOO_LARGE', /65535x65535/);
  await rejectsEverywhere(jpegClaiming(CHIP, 65535, 65535), 'IMAGE_TOO_LARGE', /65535x65535 \(4294836225 pixels\); the limit is 40000000 pixels/);
  // Past the default limit but under OpenCV's own: only our check stands in the way.
  await rejectsEverywhere(jpegClaiming(CHIP, 8000, 8000), 'IMAGE_TOO_LARGE', /8000x8000/);
});

test('a TIFF that lists its size tags twice cannot slip past the pixel limit', async () => {
  // libtiff keeps the first ImageWidth/ImageLength (200×200) and ignores the repeats (1×1).
  const small = new FaceCore({ maxPixels: 1000 });
  const honest = tiffWithRepeatedSize(20, 20, 20, 20);
  assert.deepEqual([(await small.decode(honest)).width, (await small.decode(honest)).height], [20, 20]);
  const outcome = await small.decode(tiffWithRepeatedSize(200, 200, 1, 1)).then(
    (image: RgbImage) => `decoded ${image.width}x${image.height} (${image.width * image.height} pixels, over the limit of 1000)`,
    (e: unknown) => (e instanceof FaceCoreError ? e.code : String(e)),
  );
  assert.ok(['IMAGE_TOO_LARGE', 'INVALID_IMAGE'].includes(outcome), outcome);
});

test('a JPEG that hides its frame header behind a stuffed zero cannot slip past the pixel limit', async () => {
  // libjpeg reads the true 150×150 frame; a decoy frame of 10×10 sits in an APP1 segment.
  const crafted = jpegWithDecoyFrame(CHIP, 150, 150, 10, 10);
  const small = new FaceCore({ maxPixels: 1000 });
  const outcome = await small.decode(crafted).then(
    (image: RgbImage) => `decoded ${image.width}x${image.height} (${image.width * image.height} pixels, over the limit of 1000)`,
    (e: unknown) => (e instanceof FaceCoreError ? e.code : String(e)),
  );
  assert.ok(['IMAGE_TOO_LARGE', 'INVALID_IMAGE'].includes(outcome), outcome);
});

test('a wrong-length encoding is INVALID_ARGUMENT for the index and for clustering', async () => {
  const index = new FaceIndex();
  for (const length of [0, 127, 129, 256]) {
    throwsWith(() => index.add(1, new Float32Array(length)), 'INVALID_ARGUMENT', new RegExp(`Expected 128 values but received ${length}`));
    throwsWith(() => index.searchSync(new Float32Array(length)), 'INVALID_ARGUMENT');
    await rejectsWith(index.search(new Float32Array(length)), 'INVALID_ARGUMENT');
    await rejectsWith(faceCore.cluster([new Float32Array(128), new Float32Array(length)]), 'INVALID_ARGUMENT', /encodings\[1\]/);
  }
  // Not a Float32Array at all.
  for (const wrong of [new Float64Array(128), Array.from({ length: 128 }, () => 0), Buffer.alloc(512), 'encoding', null]) {
    throwsWith(() => index.add(1, wrong as unknown as Float32Array), 'INVALID_ARGUMENT');
    throwsWith(() => index.searchSync(wrong as unknown as Float32Array), 'INVALID_ARGUMENT');
    await rejectsWith(faceCore.cluster([wrong as unknown as Float32Array]), 'INVALID_ARGUMENT');
  }
  await rejectsWith(faceCore.cluster('encodings' as unknown as Float32Array[]), 'INVALID_ARGUMENT');
  assert.equal(index.size, 0, 'nothing was added');
});

test('NaN or Infinity in an encoding is INVALID_ARGUMENT for the index and for clustering', async () => {
  const index = new FaceIndex();
  for (const bad of [Number.NaN, Infinity, -Infinity]) {
    const encoding = new Float32Array(128).fill(0.1);
    encoding[77] = bad;
    throwsWith(() => index.add(1, encoding), 'INVALID_ARGUMENT', /NaN or Infinity/);
    throwsWith(() => index.addMany([1, 2], Float32Array.from([...ENCODING_OPTIONS_OK, ...encoding])), 'INVALID_ARGUMENT');
    throwsWith(() => index.searchSync(encoding), 'INVALID_ARGUMENT');
    await rejectsWith(index.search(encoding), 'INVALID_ARGUMENT');
    await rejectsWith(faceCore.cluster([new Float32Array(128), encoding]), 'INVALID_ARGUMENT', /NaN or Infinity/);
  }
  assert.equal(index.size, 0, 'a batch with one bad encoding adds nothing');
});

test('an id that is not in the index: remove() is false, has() is false; an id that cannot be one is INVALID_ARGUMENT', () => {
  const index = new FaceIndex();
  index.add(5, new Float32Array(128));
  assert.equal(index.remove(6), false);
  assert.equal(index.has(6), false);
  assert.equal(index.size, 1);
  for (const id of [-1, 1.5, 2 ** 53, Number.NaN, Infinity, '5', null, undefined]) {
    throwsWith(() => index.add(id as number, new Float32Array(128)), 'INVALID_ARGUMENT', /non-negative safe integer/);
    throwsWith(() => index.remove(id as number), 'INVALID_ARGUMENT');
    throwsWith(() => index.has(id as number), 'INVALID_ARGUMENT');
  }
  assert.equal(index.size, 1);
});

test('an image that is not a Buffer is INVALID_ARGUMENT at every stage, with the one message shape', async () => {
  const wrongs: unknown[] = ['photo.jpg', new Uint8Array(CHIP), CHIP.buffer, null, undefined, 42, {}, [CHIP]];
  for (const wrong of wrongs) {
    await rejectsWith(
      faceCore.decode(wrong as Buffer),
      'INVALID_ARGUMENT',
      /^Expected a Buffer of encoded image bytes for bytes but received .* of type \w+$/s,
    );
    throwsWith(() => faceCore.info(wrong as Buffer), 'INVALID_ARGUMENT');
    for (const [stage, call] of everyStage(wrong)) {
      await rejectsWith(
        call,
        'INVALID_ARGUMENT',
        /^Expected a Buffer of encoded bytes or \{width, height, pixels\} for image but received .* of type \w+$/s,
      ).catch((e: Error) => {
        throw new Error(`${stage}(${Object.prototype.toString.call(wrong)}): ${e.message}`);
      });
    }
  }
  await rejectsWith(faceCore.decode('photo.jpg' as unknown as Buffer), 'INVALID_ARGUMENT', /received "photo.jpg" of type string/);
});

test('an INVALID_ARGUMENT message describes a large wrong value briefly instead of printing it whole', async () => {
  // A photo's bytes as a Uint8Array (not a Buffer), and a whole array of numbers where an encoding should be.
  const cases: [string, () => Promise<unknown>][] = [
    ['decode(Uint8Array)', () => faceCore.decode(new Uint8Array(TWO_FACES) as unknown as Buffer)],
    ['cluster([Float32Array(127)])', () => faceCore.cluster([new Float32Array(127)])],
  ];
  const tooLong: string[] = [];
  for (const [what, call] of cases) {
    await rejectsWith(call, 'INVALID_ARGUMENT');
    const message = await call().then(String, (e: Error) => e.message);
    if (message.length >= 300) tooLong.push(`${what}: ${message.length} characters: ${message.slice(0, 100)}…`);
  }
  assert.deepEqual(tooLong, []);
});

test('bad options are INVALID_ARGUMENT naming the option and the value received', async () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['upsample -1', () => faceCore.analyze(CHIP, { upsample: -1 }), /^Expected an integer from 0 to 3 for upsample but received -1 of type number$/],
    ['upsample 4', () => faceCore.detect(CHIP, { upsample: 4 }), /for upsample but received 4/],
    ['upsample 1.5', () => faceCore.detect(CHIP, { upsample: 1.5 }), /for upsample but received 1.5/],
    ['upsample "1"', () => faceCore.detect(CHIP, { upsample: '1' as unknown as number }), /for upsample but received "1" of type string/],
    ['upsample NaN', () => faceCore.detect(CHIP, { upsample: Number.NaN }), /for upsample but received NaN/],
    ['jitter 1.5', () => faceCore.analyze(CHIP, { jitter: 1.5 }), /^Expected an integer from 0 to 100 for jitter but received 1.5 of type number$/],
    ['jitter -1', () => faceCore.analyze(CHIP, { jitter: -1 }), /for jitter but received -1/],
    ['jitter 101', () => faceCore.analyze(CHIP, { jitter: 101 }), /for jitter but received 101/],
    ['jitter "5"', () => faceCore.analyze(CHIP, { jitter: '5' as unknown as number }), /for jitter but received "5" of type string/],
    ['maxFaces -2', () => faceCore.analyze(CHIP, { maxFaces: -2 }), /for maxFaces but received -2 of type number$/],
    ['maxFaces 1.5', () => faceCore.analyze(CHIP, { maxFaces: 1.5 }), /for maxFaces but received 1.5/],
    ['maxFaces "all"', () => faceCore.analyze(CHIP, { maxFaces: 'all' as unknown as number }), /for maxFaces but received "all" of type string/],
    [
      'minFaceSize -3',
      () => faceCore.detect(CHIP, { minFaceSize: -3 }),
      /^Expected a non-negative number for minFaceSize but received -3 of type number$/,
    ],
    ['minFaceSize NaN', () => faceCore.analyze(CHIP, { minFaceSize: Number.NaN }), /for minFaceSize but received NaN/],
    ['minFaceSize "big"', () => faceCore.detect(CHIP, { minFaceSize: 'big' as unknown as number }), /for minFaceSize but received "big"/],
    ['adjustThreshold NaN', () => faceCore.detect(CHIP, { adjustThreshold: Number.NaN }), /for adjustThreshold but received NaN/],
    ['adjustThreshold Infinity', () => faceCore.detect(CHIP, { adjustThreshold: Infinity }), /for adjustThreshold but received Infinity/],
    ['detect options "fast"', () => faceCore.detect(CHIP, 'fast' as unknown as object), /for options but received "fast" of type string/],
    ['encode jitter 1.5', () => faceCore.encode([], { jitter: 1.5 }), /for jitter but received 1.5/],
    ['encode batchSize 0', () => faceCore.encode([], { batchSize: 0 }), /for batchSize but received 0/],
    ['align size 10', () => faceCore.align(CHIP, [], { size: 10 }), /^Expected an integer from 16 to 1024 for size but received 10 of type number$/],
    ['align size 150.5', () => faceCore.align(CHIP, [], { size: 150.5 }), /for size but received 150.5/],
    [
      'align padding -1',
      () => faceCore.align(CHIP, [], { padding: -1 }),
      /^Expected a number from 0 to 2 for padding but received -1 of type number$/,
    ],
    ['align padding 2.5', () => faceCore.align(CHIP, [], { padding: 2.5 }), /for padding but received 2.5/],
    ['cluster threshold 0', () => faceCore.cluster([], 0), /for threshold but received 0/],
    ['cluster threshold NaN', () => faceCore.cluster([], Number.NaN), /for threshold but received NaN/],
  ];
  for (const [what, call, message] of cases) {
    await rejectsWith(call, 'INVALID_ARGUMENT', message).catch((e: Error) => {
      throw new Error(`${what}: ${e.message}`);
    });
  }
  // FaceCore's own options are checked when it is made.
  for (const options of [{ maxPixels: 0 }, { maxPixels: -5 }, { maxPixels: 1.5 }]) {
    throwsWith(() => new FaceCore(options), 'INVALID_ARGUMENT', /^Expected a positive integer for maxPixels/);
  }
  for (const options of [{ threads: 0 }, { threads: 2.5 }, { threads: 2000 }]) {
    throwsWith(() => new FaceCore(options), 'INVALID_ARGUMENT', /^Expected an integer from 1 to 1024 for threads/);
  }
  throwsWith(() => new FaceCore({ encoder: 'tfjs' as 'dlib' }), 'INVALID_ARGUMENT', /^Expected 'opencv' or 'dlib' for encoder but received "tfjs"/);
});

test('null options are INVALID_ARGUMENT at every stage, not an internal error', async () => {
  const chip = await faceCore.decode(CHIP);
  const cases: [string, () => Promise<unknown>][] = [
    ['detect', () => faceCore.detect(CHIP, null as unknown as object)],
    ['analyze', () => faceCore.analyze(CHIP, null as unknown as object)],
    ['encode', () => faceCore.encode([chip], null as unknown as object)],
  ];
  const wrong: string[] = [];
  for (const [stage, call] of cases) {
    await rejectsWith(call, 'INVALID_ARGUMENT', /options/).catch((e: Error) => wrong.push(`${stage}(image, null): ${e.message}`));
  }
  assert.deepEqual(wrong, []);
});

test('raw-pixel images with the wrong byte count or size are INVALID_ARGUMENT at every stage', async () => {
  const wrongs: [string, unknown, RegExp][] = [
    ['299 bytes for 10×10', { width: 10, height: 10, pixels: Buffer.alloc(299) }, /Expected 300 bytes \(RGB\) for pixels but received "299 bytes"/],
    ['301 bytes for 10×10', { width: 10, height: 10, pixels: Buffer.alloc(301) }, /Expected 300 bytes/],
    ['RGBA bytes', { width: 10, height: 10, pixels: Buffer.alloc(400) }, /Expected 300 bytes/],
    ['no bytes', { width: 10, height: 10, pixels: Buffer.alloc(0) }, /Expected 300 bytes/],
    ['width 0', { width: 0, height: 10, pixels: Buffer.alloc(0) }, /integer width and height from 1 to 65535/],
    ['width 1.5', { width: 1.5, height: 2, pixels: Buffer.alloc(9) }, /integer width and height/],
    ['width 70000', { width: 70000, height: 1, pixels: Buffer.alloc(210000) }, /integer width and height/],
    ['height missing', { width: 10, pixels: Buffer.alloc(300) }, /integer width and height/],
    ['pixels a Uint8Array', { width: 10, height: 10, pixels: new Uint8Array(300) }, /for image/],
    ['pixels a string', { width: 1, height: 1, pixels: 'abc' }, /for image/],
  ];
  for (const [what, image, message] of wrongs) {
    for (const [stage, call] of everyStage(image)) {
      await rejectsWith(call, 'INVALID_ARGUMENT', message).catch((e: Error) => {
        throw new Error(`${stage} with ${what}: ${e.message}`);
      });
    }
    await rejectsWith(faceCore.encode([image as RgbImage]), 'INVALID_ARGUMENT', message).catch((e: Error) => {
      throw new Error(`encode with ${what}: ${e.message}`);
    });
  }
  // The right byte count works, however small.
  assert.deepEqual((await faceCore.analyze({ width: 1, height: 1, pixels: Buffer.alloc(3) })).faces, []);
});

test('bad boxes and landmarks are INVALID_ARGUMENT; odd but valid ones give answers, not crashes', async () => {
  for (const boxes of [
    {},
    'box',
    [null],
    [{ x: Number.NaN, y: 0, width: 10, height: 10 }],
    [{ x: 0, y: 0, width: 0, height: 10 }],
    [{ x: 0, y: 0 }],
  ]) {
    await rejectsWith(faceCore.landmarks(CHIP, boxes as never), 'INVALID_ARGUMENT');
  }
  for (const landmarks of [
    {},
    [[{ x: 1, y: 1 }]],
    [POINTS.slice(0, 67)],
    [POINTS.map((p, i) => (i === 30 ? { x: Number.NaN, y: p.y } : p))],
    [null],
  ]) {
    await rejectsWith(faceCore.align(CHIP, landmarks as never), 'INVALID_ARGUMENT');
  }
  // A box far outside the image, all 68 points on one spot, points a million pixels apart: answers all the same.
  const far = await faceCore.landmarks(CHIP, [{ x: 100000, y: 100000, width: 50, height: 50 }]);
  assert.equal(far[0]!.length, 68);
  const onePoint = Array.from({ length: 68 }, () => ({ x: 50, y: 50 }));
  const spread = Array.from({ length: 68 }, (_, i) => ({ x: i % 2 ? 900000 : -900000, y: i * 10 }));
  const chips = await faceCore.align(CHIP, [onePoint, spread]);
  assert.deepEqual(
    chips.map((c) => [c.width, c.height]),
    [
      [150, 150],
      [150, 150],
    ],
  );
  assert.deepEqual(await faceCore.landmarks(CHIP, []), []);
  assert.deepEqual(await faceCore.align(CHIP, []), []);
});

/** A fresh models directory holding the given files (the caller deletes it). */
function modelsDir(files: Record<string, Buffer | string | 'directory'>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-core-models-'));
  for (const [name, content] of Object.entries(files)) {
    if (content === 'directory') fs.mkdirSync(path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const RECOGNITION = 'dlib_face_recognition_resnet_model_v1.dat';
const LANDMARKS_68 = 'shape_predictor_68_face_landmarks.dat';
const BROKEN_MODELS: [string, string, Buffer | string | 'directory'][] = [
  ['garbage recognition model', RECOGNITION, 'this is not a model\n'.repeat(100)],
  ['empty recognition model', RECOGNITION, ''],
  ['recognition model that is a directory', RECOGNITION, 'directory'],
  ['garbage 68-point landmark model', LANDMARKS_68, 'this is not a model\n'.repeat(100)],
  ['noise as the 68-point landmark model', LANDMARKS_68, noise(5000, 11)],
  [
    '68-point landmark model cut after 1 MB',
    LANDMARKS_68,
    fs.readFileSync('/usr/share/dlib/shape_predictor_68_face_landmarks.dat').subarray(0, 1 << 20),
  ],
];

test('a missing or corrupt model file is MODEL_NOT_FOUND naming the file; the working core is unaffected', async (t) => {
  for (const [what, name, content] of BROKEN_MODELS) {
    const dir = modelsDir({ [name]: content });
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const core = new FaceCore({ modelsDir: dir });
    const file = path.join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await rejectsWith(core.load(), 'MODEL_NOT_FOUND', new RegExp(file)).catch((e: Error) => {
      throw new Error(`${what}: ${e.message}`);
    });
    // Every call that needs the models says the same, each time (a failed load is not cached as a success).
    await rejectsWith(core.analyze(TWO_FACES), 'MODEL_NOT_FOUND', new RegExp(file));
    await rejectsWith(core.encode([await core.decode(CHIP)]), 'MODEL_NOT_FOUND', new RegExp(file));
    // Stages without models still work on that core.
    assert.equal((await core.detect(TWO_FACES)).length, 2);
  }
  assert.equal((await faceCore.analyze(TWO_FACES)).faces.length, 2);
});

test('a corrupt model file’s error says how to get a good one', async (t) => {
  for (const [what, name, content] of BROKEN_MODELS.filter(([w]) => w.startsWith('garbage'))) {
    const dir = modelsDir({ [name]: content });
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // As the message for an unreadable file does: `npm run models:dlib`, libdlib-data, or removing the file.
    await rejectsWith(new FaceCore({ modelsDir: dir }).load(), 'MODEL_NOT_FOUND', /npm run models:dlib|libdlib-data|remove it/).catch((e: Error) => {
      throw new Error(`${what}: ${e.message}`);
    });
  }
});

test('after all of the above the default core still analyzes photos', async () => {
  const result = await faceCore.analyze(TWO_FACES);
  assert.equal(result.faces.length, 2);
  for (const f of result.faces) assert.equal(f.encoding.length, 128);
});

test('300 bad calls and 100 good analyze calls, twice, leave the resident memory where it was (no leak)', (t) => {
  // A child process, so global.gc() is available and nothing else in this file's process muddies the figure.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('../fixtures/leak-child.ts', import.meta.url)), '2'],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  assert.equal(child.status, 0, `leak child failed: ${child.stderr.slice(-2000)}`);
  const { rss } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { rss: number[] };
  const mb = rss.map((r) => r / 2 ** 20);
  const growth = mb[mb.length - 1]! - mb[0]!;
  t.diagnostic(`RSS after warm-up and after each round (MB): ${mb.map((m) => m.toFixed(1)).join(' → ')}; growth ${growth.toFixed(1)} MB`);
  // Measured: no growth (−13 MB). An analyze that leaked its decoded 360×480 image would add 50 MB over 200 calls.
  assert.ok(growth < 50, `RSS grew by ${growth.toFixed(1)} MB`);
});
