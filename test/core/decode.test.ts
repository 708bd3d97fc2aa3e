// Stage 1, decode: every format the service accepts turns into the right RGB pixels, the format is read from the
// bytes (never a name), the EXIF orientation is applied, and a pixel limit refuses huge images before decoding.
// The fixtures are one real johns chip (64×64 thumbnail) in each format, made by make-image-fixtures.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceCore, type RgbImage } from '../../src/core/index.js';
import { faceCore } from '../fixtures/core.js';
import { johnPhotos } from '../fixtures/dlib-examples.js';
import { gifClaiming, jpegClaiming, pngClaiming } from '../fixtures/crafted-images.js';
import { rejectsWith } from '../fixtures/expect-error.js';

const IMAGES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
const fixture = (name: string): Buffer => fs.readFileSync(path.join(IMAGES, name));
/** The chip thumbnail's true RGB bytes, 64×64, as Pillow made them. */
const REFERENCE = fixture('reference-64x64.rgb');
const JOHN = johnPhotos('John_Salley')[0]!;

/** Mean and largest absolute difference between two RGB buffers of one size. */
function difference(a: Buffer, b: Buffer): { mean: number; max: number } {
  assert.equal(a.length, b.length, 'images of different sizes');
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

function pixel(image: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * image.width + x) * 3;
  return [image.pixels[i]!, image.pixels[i + 1]!, image.pixels[i + 2]!];
}

function assertChipSized(image: RgbImage, format: string): void {
  assert.equal(image.format, format);
  assert.equal(image.width, 64);
  assert.equal(image.height, 64);
  assert.equal(image.pixels.length, 64 * 64 * 3);
}

