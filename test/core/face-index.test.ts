// FaceIndex, the in-memory gallery: search is exact (the same answer as a brute-force scan), ids behave like
// keys (add replaces, remove once), and every malformed id or encoding is INVALID_ARGUMENT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceIndex, type IndexMatch } from '../../src/core/index.js';
import { throwsWith, rejectsWith } from '../fixtures/expect-error.js';

/** Deterministic random encodings in [-0.25, 0.25), about as spread as dlib's descriptors. */
function randomEncodings(count: number, seed: number): Float32Array {
  const out = new Float32Array(count * 128);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 0.5;
  }
  return out;
}

/** The brute-force answer: every stored encoding's exact distance, nearest first (ties by id), k of them within maxDistance. */
function bruteForce(ids: number[], vectors: Float32Array, query: Float32Array, k: number, maxDistance = Infinity): IndexMatch[] {
  const all: IndexMatch[] = ids.map((id, n) => {
    let sum = 0;
    for (let i = 0; i < 128; i++) sum += (vectors[n * 128 + i]! - query[i]!) ** 2;
    return { id, distance: Math.sqrt(sum) };
  });
  return all
    .filter((m) => m.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.id - b.id)
    .slice(0, k);
}

function assertSameMatches(got: IndexMatch[], want: IndexMatch[], what: string): void {
  assert.deepEqual(
    got.map((m) => m.id),
    want.map((m) => m.id),
    `${what}: ids`,
  );
  got.forEach((m, i) => assert.ok(Math.abs(m.distance - want[i]!.distance) < 1e-5, `${what}: distance ${i} ${m.distance} vs ${want[i]!.distance}`));
}

const unit = (i: number): Float32Array => {
  const e = new Float32Array(128);
  e[i % 128] = 1;
  return e;
};

test('search on 20,000 random encodings equals a brute-force scan for 50 queries, k = 1 and k = 10', async () => {
  const n = 20_000;
  // Ids not in insertion order and not contiguous, as a gallery's row ids would be after deletions.
  const ids = Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 3 + 17);
  const vectors = randomEncodings(n, 1);
  const index = new FaceIndex();
  index.addMany(ids, vectors);
  assert.equal(index.size, n);
  const queries = randomEncodings(50, 2);
  for (let q = 0; q < 50; q++) {
    const query = queries.subarray(q * 128, (q + 1) * 128);
    for (const k of [1, 10]) {
      const want = bruteForce(ids, vectors, query, k);
      assertSameMatches(await index.search(query, { k }), want, `query ${q}, k ${k}`);
      assertSameMatches(index.searchSync(query, { k }), want, `query ${q}, k ${k} (sync)`);
    }
  }
  // A stored encoding finds itself at distance 0.
  const stored = vectors.slice(4321 * 128, 4322 * 128);
  assert.deepEqual(index.searchSync(stored), [{ id: ids[4321], distance: 0 }]);
});

test('search with k past a multi-threaded scan (100,000 encodings, k = 100) still equals brute force', async () => {
  const n = 100_000;
  const ids = Array.from({ length: n }, (_, i) => i);
  const vectors = randomEncodings(n, 3);
  const index = new FaceIndex();
  index.addMany(ids, vectors);
  const queries = randomEncodings(5, 4);
  for (let q = 0; q < 5; q++) {
    const query = queries.subarray(q * 128, (q + 1) * 128);
    assertSameMatches(await index.search(query, { k: 100 }), bruteForce(ids, vectors, query, 100), `query ${q}`);
  }
});

test('maxDistance keeps only the matches within it, still nearest first', async () => {
  const n = 2000;
  const ids = Array.from({ length: n }, (_, i) => i);
  const vectors = randomEncodings(n, 5);
  const index = new FaceIndex();
  index.addMany(ids, vectors);
  const query = randomEncodings(1, 6);
  const nearest = bruteForce(ids, vectors, query, 50);
  // A threshold between the 20th and 21st nearest: exactly 20 come back even with k = 50.
  const threshold = (nearest[19]!.distance + nearest[20]!.distance) / 2;
  const within = await index.search(query, { k: 50, maxDistance: threshold });
  assert.equal(within.length, 20);
  assertSameMatches(within, nearest.slice(0, 20), 'maxDistance');
  assert.ok(within.every((m) => m.distance <= threshold));
  // Exactly at a match's distance counts as within (≤).
  const edge = index.searchSync(query, { k: 50, maxDistance: nearest[4]!.distance });
  assert.ok(edge.length >= 4 && edge.length <= 5, `${edge.length} matches at the edge`);
  assert.deepEqual(await index.search(query, { k: 50, maxDistance: 0 }), []);
  assert.deepEqual(await index.search(query, { k: 5, maxDistance: Infinity }), index.searchSync(query, { k: 5 }));
});

