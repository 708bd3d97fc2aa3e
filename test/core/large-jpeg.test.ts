// A JPEG with far more pixels than detection looks at is decoded reduced by libjpeg's DCT scaling (1/2, 1/4, 1/8),
// never below what detection needs; the faces are the same and their boxes and landmarks come back in the photo's
// own pixels, also when its EXIF orientation swaps width and height.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AnalyzeResult, Box, RgbImage } from '../../src/core/index.js';
import { encodeJpeg } from '../../src/core/testing.js';
import { faceCore } from '../fixtures/core.js';
import { BALD_GUYS } from '../fixtures/photos.js';
import { iou } from '../fixtures/dlib-examples.js';

/** The image made `k` times larger by repeating pixels. */
function enlarged(image: RgbImage, k: number): RgbImage {
  const width = image.width * k,
    height = image.height * k;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = Math.floor(y / k) * image.width * 3;
    for (let x = 0; x < width; x++) image.pixels.copy(pixels, (y * width + x) * 3, from + Math.floor(x / k) * 3, from + Math.floor(x / k) * 3 + 3);
  }
  return { width, height, pixels };
}

/** The image turned a quarter counter-clockwise. */
function turnedLeft(image: RgbImage): RgbImage {
  const { width, height } = image;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) image.pixels.copy(pixels, ((width - 1 - x) * height + y) * 3, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width: height, height: width, pixels };
}

/** The JPEG with an EXIF APP1 segment holding only the orientation tag. */
function withOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** Faces of `small` (boxes times k) that have a face of `large` over them (IoU ≥ 0.5). */
function matched(small: AnalyzeResult, large: AnalyzeResult, k: number): number {
  const scaled = (b: Box): Box => ({ x: b.x * k, y: b.y * k, width: b.width * k, height: b.height * k });
  return small.faces.filter((f) => large.faces.some((g) => iou(scaled(f.box), g.box) >= 0.5)).length;
}

function assertInside(r: AnalyzeResult): void {
  for (const f of r.faces) {
    assert.ok(f.box.x >= -f.box.width && f.box.x + f.box.width <= r.width + f.box.width, JSON.stringify(f.box));
    for (const p of f.landmarks) {
      assert.ok(p.x >= f.box.x - f.box.width / 2 && p.x <= f.box.x + 1.5 * f.box.width, `landmark ${p.x} vs box ${JSON.stringify(f.box)}`);
      assert.ok(p.y >= f.box.y - f.box.height / 2 && p.y <= f.box.y + 1.5 * f.box.height);
    }
  }
}

const bald = await faceCore.decode(fs.readFileSync(BALD_GUYS)); // 1986×1545, 25 faces
const original = await faceCore.analyze(encodeJpeg(bald));
const big = enlarged(bald, 3); // 5958×4635: 27.6 MP, decoded at 1/2 (6.9 MP, above the 4 MP detection looks at)

test('a 27.6 MP JPEG is analysed at half size: the same faces, boxes and landmarks in its own pixels', async () => {
  assert.ok(original.faces.length >= 20, `${original.faces.length} faces in bald_guys.jpg`);
  const r = await faceCore.analyze(encodeJpeg(big));
  assert.equal(r.width, 5958);
  assert.equal(r.height, 4635);
  const found = matched(original, r, 3);
  assert.ok(found >= original.faces.length - 2, `${found} of ${original.faces.length} faces found again at 3×`);
  assertInside(r);
});

test('the same photo stored turned and tagged EXIF orientation 6: boxes in the upright photo, width and height swapped back', async () => {
  const r = await faceCore.analyze(withOrientation(encodeJpeg(turnedLeft(big)), 6));
  assert.equal(r.width, 5958);
  assert.equal(r.height, 4635);
  assert.equal(r.rotation, 0);
  const found = matched(original, r, 3);
  assert.ok(found >= original.faces.length - 2, `${found} of ${original.faces.length} faces found again at 3×, upright`);
  assertInside(r);
});