/** PNG IHDR facts: bit depth and colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
function pngHeader(png: Buffer): { depth: number; colourType: number } {
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { depth: png[24]!, colourType: png[25]! };
}

test('a baseline JPEG and a progressive JPEG decode to the chip, within JPEG loss', async () => {
  const baseline = fixture('chip-baseline.jpg');
  const progressive = fixture('chip-progressive.jpg');
  // The fixtures are what they claim: SOF0 (baseline) in one, SOF2 (progressive) in the other.
  assert.ok(baseline.includes(Buffer.from([0xff, 0xc0])) && !baseline.includes(Buffer.from([0xff, 0xc2])));
  assert.ok(progressive.includes(Buffer.from([0xff, 0xc2])));
  for (const bytes of [baseline, progressive]) {
    const image = await faceCore.decode(bytes);
    assertChipSized(image, 'jpeg');
    const d = difference(image.pixels, REFERENCE);
    assert.ok(d.mean < 6 && d.max < 60, `JPEG decode differs from the chip by ${JSON.stringify(d)}`);
  }
});

test('an 8-bit RGB PNG decodes to the exact pixels', async () => {
  const bytes = fixture('chip-rgb8.png');
  assert.deepEqual(pngHeader(bytes), { depth: 8, colourType: 2 });
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'png');
  assert.deepEqual(difference(image.pixels, REFERENCE), { mean: 0, max: 0 });
});

test('a 16-bit RGB PNG decodes to the exact 8-bit pixels (each value v stored as v*257)', async () => {
  const bytes = fixture('chip-rgb16.png');
  assert.deepEqual(pngHeader(bytes), { depth: 16, colourType: 2 });
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'png');
  assert.deepEqual(difference(image.pixels, REFERENCE), { mean: 0, max: 0 });
});

test('a palette PNG decodes through its palette to the chip’s colours, at most 256 of them', async () => {
  const bytes = fixture('chip-palette.png');
  assert.deepEqual(pngHeader(bytes), { depth: 8, colourType: 3 });
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'png');
  const d = difference(image.pixels, REFERENCE);
  assert.ok(d.mean < 4 && d.max < 40, `palette decode differs by ${JSON.stringify(d)}`);
  const colours = new Set<number>();
  for (let i = 0; i < image.pixels.length; i += 3) colours.add(image.pixels.readUIntBE(i, 3));
  assert.ok(colours.size > 100 && colours.size <= 256, `${colours.size} distinct colours`);
});

test('a grey PNG decodes to equal R, G and B at the chip’s luma', async () => {
  const bytes = fixture('chip-grey.png');
  assert.deepEqual(pngHeader(bytes), { depth: 8, colourType: 0 });
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'png');
  for (let i = 0; i < image.pixels.length; i += 3) {
    const [r, g, b] = [image.pixels[i]!, image.pixels[i + 1]!, image.pixels[i + 2]!];
    assert.ok(r === g && g === b, `pixel ${i / 3} is not grey: ${r},${g},${b}`);
    // Pillow's RGB -> L: ITU-R 601-2 luma.
    const luma = (REFERENCE[i]! * 299 + REFERENCE[i + 1]! * 587 + REFERENCE[i + 2]! * 114) / 1000;
    assert.ok(Math.abs(g - luma) <= 1, `pixel ${i / 3}: grey ${g}, luma ${luma}`);
  }
});

test('a PNG with alpha decodes to RGB: the opaque half is the chip exactly', async () => {
  const bytes = fixture('chip-alpha.png');
  assert.deepEqual(pngHeader(bytes), { depth: 8, colourType: 6 });
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'png');
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 32; x++) {
      const i = (y * 64 + x) * 3;
      assert.deepEqual(pixel(image, x, y), [REFERENCE[i], REFERENCE[i + 1], REFERENCE[i + 2]], `opaque pixel ${x},${y}`);
    }
  }
});

test('WebP decodes: lossless to the exact pixels, lossy within its loss', async () => {
  const lossless = fixture('chip-lossless.webp');
  const lossy = fixture('chip-lossy.webp');
  assert.equal(lossless.toString('latin1', 12, 16), 'VP8L');
  assert.equal(lossy.toString('latin1', 12, 16), 'VP8 ');
  const exact = await faceCore.decode(lossless);
  assertChipSized(exact, 'webp');
  assert.deepEqual(difference(exact.pixels, REFERENCE), { mean: 0, max: 0 });
  const near = await faceCore.decode(lossy);
  assertChipSized(near, 'webp');
  const d = difference(near.pixels, REFERENCE);
  assert.ok(d.mean < 6 && d.max < 60, `lossy WebP differs by ${JSON.stringify(d)}`);
});

test('a 24-bit BMP decodes to the exact pixels', async () => {
  const bytes = fixture('chip.bmp');
  assert.equal(bytes.readUInt16LE(28), 24);
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'bmp');
  assert.deepEqual(difference(image.pixels, REFERENCE), { mean: 0, max: 0 });
});

test('a deflate-compressed TIFF decodes to the exact pixels', async () => {
  const image = await faceCore.decode(fixture('chip.tiff'));
  assertChipSized(image, 'tiff');
  assert.deepEqual(difference(image.pixels, REFERENCE), { mean: 0, max: 0 });
});

test('an animated GIF decodes to its first frame (the chip), not its second (the chip’s negative)', async () => {
  const bytes = fixture('chip-animated.gif');
  // Two frames: two graphic control extensions, two image descriptors' worth of data, a looping animation.
  assert.ok(bytes.includes(Buffer.from('NETSCAPE2.0', 'latin1')));
  assert.equal(bytes.toString('latin1').split('\x21\xf9\x04').length - 1, 2, 'the fixture has two frames');
  const image = await faceCore.decode(bytes);
  assertChipSized(image, 'gif');
  const firstFrame = await faceCore.decode(fixture('chip-animated-first-frame.png'));
  assert.deepEqual(difference(image.pixels, firstFrame.pixels), { mean: 0, max: 0 });
  const negative = Buffer.from(REFERENCE.map((v) => 255 - v));
  assert.ok(difference(image.pixels, negative).mean > 60, 'looks like the second frame');
});

test('a GIF’s transparent pixels decode as white', async () => {
  const image = await faceCore.decode(fixture('half-transparent.gif'));
  assert.equal(image.format, 'gif');
  assert.equal(image.width, 16);
  assert.equal(image.height, 16);
  for (let y = 0; y < 16; y++) {
    assert.deepEqual(pixel(image, 3, y), [255, 255, 255], `transparent pixel 3,${y}`);
    assert.deepEqual(pixel(image, 12, y), [255, 0, 0], `red pixel 12,${y}`);
  }
});

test('the format is sniffed from the bytes: a PNG named .jpg is a PNG, a JPEG named .png is a JPEG', async () => {
  const png = fixture('png-named.jpg');
  const jpeg = fixture('jpeg-named.png');
  assert.deepEqual(faceCore.info(png), { format: 'png', width: 64, height: 64 });
  assert.deepEqual(faceCore.info(jpeg), { format: 'jpeg', width: 64, height: 64 });
  const fromPng = await faceCore.decode(png);
  assertChipSized(fromPng, 'png');
  assert.deepEqual(fromPng.pixels, (await faceCore.decode(fixture('chip-rgb8.png'))).pixels);
  assertChipSized(await faceCore.decode(jpeg), 'jpeg');
});

test('info() reads format and stored size from the header of every format without decoding', () => {
  const expected: [string, string, number, number][] = [
    ['chip-baseline.jpg', 'jpeg', 64, 64],
    ['chip-progressive.jpg', 'jpeg', 64, 64],
    ['chip-rgb8.png', 'png', 64, 64],
    ['chip-rgb16.png', 'png', 64, 64],
    ['chip-palette.png', 'png', 64, 64],
    ['chip-grey.png', 'png', 64, 64],
    ['chip-alpha.png', 'png', 64, 64],
    ['chip-lossless.webp', 'webp', 64, 64],
    ['chip-lossy.webp', 'webp', 64, 64],
    ['chip.bmp', 'bmp', 64, 64],
    ['chip.tiff', 'tiff', 64, 64],
    ['chip-animated.gif', 'gif', 64, 64],
    ['half-transparent.gif', 'gif', 16, 16],
    // The stored size: the EXIF orientation is applied by decode, not by info.
    ['quadrants-orientation-6.jpg', 'jpeg', 150, 100],
  ];
  for (const [name, format, width, height] of expected) assert.deepEqual(faceCore.info(fixture(name)), { format, width, height }, name);
  // A real photograph.
  assert.deepEqual(faceCore.info(fs.readFileSync(JOHN)), { format: 'jpeg', width: 150, height: 150 });
});

test('analyze reports the format its own decode sniffed, the same as info(), so one call sniffs the header once', async () => {
  for (const name of [
    'chip-baseline.jpg',
    'chip-rgb8.png',
    'chip-lossless.webp',
    'chip.bmp',
    'chip.tiff',
    'chip-animated.gif',
    'quadrants-orientation-6.jpg',
  ]) {
    const bytes = fixture(name);
    const result = await faceCore.analyze(bytes);
    assert.equal(result.format, faceCore.info(bytes).format, name);
    assert.equal((await faceCore.decode(bytes)).format, result.format, name);
  }
  // Raw pixels were never sniffed: no format.
  const pixels = await faceCore.decode(fixture('chip-rgb8.png'));
  assert.equal((await faceCore.analyze({ width: pixels.width, height: pixels.height, pixels: pixels.pixels })).format, undefined);
});

// Where display pixel (x, y) comes from in the stored w×h image, for each EXIF orientation (as in the fixture script).
const ORIENTATION_SOURCE: Record<number, (x: number, y: number, w: number, h: number) => [number, number]> = {
  1: (x, y) => [x, y],
  2: (x, y, w) => [w - 1 - x, y],
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y],
  4: (x, y, _w, h) => [x, h - 1 - y],
  5: (x, y) => [y, x],
  6: (x, y, _w, h) => [y, h - 1 - x],
  7: (x, y, w, h) => [w - 1 - y, h - 1 - x],
  8: (x, y, w) => [w - 1 - y, x],
};

/** The stored 150×100 quadrant image: red, green / blue, yellow. */
function storedQuadrant(x: number, y: number): [number, number, number] {
  if (y < 50) return x < 75 ? [255, 0, 0] : [0, 255, 0];
  return x < 75 ? [0, 0, 255] : [255, 255, 0];
}

