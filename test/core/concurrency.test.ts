// Concurrency: the native work runs off the JavaScript thread, so the event loop keeps ticking through a batch;
// calls made at once give what the same calls give one by one; the index answers searches while it changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FaceCore, FaceIndex, nativeLimits, type AnalyzeResult } from '../../src/core/index.js';
import { faceCore, distance as faceDistance } from '../fixtures/core.js';
import { binding } from '../../src/core/binding.js';
import { FACES_DIR, johnChips } from '../fixtures/dlib-examples.js';
import { johnPhotos } from '../fixtures/photos.js';

/** 20 real photographs: the 12 photos of dlib's faces/ folder and the first 8 johns chips. */
function twentyPhotos(): { name: string; bytes: Buffer }[] {
  const photos = fs
    .readdirSync(FACES_DIR)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(FACES_DIR, f)) }));
  const chips = johnChips()
    .slice(0, 8)
    .map((c) => ({ name: path.basename(c.file), bytes: c.bytes }));
  const all = [...photos, ...chips];
  assert.equal(all.length, 20);
  return all;
}

/** Runs `work` while a 5 ms interval timer records the longest gap between its ticks. */
async function longestTickGap<T>(work: () => Promise<T>): Promise<{ result: T; gap: number; ms: number }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const result = await work();
    return { result, gap: Math.max(gap, performance.now() - last), ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

function assertSameAnalysis(a: AnalyzeResult, b: AnalyzeResult, what: string): void {
  assert.deepEqual([a.width, a.height, a.faces.length], [b.width, b.height, b.faces.length], what);
  a.faces.forEach((f, i) => {
    const g = b.faces[i]!;
    assert.deepEqual(f.box, g.box, `${what} face ${i} box`);
    assert.equal(f.score, g.score, `${what} face ${i} score`);
    assert.deepEqual(f.landmarks, g.landmarks, `${what} face ${i} landmarks`);
    const d = faceDistance(f.encoding, g.encoding);
    assert.ok(d < 1e-5, `${what} face ${i}: encodings differ by ${d}`);
  });
}

test('the event loop keeps ticking while 20 photos are analyzed at once', async (t) => {
  const photos = twentyPhotos();
  await faceCore.analyze(photos[0]!.bytes); // models loaded, code warm
  const { result, gap, ms } = await longestTickGap(() => Promise.all(photos.map((p) => faceCore.analyze(p.bytes))));
  const faces = result.reduce((n, r) => n + r.faces.length, 0);
  t.diagnostic(`20 photos, ${faces} faces in ${ms.toFixed(0)} ms; longest gap between 5 ms ticks: ${gap.toFixed(1)} ms`);
  assert.ok(faces >= 24 + 11, `${faces} faces`);
  // Measured: ~10 ms. The main thread only copies bytes in and results out.
  assert.ok(gap < 200, `the event loop stalled for ${gap.toFixed(0)} ms`);
});

test('on a cold core, 20 calls made at once load the models once and the event loop keeps ticking', async (t) => {
  const photos = twentyPhotos();
  faceCore.release();
  const native = binding();
  const load = native.loadModels;
  let loads = 0;
  native.loadModels = (options) => {
    loads++;
    return load.call(native, options);
  };
  try {
    const { result, gap, ms } = await longestTickGap(() => Promise.all(photos.map((p) => faceCore.analyze(p.bytes))));
    t.diagnostic(`cold batch: ${loads} model load(s), ${ms.toFixed(0)} ms, longest gap between ticks ${gap.toFixed(1)} ms`);
    assert.equal(result.length, 20);
    assert.equal(loads, 1, `the models were loaded ${loads} times`);
    // One load reads and dequantizes the weights on the main thread (~130 ms measured); twenty loads stall for seconds.
    assert.ok(gap < 500, `the event loop stalled for ${gap.toFixed(0)} ms`);
  } finally {
    native.loadModels = load;
  }
});

test('20 analyze calls made at once give the same results as the same calls one by one', async () => {
  const photos = twentyPhotos();
  const sequential: AnalyzeResult[] = [];
  for (const p of photos) sequential.push(await faceCore.analyze(p.bytes));
  const concurrent = await Promise.all(photos.map((p) => faceCore.analyze(p.bytes)));
  photos.forEach((p, i) => assertSameAnalysis(concurrent[i]!, sequential[i]!, p.name));
  // With more native jobs at once than cores, each on its own leased network and detector.
  const wide = new FaceCore({ threads: 8 });
  const crowded = await Promise.all(photos.map((p) => wide.analyze(p.bytes)));
  photos.forEach((p, i) => assertSameAnalysis(crowded[i]!, sequential[i]!, `${p.name} (8 at once)`));
  assert.ok(sequential.reduce((n, r) => n + r.faces.length, 0) >= 35);
});

test('jobs beyond the thread budget wait in a queue and all finish', async () => {
  const core = new FaceCore({ threads: 2 });
  await core.load();
  // Count the native calls that have started and not settled: the queue is what has not reached the addon yet.
  const native = binding();
  const detect = native.detect;
  let inflight = 0;
  let peak = 0;
  let started = 0;
  native.detect = (image, options) => {
    started++;
    peak = Math.max(peak, ++inflight);
    return detect.call(native, image, options).finally(() => inflight--);
  };
  try {
    const photos = twentyPhotos();
    const pending = photos.map((p) => core.detect(p.bytes));
    // Counted on the next turn, once every call has reached the queue.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(started <= 2 && started >= 1, `started ${started}`);
    const results = await Promise.all(pending);
    assert.equal(results.length, 20);
    assert.equal(started, 20);
    assert.ok(peak <= 2, `${peak} native jobs ran at once`);
    assert.equal(inflight, 0);
  } finally {
    native.detect = detect;
  }
});

test('stage calls at once agree with one batch: 11 encode calls of 5 chips each equal one call of 55', async () => {
  const chips = await Promise.all(johnChips().map((c) => faceCore.decode(c.bytes)));
  const batch = await faceCore.encode(chips);
  const parts = await Promise.all(Array.from({ length: 11 }, (_, i) => faceCore.encode(chips.slice(i * 5, i * 5 + 5))));
  parts.flat().forEach((e, i) => assert.ok(faceDistance(e, batch[i]!) < 1e-5, `chip ${i}`));
});

test('release() while an analyze call is on its way does not fail that call', async () => {
  const bytes = twentyPhotos()[2]!.bytes;
  const expected = await faceCore.analyze(bytes);
  // The call has started (its promise exists) before release(): it must still finish with its answer.
  const pending = faceCore.analyze(bytes);
  faceCore.release();
  const result = await pending.catch((e: Error & { code?: string }) => `${e.code}: ${e.message}`);
  assert.equal(typeof result, 'object', `analyze failed: ${String(result)}`);
  assertSameAnalysis(result as AnalyzeResult, expected, 'analyze across release()');
});

/** A deterministic encoding for an id: the same id always has the same vector, so answers can be checked. */
function encodingOf(id: number): Float32Array {
  const e = new Float32Array(128);
  let s = (id * 2654435761) >>> 0;
  for (let i = 0; i < 128; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    e[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  return e;
}

function distance64(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 128; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

test('FaceIndex searches running alongside adds, replacements and removes always give consistent answers', async () => {
  const index = new FaceIndex();
  // 40,000 fixed gallery entries (ids 0..39999, never touched): enough for the scan to split across threads.
  const base = 40_000;
  const all = new Float32Array(base * 128);
  for (let id = 0; id < base; id++) all.set(encodingOf(id), id * 128);
  index.addMany(
    Int32Array.from({ length: base }, (_, i) => i),
    all,
  );
  const churnIds = Array.from({ length: 2000 }, (_, i) => 1_000_000 + i);
  const searches: Promise<void>[] = [];
  let checked = 0;
  for (let round = 0; round < 200; round++) {
    const target = (round * 7919) % base;
    const query = encodingOf(target);
    searches.push(
      index.search(query, { k: 10 }).then((matches) => {
        // The gallery entry itself is always there and always first, at distance 0.
        assert.deepEqual(matches[0], { id: target, distance: 0 });
        assert.equal(matches.length, 10);
        for (let i = 0; i < matches.length; i++) {
          const m = matches[i]!;
          if (i > 0) assert.ok(m.distance >= matches[i - 1]!.distance, 'nearest first');
          // Every id's vector is fixed, so its distance is known whether it was added, replaced or removed since.
          assert.ok(Math.abs(m.distance - distance64(query, encodingOf(m.id))) < 1e-5, `id ${m.id} distance ${m.distance}`);
        }
        assert.equal(new Set(matches.map((m) => m.id)).size, 10, 'no id twice');
        checked++;
      }),
    );
    // Meanwhile on the main thread: add ten, replace five (with the same vector), remove five, search synchronously.
    for (let j = 0; j < 10; j++) {
      const id = churnIds[(round * 10 + j) % churnIds.length]!;
      index.add(id, encodingOf(id));
    }
    for (let j = 0; j < 5; j++) index.add(churnIds[(round * 3 + j) % churnIds.length]!, encodingOf(churnIds[(round * 3 + j) % churnIds.length]!));
    for (let j = 0; j < 5; j++) index.remove(churnIds[(round * 10 + j * 2) % churnIds.length]!);
    const sync = index.searchSync(query, { k: 1 });
    assert.deepEqual(sync, [{ id: target, distance: 0 }]);
  }
  await Promise.all(searches);
  assert.equal(checked, 200);
  // The bookkeeping adds up: the base entries plus the churn ids still present.
  const present = churnIds.filter((id) => index.has(id)).length;
  assert.equal(index.size, base + present);
  for (let id = 0; id < base; id += 997) assert.ok(index.has(id));
  // Removing everything added by the churn leaves exactly the base, and clear() empties it while searches wait.
  for (const id of churnIds) index.remove(id);
  assert.equal(index.size, base);
  const last = index.search(encodingOf(123), { k: 1 });
  index.clear();
  const answer = await last;
  assert.ok(answer.length === 0 || (answer.length === 1 && answer[0]!.id === 123 && answer[0]!.distance === 0));
  assert.equal(index.size, 0);
});

test('a free slot goes to the waiting photo with the fewest pixels: a small photo does not wait behind huge ones', async () => {
  const core = new FaceCore({ threads: 1 });
  try {
    const { canvas, encodePng } = await import('../fixtures/bmp.js');
    const huge = encodePng(canvas(5000, 5000, [128, 128, 128]));
    const small = fs.readFileSync(johnPhotos('John_Salley')[0]!);
    await core.load();
    const finished: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => finished.push(name));
    const first = track('huge 1', core.analyze(huge)); // takes the one slot
    const second = track('huge 2', core.analyze(huge)); // waits
    const third = track('small', core.analyze(small)); // waits, behind it in arrival order
    await Promise.all([first, second, third]);
    assert.deepEqual(finished, ['huge 1', 'small', 'huge 2']);
  } finally {
    core.release();
  }
});

test('with two threads, large photos never hold both slots: a small photo arriving behind them starts at once', async () => {
  const core = new FaceCore({ threads: 2 });
  try {
    const { canvas, encodePng } = await import('../fixtures/bmp.js');
    const huge = encodePng(canvas(5000, 5000, [128, 128, 128])); // 25 MP: a large job, over what detection looks at
    assert.ok(5000 * 5000 > nativeLimits().maxDetectPixels);
    const small = fs.readFileSync(johnPhotos('John_Salley')[0]!);
    await core.load();
    const finished: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => finished.push(name));
    const huge1 = track('huge 1', core.analyze(huge)); // takes one slot
    const huge2 = track('huge 2', core.analyze(huge)); // waits: the other slot is kept for ordinary photos
    await new Promise((resolve) => setImmediate(resolve));
    const small1 = track('small', core.analyze(small)); // takes the kept slot while huge 1 still runs
    await Promise.all([huge1, huge2, small1]);
    assert.deepEqual(finished, ['small', 'huge 1', 'huge 2']);
  } finally {
    core.release();
  }
});
