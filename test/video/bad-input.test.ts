// Bad videos are normal input: each ends with a clear error or an empty result, and the core keeps working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaceCoreError, recognizeVideo, annotateVideo } from '../../src/core/index.js';
import { VideoWriter } from '../../src/core/testing.js';
import { faceCore } from '../fixtures/core.js';
import { makeClip, glide } from '../fixtures/clips.js';
import { johnPhotos } from '../fixtures/photos.js';

let dir: string;
let clip: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-video-bad-'));
  clip = path.join(dir, 'clip.mp4');
  await makeClip(clip, { frames: 75, actors: [{ photo: johnPhotos('John_Schneider')[0], at: glide(100, 50, 300, 80, 75, 1.2) }] });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(source: string, options = {}) {
  return (await recognizeVideo(faceCore, source, options)).result;
}

async function stillHealthy(): Promise<void> {
  const analysis = await faceCore.analyze(fs.readFileSync(johnPhotos('John_Shimkus')[0]));
  assert.equal(analysis.faces.length, 1);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<FaceCoreError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FaceCoreError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

test('a zero-byte file is INVALID_VIDEO', async () => {
  const file = path.join(dir, 'empty.mp4');
  fs.writeFileSync(file, '');
  await rejectsWith(run(file), 'INVALID_VIDEO');
  await stillHealthy();
});

test('a text file named .mp4 is INVALID_VIDEO', async () => {
  const file = path.join(dir, 'notes.mp4');
  fs.writeFileSync(file, 'these are not the frames you are looking for\n'.repeat(200));
  const e = await rejectsWith(run(file), 'INVALID_VIDEO');
  assert.match(e.message, /cannot be opened|no frame/);
  await stillHealthy();
});

test('a missing file is INVALID_VIDEO', async () => {
  await rejectsWith(run(path.join(dir, 'nope.mp4')), 'INVALID_VIDEO');
});

test('a corrupt video (bytes overwritten in the middle) ends with an error, or with the frames that could be read and says it stopped short', async (t) => {
  const bytes = fs.readFileSync(clip);
  const corrupt = Buffer.from(bytes);
  for (let i = Math.floor(bytes.length * 0.3); i < Math.floor(bytes.length * 0.6); i += 7) corrupt[i] ^= 0x5a;
  const file = path.join(dir, 'corrupt.mp4');
  fs.writeFileSync(file, corrupt);
  const outcome = await run(file).then(
    (r) => ({ frames: r.stats.framesDecoded, truncated: r.stats.truncated, error: null as FaceCoreError | null }),
    (e: FaceCoreError) => ({ frames: 0, truncated: false, error: e }),
  );
  t.diagnostic(outcome.error ? `error ${outcome.error.code}` : `${outcome.frames} frames decoded, truncated ${outcome.truncated}`);
  if (outcome.error) assert.equal(outcome.error.code, 'INVALID_VIDEO');
  else {
    assert.ok(outcome.frames > 0 && outcome.frames <= 75);
    // Frames that cannot be decoded are not passed over in silence: fewer than the container declares is truncated.
    assert.equal(outcome.truncated, outcome.frames < 0.95 * 75 - 1);
  }
  await stillHealthy();
});

test('a truncated video gives the frames before the cut', async () => {
  const bytes = fs.readFileSync(clip);
  const file = path.join(dir, 'truncated.mp4');
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const outcome = await run(file).then(
    (r) => r.stats.framesDecoded,
    (e: FaceCoreError) => e.code,
  );
  // An MP4 cut in half loses its index (moov atom at the end): FFmpeg cannot open it.
  assert.ok(outcome === 'INVALID_VIDEO' || (typeof outcome === 'number' && outcome < 75), String(outcome));
  await stillHealthy();
});

test('a video longer than maxDuration or maxFrames is refused before any frame is processed', async () => {
  const e = await rejectsWith(run(clip, { maxDuration: 1 }), 'VIDEO_TOO_LONG');
  assert.match(e.message, /3 s.*75 frames.*limit is 1 s/);
  await rejectsWith(run(clip, { maxFrames: 10 }), 'VIDEO_TOO_LONG');
  const ok = await run(clip, { maxDuration: 10, maxFrames: 100 });
  assert.equal(ok.stats.framesDecoded, 75);
});

test('bad options are INVALID_ARGUMENT', async () => {
  for (const options of [
    { sampleEvery: 0 },
    { framesToDecide: 1.5 },
    { minFaceSize: -1 },
    { iouThreshold: 2 },
    { upsample: 5 },
    { maxDuration: Number.NaN },
  ]) {
    await rejectsWith(run(clip, options), 'INVALID_ARGUMENT');
  }
  await rejectsWith(run(''), 'INVALID_ARGUMENT');
});

test('cancel stops the job at the next frame and reports it', async () => {
  const job = await recognizeVideo(faceCore, clip, {}, (e) => {
    if (e.type === 'progress' && e.frame >= 10) job.cancel();
  });
  const result = await job.result;
  assert.equal(result.stats.cancelled, true);
  assert.ok(result.stats.framesDecoded < 75, `${result.stats.framesDecoded} frames`);
});

test('the event loop keeps ticking while a video is processed', async (t) => {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await run(clip);
  } finally {
    clearInterval(timer);
  }
  t.diagnostic(`largest gap between ticks: ${worst.toFixed(1)} ms`);
  assert.ok(worst < 250, `the event loop stalled for ${worst} ms`);
});

test('an annotated copy has every frame of the original', async () => {
  const result = await run(clip);
  assert.equal(result.tracks.length, 1);
  const out = path.join(dir, 'annotated.mp4');
  const frames = await annotateVideo(
    clip,
    out,
    result.tracks.map((tr) => ({ label: `track ${tr.id}`, boxes: tr.boxes })),
  );
  assert.equal(frames, 75);
  const again = await run(out);
  assert.equal(again.stats.framesDecoded, 75);
  await rejectsWith(annotateVideo(path.join(dir, 'nope.mp4'), out, []), 'INVALID_VIDEO');
});

test('VideoWriter refuses bad sizes and frames', () => {
  assert.throws(() => new VideoWriter(path.join(dir, 'x.mp4'), { fps: 25, width: 0, height: 10 }), { code: 'INVALID_ARGUMENT' });
  const w = new VideoWriter(path.join(dir, 'y.mp4'), { fps: 25, width: 64, height: 64 });
  assert.throws(() => w.write({ width: 32, height: 32, pixels: Buffer.alloc(32 * 32 * 3) }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => w.write({ width: 64, height: 64, pixels: Buffer.alloc(5) }), { code: 'INVALID_ARGUMENT' });
  w.close();
});
