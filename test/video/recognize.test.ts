// Video recognition on clips made from Debian's real johns photos: tracks, identities by VOTE and FUSION,
// unknown faces, small faces, faces that leave and return, the encoding budget of N per track.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gallery, personName } from '../../src/gallery/index.js';
import { recognizeInGallery, labelOf, type RecognizedVideo, type VideoRecognitionOptions } from '../../src/video/recognize.js';
import { faceCore } from '../fixtures/core.js';
import { makeClip, threeJohnsClip } from '../fixtures/clips.js';
import { DOGS, johnPhotos } from '../fixtures/photos.js';

const FRAMES = 60;
const N = 5;
let dir: string;
let gallery: Gallery;
const clips: Record<string, string> = {};

const DEFAULTS: VideoRecognitionOptions = { decision: 'VOTE', tolerance: 0.6, framesToDecide: N };

async function recognize(clip: string, options: Partial<VideoRecognitionOptions> = {}): Promise<RecognizedVideo> {
  const run = await recognizeInGallery(faceCore, gallery, clip, { ...DEFAULTS, ...options });
  return run.result;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-video-test-'));
  gallery = await Gallery.open({ dataDir: path.join(dir, 'data'), core: faceCore, tolerance: 0.6 });
  for (const [first, sur, name] of [
    ['John', 'Salley', 'John_Salley'],
    ['John', 'Simm', 'John_Simm'],
  ]) {
    const photo = johnPhotos(name)[0];
    await gallery.addPerson({ bytes: fs.readFileSync(photo), filename: path.basename(photo) }, personName(first, sur));
  }

  // Two enrolled johns and one never enrolled, each moving on its own path over a real background photo.
  clips.three = path.join(dir, 'three.mp4');
  await threeJohnsClip(clips.three, FRAMES);
  // A face that starts small and grows (scale 0.7 -> 1.8).
  clips.growing = path.join(dir, 'growing.mp4');
  await makeClip(clips.growing, {
    frames: FRAMES,
    actors: [{ photo: johnPhotos('John_Simm')[3], at: (f) => ({ x: 200, y: 20, scale: 0.7 + (1.1 * f) / (FRAMES - 1) }) }],
  });
  // A face that leaves the frame for a second and comes back.
  clips.returning = path.join(dir, 'returning.mp4');
  await makeClip(clips.returning, {
    frames: FRAMES,
    actors: [{ photo: johnPhotos('John_Salley')[7], at: (f) => (f < 20 || f >= 40 ? { x: 220, y: 60, scale: 1.3 } : null) }],
  });
  // No face at all.
  clips.empty = path.join(dir, 'empty.mp4');
  await makeClip(clips.empty, { frames: 30, background: DOGS, actors: [] });
});