test('EXIF orientation 6 turns a 150×100 JPEG into 100×150 with each corner where it belongs', async () => {
  const image = await faceCore.decode(fixture('quadrants-orientation-6.jpg'));
  assert.equal(image.width, 100);
  assert.equal(image.height, 150);
  // Rotated 90° clockwise: stored bottom-left (blue) is now top-left, stored top-left (red) top-right,
  // stored bottom-right (yellow) bottom-left, stored top-right (green) bottom-right.
  const near = (got: number[], want: number[]) => got.every((v, i) => Math.abs(v - want[i]!) <= 8);
  const corners: [number, number, number[]][] = [
    [20, 20, [0, 0, 255]],
    [80, 20, [255, 0, 0]],
    [20, 130, [255, 255, 0]],
    [80, 130, [0, 255, 0]],
  ];
  for (const [x, y, want] of corners) assert.ok(near(pixel(image, x, y), want), `(${x},${y}) is ${pixel(image, x, y)}, expected ${want}`);
});

test('all eight EXIF orientations land every quadrant where the orientation puts it', async () => {
  for (let orientation = 1; orientation <= 8; orientation++) {
    const image = await faceCore.decode(fixture(`quadrants-orientation-${orientation}.jpg`));
    const turned = orientation >= 5;
    assert.equal(image.width, turned ? 100 : 150, `orientation ${orientation}`);
    assert.equal(image.height, turned ? 150 : 100, `orientation ${orientation}`);
    // Sample well inside each quadrant of the displayed image (JPEG blurs only the seams).
    for (const fx of [0.2, 0.8]) {
      for (const fy of [0.2, 0.8]) {
        const x = Math.round(fx * (image.width - 1));
        const y = Math.round(fy * (image.height - 1));
        const [sx, sy] = ORIENTATION_SOURCE[orientation]!(x, y, 150, 100);
        const want = storedQuadrant(sx, sy);
        const got = pixel(image, x, y);
        assert.ok(
          got.every((v, i) => Math.abs(v - want[i]!) <= 8),
          `orientation ${orientation} at (${x},${y}): ${got}, expected ${want}`,
        );
      }
    }
  }
});

