// The one thread budget (setThreadBudget, the addon's setThreads), set once for the process and never by making a
// FaceCore: the index search splits its scan over at most that many threads, and its answers do not depend on the
// count; analyze gives the same result either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { binding } from '../../src/core/binding.js';
import { FaceCore, FaceCoreError, FaceIndex, nativeLimits, RANGES, setThreadBudget, threadBudget, type IndexMatch } from '../../src/core/index.js';
import { faceCore, distance, THREAD_BUDGET, withThreadBudget } from '../fixtures/core.js';
import { annotatedPhotos } from '../fixtures/dlib-examples.js';

function randomEncodings(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count * 128);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  return out;
}

function bruteForce(vectors: Float32Array, ids: number[], query: Float32Array, k: number): IndexMatch[] {
  const all = ids.map((id, i) => ({ id, distance: distance(vectors.subarray(i * 128, i * 128 + 128), query) }));
  return all.sort((a, b) => a.distance - b.distance || a.id - b.id).slice(0, k);
}

test('FaceIndex search is right with threads = 1 and with threads = 2 on 100,000 encodings (a multi-thread scan)', async () => {
  const n = 100_000; // above 32768 per thread: the scan would use up to 4 threads if the budget allowed
  const vectors = randomEncodings(n, 7);
  const ids = Array.from({ length: n }, (_, i) => i * 3 + 1);
  const index = new FaceIndex();
  index.addMany(ids, vectors);
  const queries = randomEncodings(8, 99);
  for (const threads of [1, 2]) {
    await withThreadBudget(threads, async () => {
      for (let q = 0; q < 8; q++) {
        const query = queries.subarray(q * 128, q * 128 + 128);
        const want = bruteForce(vectors, ids, query, 5);
        for (const got of [await index.search(query, { k: 5 }), index.searchSync(query, { k: 5 })]) {
          assert.deepEqual(
            got.map((m) => m.id),
            want.map((m) => m.id),
            `threads ${threads}, query ${q}`,
          );
          got.forEach((m, i) => assert.ok(Math.abs(m.distance - want[i]!.distance) < 1e-5));
        }
      }
    });
  }
});

test("the budget is the configuration's, and making a FaceCore, of any size, leaves it as it is", () => {
  assert.equal(threadBudget(), THREAD_BUDGET);
  const one = new FaceCore({ threads: 1 });
  const wide = new FaceCore({ threads: 8 });
  assert.deepEqual([one.threads, wide.threads], [1, 8]);
  assert.equal(threadBudget(), THREAD_BUDGET);
  // Left out, a FaceCore runs as many native jobs at once as the budget.
  assert.equal(new FaceCore().threads, THREAD_BUDGET);
});

test("setThreadBudget takes an integer from 1 to the addon's maxThreads, as the addon itself does", async () => {
  const native = binding();
  assert.equal(RANGES.threads.max, nativeLimits().maxThreads);
  for (const bad of [0, -1, 1.5, Number.NaN, '2', nativeLimits().maxThreads + 1]) {
    assert.throws(() => native.setThreads(bad as number), { code: 'INVALID_ARGUMENT' }, `addon: ${String(bad)}`);
    assert.throws(
      () => setThreadBudget(bad as number),
      (e: unknown) =>
        e instanceof FaceCoreError &&
        e.code === 'INVALID_ARGUMENT' &&
        e.message.startsWith(`Expected an integer from 1 to ${nativeLimits().maxThreads} for threads`),
      String(bad),
    );
  }
  assert.equal(threadBudget(), THREAD_BUDGET, 'a refused budget changes nothing');
  await withThreadBudget(nativeLimits().maxThreads, async () => assert.equal(threadBudget(), nativeLimits().maxThreads));
  assert.equal(threadBudget(), THREAD_BUDGET);
});

test('analyze gives the same faces with a budget of one thread and the default', async () => {
  const bytes = fs.readFileSync(annotatedPhotos()[2]!.file);
  const one = new FaceCore({ threads: 1 });
  try {
    assert.equal(one.threads, 1);
    const a = await withThreadBudget(1, () => one.analyze(bytes));
    const b = await faceCore.analyze(bytes);
    assert.equal(a.faces.length, b.faces.length);
    a.faces.forEach((f, i) => {
      assert.deepEqual(f.box, b.faces[i]!.box);
      assert.ok(distance(f.encoding, b.faces[i]!.encoding) < 1e-5);
    });
  } finally {
    one.release();
  }
});