test('k larger than the gallery returns every encoding, nearest first; an empty index returns nothing', async () => {
  const index = new FaceIndex();
  assert.deepEqual(await index.search(unit(0), { k: 10 }), []);
  assert.deepEqual(index.searchSync(unit(0)), []);
  for (let i = 0; i < 5; i++) index.add(i, unit(i));
  const query = new Float32Array(128);
  query[0] = 1;
  query[1] = 0.5;
  const all = await index.search(query, { k: 10000 });
  assert.equal(all.length, 5);
  assert.deepEqual(
    all.map((m) => m.id),
    [0, 1, 2, 3, 4],
  );
  assert.ok(Math.abs(all[0]!.distance - 0.5) < 1e-6);
  assert.ok(Math.abs(all[1]!.distance - Math.sqrt(1.25)) < 1e-6); // (1, -0.5) from unit(1)
  assert.ok(Math.abs(all[4]!.distance - Math.sqrt(2.25)) < 1e-6);
  // The default k is 1.
  assert.deepEqual(
    (await index.search(query)).map((m) => m.id),
    [0],
  );
});

test('add with an existing id replaces its encoding; size does not grow', () => {
  const index = new FaceIndex();
  index.add(42, unit(0));
  index.add(7, unit(1));
  index.add(42, unit(2));
  assert.equal(index.size, 2);
  assert.deepEqual(index.searchSync(unit(2)), [{ id: 42, distance: 0 }]);
  assert.ok(index.searchSync(unit(0), { k: 2 }).every((m) => m.distance > 1.4));
  // addMany replaces the same way, and the last one of a repeated id in one batch wins.
  index.addMany([7, 8, 8], Float32Array.from([...unit(3), ...unit(4), ...unit(5)]));
  assert.equal(index.size, 3);
  assert.deepEqual(index.searchSync(unit(3)), [{ id: 7, distance: 0 }]);
  assert.deepEqual(index.searchSync(unit(5)), [{ id: 8, distance: 0 }]);
});

test('remove returns false for an unknown id and true exactly once; the rest of the gallery is intact', () => {
  const index = new FaceIndex();
  for (let i = 0; i < 10; i++) index.add(i, unit(i));
  assert.equal(index.remove(99), false);
  assert.equal(index.remove(3), true);
  assert.equal(index.remove(3), false);
  assert.equal(index.size, 9);
  assert.equal(index.has(3), false);
  // Removing moves the last vector into the hole: every other id must still find its own encoding.
  for (let i = 0; i < 10; i++) {
    if (i === 3) continue;
    assert.deepEqual(index.searchSync(unit(i)), [{ id: i, distance: 0 }], `id ${i}`);
  }
  assert.ok(index.searchSync(unit(3)).every((m) => m.id !== 3));
  // Remove the last-added one, then the first, then add back.
  assert.equal(index.remove(9), true);
  assert.equal(index.remove(0), true);
  index.add(3, unit(3));
  assert.deepEqual(index.searchSync(unit(3)), [{ id: 3, distance: 0 }]);
  assert.equal(index.size, 8);
});

test('has, size and clear', () => {
  const index = new FaceIndex();
  assert.equal(index.size, 0);
  assert.equal(index.has(0), false);
  index.addMany(new Float64Array([0, 1, Number.MAX_SAFE_INTEGER]), randomEncodings(3, 9));
  assert.equal(index.size, 3);
  assert.equal(index.has(0), true);
  assert.equal(index.has(Number.MAX_SAFE_INTEGER), true);
  assert.equal(index.has(2), false);
  // The largest safe integer survives the trip through the native side.
  assert.equal(index.searchSync(randomEncodings(3, 9).subarray(256, 384))[0]!.id, Number.MAX_SAFE_INTEGER);
  index.clear();
  assert.equal(index.size, 0);
  assert.equal(index.has(0), false);
  assert.deepEqual(index.searchSync(unit(0)), []);
  // Usable after clear.
  index.add(5, unit(5));
  assert.deepEqual(index.searchSync(unit(5)), [{ id: 5, distance: 0 }]);
});

test('addMany with mismatched lengths is INVALID_ARGUMENT and adds nothing', () => {
  const index = new FaceIndex();
  throwsWith(() => index.addMany([1, 2, 3], randomEncodings(2, 1)), 'INVALID_ARGUMENT', /Expected 384 values but received 256/);
  throwsWith(() => index.addMany([1], randomEncodings(2, 1)), 'INVALID_ARGUMENT', /Expected 128 values but received 256/);
  throwsWith(() => index.addMany([1, 2], new Float32Array(255)), 'INVALID_ARGUMENT');
  throwsWith(() => index.addMany('12' as unknown as number[], randomEncodings(2, 1)), 'INVALID_ARGUMENT');
  throwsWith(() => index.addMany([1, 2], [0, 1] as unknown as Float32Array), 'INVALID_ARGUMENT');
  assert.equal(index.size, 0);
  index.addMany([], new Float32Array(0));
  assert.equal(index.size, 0);
});