after(async () => {
  await gallery?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tracks and identities', () => {
  for (const decision of ['VOTE', 'FUSION'] as const) {
    test(`${decision}: two enrolled johns are named, the stranger stays unknown`, async (t) => {
      const video = await recognize(clips.three, { decision });
      const labels = video.tracks.map(labelOf).sort();
      t.diagnostic(`tracks: ${video.tracks.map((r) => `${r.track.id}=${labelOf(r)} (${r.decision?.confidence.toFixed(2)})`).join(', ')}`);
      assert.deepEqual(labels, ['John Salley', 'John Simm', 'Unknown']);
      for (const r of video.tracks) {
        assert.ok(r.decision!.confidence > 0.5, `track ${r.track.id} confidence ${r.decision!.confidence}`);
        assert.equal(r.decision!.frames, N);
        assert.ok(r.track.thumbnail.length > 100 && r.track.thumbnail[0] === 0xff && r.track.thumbnail[1] === 0xd8, 'thumbnail is a JPEG');
        assert.equal(r.track.firstFrame, 0);
        assert.ok(r.track.lastFrame >= FRAMES - 5, `track ${r.track.id} lasts to frame ${r.track.lastFrame}`);
        assert.ok(r.track.boxes.length >= FRAMES - 5);
      }
      assert.equal(video.stats.framesDecoded, FRAMES);
      assert.equal(video.stats.framesDetected, FRAMES);
    });
  }

  test('with the CNN detector (detector: cnn) the same three people are tracked and named', async (t) => {
    const video = await recognize(clips.three, { detector: 'cnn', sampleEvery: 3 });
    t.diagnostic(`tracks: ${video.tracks.map((r) => `${r.track.id}=${labelOf(r)}`).join(', ')}; detect ${video.stats.detectSeconds.toFixed(2)} s`);
    assert.deepEqual(video.tracks.map(labelOf).sort(), ['John Salley', 'John Simm', 'Unknown']);
  });

  test('no track is encoded more than N times: the saving over per-frame recognition is real', async (t) => {
    const tracked = await recognize(clips.three);
    const everyFrame = await recognize(clips.three, { everyFrame: true });
    t.diagnostic(`faces encoded: tracked ${tracked.stats.facesEncoded}, every frame ${everyFrame.stats.facesEncoded}`);
    for (const r of tracked.tracks) assert.ok(r.track.encodings.length / 128 <= N);
    assert.equal(tracked.stats.facesEncoded, 3 * N);
    assert.ok(everyFrame.stats.facesEncoded >= 3 * (FRAMES - 2), `every-frame mode encoded ${everyFrame.stats.facesEncoded}`);
    assert.equal(everyFrame.tracks.length, 0);
  });

  test('detection on every 3rd frame still names everyone, with a third of the detector runs', async () => {
    const video = await recognize(clips.three, { sampleEvery: 3 });
    assert.deepEqual(video.tracks.map(labelOf).sort(), ['John Salley', 'John Simm', 'Unknown']);
    assert.equal(video.stats.framesDetected, FRAMES / 3);
    // Tracks still have a box on every frame: the Kalman filter carries them between detections.
    for (const r of video.tracks) assert.ok(r.track.boxes.length >= FRAMES - 6);
  });

  test('a face is not encoded while it is smaller than minFaceSize', async (t) => {
    const minFaceSize = 120;
    const video = await recognize(clips.growing, { minFaceSize });
    assert.equal(video.tracks.length, 1);
    const [r] = video.tracks;
    assert.equal(labelOf(r), 'John Simm');
    const size = (b: { width: number; height: number }) => Math.max(b.width, b.height);
    const firstSample = r.track.sampleFrames[0];
    const boxAt = (frame: number) => r.track.boxes.find((b) => b.frame === frame)!;
    t.diagnostic(
      `tracked from frame ${r.track.firstFrame} (face ${size(r.track.boxes[0])} px), first encoded at frame ${firstSample} (face ${size(boxAt(firstSample))} px)`,
    );
    assert.ok(firstSample > r.track.firstFrame, 'the face was tracked before it was large enough');
    assert.ok(size(boxAt(firstSample)) >= minFaceSize - 1);
    for (const b of r.track.boxes.filter((b) => b.frame < firstSample)) assert.ok(size(b) < minFaceSize + 1, `frame ${b.frame}: ${size(b)} px`);
  });

  test('a face that leaves and comes back is a new track, recognised again', async () => {
    const video = await recognize(clips.returning);
    assert.equal(video.tracks.length, 2);
    assert.deepEqual(video.tracks.map(labelOf), ['John Salley', 'John Salley']);
    const [a, b] = video.tracks;
    assert.ok(a.track.lastFrame < 25 && b.track.firstFrame >= 40, `${a.track.lastFrame} / ${b.track.firstFrame}`);
  });

  test('a video without faces gives no tracks', async () => {
    const video = await recognize(clips.empty);
    assert.equal(video.tracks.length, 0);
    assert.equal(video.stats.framesDecoded, 30);
    assert.equal(video.stats.facesEncoded, 0);
  });

  test('identities are announced as soon as a track has its N encodings', async () => {
    const announced: string[] = [];
    let progressEvents = 0;
    const run = await recognizeInGallery(faceCore, gallery, clips.three, DEFAULTS, (e) => {
      if (e.type === 'identified') announced.push(labelOf(e.recognized));
      else progressEvents++;
    });
    await run.result;
    assert.deepEqual(announced.sort(), ['John Salley', 'John Simm', 'Unknown']);
    assert.ok(progressEvents >= 3);
  });
});
