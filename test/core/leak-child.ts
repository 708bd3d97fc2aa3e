// Child process of bad-input.test.ts's leak check, run as `node --expose-gc --import tsx leak-child.ts [rounds]`:
// warms up, then makes 300 bad calls (every kind of bad input, through each decoder's error path) and 100 good
// analyze calls per round, collects garbage and prints the resident set size after each round as JSON.
import fs from 'node:fs';
import { FaceCoreError, FaceIndex } from '../../src/core/index.js';
import { faceCore } from '../fixtures/core.js';
import { annotatedPhotos, johnPhotos } from '../fixtures/dlib-examples.js';
import { gifClaiming, jpegClaiming, pngClaiming } from './crafted-images.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const photo = fs.readFileSync(annotatedPhotos().find((p) => p.boxes.length === 2)!.file);
const chip = fs.readFileSync(johnPhotos('John_Salley')[0]!);
const images = new URL('../fixtures/images/', import.meta.url);
const png = fs.readFileSync(new URL('chip-rgb8.png', images));
const gif = fs.readFileSync(new URL('chip-animated.gif', images));
const tiff = fs.readFileSync(new URL('chip.tiff', images));
const webp = fs.readFileSync(new URL('chip-lossy.webp', images));
/** Keeps a file's header and replaces the rest with noise, so its decoder fails midway. */
const scrambled = (b: Buffer, keep: number) => Buffer.concat([b.subarray(0, keep), Buffer.from(b.subarray(keep).map((v, i) => (v * 31 + i * 17) & 0xff))]);
const index = new FaceIndex();
index.add(1, new Float32Array(128));

const badCalls: (() => unknown)[] = [
  () => faceCore.decode(Buffer.alloc(0)),
  () => faceCore.decode(chip.subarray(0, 5)),
  () => faceCore.decode(Buffer.from('plain text, not an image\n'.repeat(20))),
  () => faceCore.analyze(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 1) & 0xff))),
  () => faceCore.decode(pngClaiming(100000, 100000)),
  () => faceCore.analyze(gifClaiming(65535, 65535)),
  () => faceCore.detect(jpegClaiming(chip, 65535, 65535)),
  () => faceCore.decode(scrambled(chip, 200)),
  () => faceCore.decode(scrambled(png, 40)),
  () => faceCore.decode(scrambled(gif, 30)),
  () => faceCore.decode(scrambled(tiff, 16)),
  () => faceCore.decode(scrambled(webp, 30)),
  () => faceCore.analyze(photo, { upsample: -1 }),
  () => faceCore.analyze({ width: 10, height: 10, pixels: Buffer.alloc(299) }),
  () => faceCore.landmarks(photo, [{ x: Number.NaN, y: 0, width: 10, height: 10 }]),
  () => faceCore.align(photo, [[{ x: 1, y: 1 }]]),
  () => faceCore.cluster([new Float32Array(128).fill(Number.NaN)]),
  () => index.add(2, new Float32Array(127)),
  () => index.search(new Float32Array(128).fill(Number.NaN)),
  () => faceCore.decode('photo.jpg' as unknown as Buffer),
];

async function bad(i: number): Promise<void> {
  try {
    await badCalls[i % badCalls.length]!();
  } catch (e) {
    if (!(e instanceof FaceCoreError) || e.code === 'INTERNAL') throw e;
    return;
  }
  throw new Error(`bad call ${i % badCalls.length} succeeded`);
}

async function round(): Promise<void> {
  for (let i = 0; i < 300; i++) await bad(i);
  for (let i = 0; i < 100; i++) {
    const result = await faceCore.analyze(photo);
    if (result.faces.length !== 2) throw new Error(`expected 2 faces, got ${result.faces.length}`);
  }
}

function settledRss(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().rss;
}

// Warm-up: models loaded, every path run once, allocator pools grown.
await faceCore.load();
for (let i = 0; i < badCalls.length * 2; i++) await bad(i);
for (let i = 0; i < 10; i++) await faceCore.analyze(photo);
const rss = [settledRss()];
const rounds = Number(process.argv[2] ?? 1);
for (let r = 0; r < rounds; r++) {
  await round();
  rss.push(settledRss());
}
process.stdout.write(JSON.stringify({ rss }) + '\n');
