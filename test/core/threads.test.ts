// The one thread budget (FaceCore's `threads`, the addon's setThreads): the index search splits its scan over at
// most that many threads, and its answers do not depend on the count; analyze gives the same result either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { binding } from '../../src/core/binding.js';
import { FaceCore, FaceIndex, type IndexMatch } from '../../src/core/index.js';
import { faceCore, distance } from '../fixtures/core.js';
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
  try {
    for (const threads of [1, 2]) {
      new FaceCore({ threads }); // sets the addon's budget
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
    }
  } finally {
    new FaceCore(); // the default budget again
  }
});

test('setThreads takes a positive integer; analyze gives the same faces with threads = 1 and the default', async () => {
  const native = binding();
  for (const bad of [0, -1, 1.5, Number.NaN, '2']) assert.throws(() => native.setThreads(bad as number), { code: 'INVALID_ARGUMENT' });
  const bytes = fs.readFileSync(annotatedPhotos()[2]!.file);
  const one = new FaceCore({ threads: 1 });
  try {
    assert.equal(one.threads, 1);
    const a = await one.analyze(bytes);
    new FaceCore();
    const b = await faceCore.analyze(bytes);
    assert.equal(a.faces.length, b.faces.length);
    a.faces.forEach((f, i) => {
      assert.deepEqual(f.box, b.faces[i]!.box);
      assert.ok(distance(f.encoding, b.faces[i]!.encoding) < 1e-5);
    });
  } finally {
    one.release();
    new FaceCore();
  }
});