test('reserve makes room once: loading that many in batches never grows the index again; bad counts are INVALID_ARGUMENT', () => {
  const index = new FaceIndex();
  index.reserve(30_000);
  const reserved = index.memoryBytes;
  assert.ok(reserved >= 30_000 * 128 * 4, `room for 30,000 encodings: ${reserved} bytes`);
  for (let batch = 0; batch < 3; batch++) {
    const ids = Array.from({ length: 10_000 }, (_, i) => batch * 10_000 + i + 1);
    index.addMany(ids, randomEncodings(10_000, batch + 7));
  }
  assert.equal(index.size, 30_000);
  // Only the id map's entries came on top (32 bytes each); growing the vectors would have added a quarter or more.
  assert.ok(index.memoryBytes - reserved < 30_000 * 64, `grew by ${index.memoryBytes - reserved} bytes`);
  index.reserve(10); // less than it holds: nothing changes
  assert.equal(index.size, 30_000);
  for (const bad of [-1, 1.5, Number.NaN, 1e9, '10' as unknown as number]) throwsWith(() => index.reserve(bad), 'INVALID_ARGUMENT');
});

test('NaN or Infinity in an encoding is INVALID_ARGUMENT for add, addMany and search', async () => {
  const index = new FaceIndex();
  index.add(1, unit(1));
  for (const bad of [Number.NaN, Infinity, -Infinity]) {
    const e = unit(0);
    e[100] = bad;
    throwsWith(() => index.add(2, e), 'INVALID_ARGUMENT', /NaN or Infinity/);
    throwsWith(() => index.addMany([2, 3], Float32Array.from([...unit(2), ...e])), 'INVALID_ARGUMENT', /NaN or Infinity/);
    throwsWith(() => index.searchSync(e), 'INVALID_ARGUMENT', /NaN or Infinity/);
    await rejectsWith(index.search(e), 'INVALID_ARGUMENT', /NaN or Infinity/);
  }
  assert.equal(index.size, 1);
  assert.equal(index.has(2), false);
});

test('negative, fractional, non-number or beyond-2^53 ids are INVALID_ARGUMENT everywhere', () => {
  const index = new FaceIndex();
  for (const id of [-1, -0.5, 1.5, 2 ** 53, 2 ** 53 + 2, 1e300, Number.NaN, Infinity, '1', null, undefined, 1n]) {
    const shown = typeof id === 'bigint' ? `${id}n` : String(id);
    throwsWith(() => index.add(id as number, unit(0)), 'INVALID_ARGUMENT', /non-negative safe integer/);
    throwsWith(() => index.addMany([5, id as number], randomEncodings(2, 1)), 'INVALID_ARGUMENT', /non-negative safe integer/);
    throwsWith(() => index.remove(id as number), 'INVALID_ARGUMENT');
    throwsWith(() => index.has(id as number), 'INVALID_ARGUMENT');
    assert.equal(index.size, 0, `id ${shown} added something`);
  }
  // -0 is 0.
  index.add(-0, unit(0));
  assert.equal(index.has(0), true);
});

test('bad search options are INVALID_ARGUMENT', async () => {
  const index = new FaceIndex();
  index.add(1, unit(1));
  for (const options of [
    { k: 0 },
    { k: -1 },
    { k: 1.5 },
    { k: 10001 },
    { k: '3' },
    { maxDistance: -0.1 },
    { maxDistance: Number.NaN },
    { maxDistance: '1' },
  ]) {
    throwsWith(() => index.searchSync(unit(1), options as object), 'INVALID_ARGUMENT');
    await rejectsWith(index.search(unit(1), options as object), 'INVALID_ARGUMENT');
  }
});

test('search and searchSync agree, on every query and option', async () => {
  const n = 5000;
  const ids = Array.from({ length: n }, (_, i) => i * 2);
  const index = new FaceIndex();
  index.addMany(ids, randomEncodings(n, 11));
  const queries = randomEncodings(20, 12);
  for (let q = 0; q < 20; q++) {
    const query = queries.subarray(q * 128, (q + 1) * 128);
    for (const options of [{}, { k: 1 }, { k: 7 }, { k: 500 }, { k: 50, maxDistance: 1.6 }]) {
      assert.deepEqual(await index.search(query, options), index.searchSync(query, options), `query ${q} ${JSON.stringify(options)}`);
    }
  }
});

test('memoryBytes is at least 512 bytes per encoding held and falls after clear', () => {
  const index = new FaceIndex();
  const empty = index.memoryBytes;
  const n = 10_000;
  index.addMany(
    Array.from({ length: n }, (_, i) => i),
    randomEncodings(n, 13),
  );
  assert.ok(index.memoryBytes >= n * 512, `${index.memoryBytes} bytes for ${n} encodings`);
  // And not wildly more: vectors, ids and the id table, with some growth room.
  assert.ok(index.memoryBytes < n * 512 * 2, `${index.memoryBytes} bytes for ${n} encodings`);
  for (let i = 0; i < 100; i++) index.add(n + i, unit(i));
  assert.ok(index.memoryBytes >= index.size * 512);
  index.clear();
  assert.ok(index.memoryBytes <= empty + 1024, `${index.memoryBytes} bytes after clear`);
});