test('the chip with EXIF orientation 6 decodes to the same chip without it, turned 90° clockwise, pixel for pixel', async () => {
  const upright = await faceCore.decode(fixture('chip-orientation-1.jpg'));
  const turned = await faceCore.decode(fixture('chip-orientation-6.jpg'));
  assert.equal(turned.width, 64);
  assert.equal(turned.height, 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const [sx, sy] = ORIENTATION_SOURCE[6]!(x, y, 64, 64);
      assert.deepEqual(pixel(turned, x, y), pixel(upright, sx, sy), `(${x},${y})`);
    }
  }
});

test('a tiny PNG whose header claims 100000×100000 is refused with IMAGE_TOO_LARGE before any pixel is decoded', async (t) => {
  const bomb = pngClaiming(100000, 100000);
  assert.ok(bomb.length < 100, `the bomb is ${bomb.length} bytes`);
  // The same construction at a sane size is a real, decodable image: the refusal is about the size alone.
  const small = await faceCore.decode(pngClaiming(2, 2));
  assert.deepEqual([small.width, small.height, [...small.pixels]], [2, 2, Array(12).fill(0)]);
  assert.deepEqual(faceCore.info(bomb), { format: 'png', width: 100000, height: 100000 });
  const started = performance.now();
  await rejectsWith(faceCore.decode(bomb), 'IMAGE_TOO_LARGE', /100000x100000.*40000000 pixels/);
  t.diagnostic(`refused in ${(performance.now() - started).toFixed(1)} ms`);
});

test('a FaceCore with maxPixels 1000 refuses a 150×150 chip; the limit is inclusive', async () => {
  const chip = fs.readFileSync(JOHN);
  await rejectsWith(new FaceCore({ maxPixels: 1000 }).decode(chip), 'IMAGE_TOO_LARGE', /150x150 \(22500 pixels\).*1000 pixels/);
  await rejectsWith(new FaceCore({ maxPixels: 22499 }).decode(chip), 'IMAGE_TOO_LARGE');
  const exact = await new FaceCore({ maxPixels: 22500 }).decode(chip);
  assert.deepEqual([exact.width, exact.height], [150, 150]);
  // The limit guards every stage that takes encoded bytes, not only decode.
  await rejectsWith(new FaceCore({ maxPixels: 1000 }).detect(chip), 'IMAGE_TOO_LARGE');
});

test('a GIF whose logical screen claims 65535×65535 is refused with IMAGE_TOO_LARGE; so is a frame that claims it', async () => {
  // The construction decodes at a sane size: a 1×1 white frame.
  const sane = await faceCore.decode(gifClaiming(1, 1));
  assert.deepEqual([sane.format, sane.width, sane.height, [...sane.pixels]], ['gif', 1, 1, [255, 255, 255]]);
  await rejectsWith(faceCore.decode(gifClaiming(65535, 65535)), 'IMAGE_TOO_LARGE', /65535x65535/);
  await rejectsWith(faceCore.decode(gifClaiming(10, 10, 65535, 65535)), 'IMAGE_TOO_LARGE', /65535x65535/);
});

test('a real JPEG patched to claim 65535×65535 is refused with IMAGE_TOO_LARGE', async () => {
  const huge = jpegClaiming(fs.readFileSync(JOHN), 65535, 65535);
  assert.deepEqual(faceCore.info(huge), { format: 'jpeg', width: 65535, height: 65535 });
  await rejectsWith(faceCore.decode(huge), 'IMAGE_TOO_LARGE', /65535x65535/);
});
