// Small files that decode to huge images: the work is bounded by what detection needs, the server stays
// responsive, and a face in a large photo is still found where it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverFor, storedCounts } from '../fixtures/server.js';
import { gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { canvas, encodePng, paste } from '../fixtures/bmp.js';
import { faceCore } from '../fixtures/core.js';
import { BALD_GUYS, johnName, johnPhotos } from '../fixtures/photos.js';

test('four 6300×6300 PNGs of about 120 KB at once: each answered, health answered within a second throughout', async (t) => {
  const s = await serverFor(t);
  const huge = encodePng(canvas(6300, 6300, [128, 128, 128]));
  assert.ok(huge.length < 200 * 1024, `${huge.length} bytes`);
  let slowest = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      assert.equal((await gql(s.url, HEALTH)).errors, undefined);
      slowest = Math.max(slowest, performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const answers = await Promise.all(Array.from({ length: 4 }, () => upload(s.url, SEARCH_FACE, {}, { file: { bytes: huge, filename: 'huge.png' } })));
  done = true;
  await probe;
  for (const r of answers) assert.equal(r.data.searchFace.status, 'NO_FACE_FOUND', JSON.stringify(r.errors));
  assert.ok(slowest < 1000, `health took ${slowest.toFixed(0)} ms`);
});

test('a face in a 12-megapixel photo is found through the reduced copy, its box in the photo’s own pixels', async (t) => {
  const s = await serverFor(t);
  await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! });
  const photo = canvas(4000, 3000, [150, 150, 150]);
  paste(photo, await faceCore.decode(fs.readFileSync(johnPhotos('John_Salley')[3]!)), 1200, 900, 4); // a 600 px chip
  const r = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: encodePng(photo), filename: 'big.png' } });
  const found = r.data.searchFace;
  assert.equal(found.status, 'MATCH', JSON.stringify(r));
  assert.equal(found.fullName, 'John Salley');
  const box = found.faces[0].box;
  // The chip's face lies well inside the pasted 600 px square at (1200, 900).
  assert.ok(box.x > 1200 && box.y > 900 && box.x + box.width < 1800 && box.y + box.height < 1500, JSON.stringify(box));
  assert.ok(box.width > 300, JSON.stringify(box));
  assert.equal((await storedCounts(s)).faceRows, 1);
});

test('a photo operation stops storing an oversized upload at MAX_UPLOAD_MB, not at the video limit', async (t) => {
  const s = await serverFor(t, { maxUploadMb: 2, maxVideoMb: 200 });
  const started = Date.now();
  const tempBytes = () =>
    fs
      .readdirSync(os.tmpdir())
      .filter((f) => /^capacitor-.*\.tmp$/.test(f))
      .map((f) => fs.statSync(path.join(os.tmpdir(), f), { throwIfNoEntry: false }))
      .filter((st) => st !== undefined && st.mtimeMs >= started)
      .reduce((sum, st) => sum + st!.size, 0);
  let most = 0;
  let done = false;
  const watch = (async () => {
    while (!done) {
      most = Math.max(most, tempBytes());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const r = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: Buffer.alloc(40 * 1024 * 1024, 0xff), filename: 'huge.jpg' } });
  done = true;
  await watch;
  assert.equal(r.errors?.[0]?.extensions?.code, 'FILE_TOO_LARGE', JSON.stringify(r.errors));
  assert.ok(most <= 2.5 * 1024 * 1024, `${(most / 1024 / 1024).toFixed(1)} MB were written to the temp folder`);
});

test('an analysis over ANALYSIS_TIMEOUT_S is answered TIMEOUT in time, and nothing is stored', async (t) => {
  const s = await serverFor(t, { analysisTimeoutS: 0.05 });
  const bald = fs.readFileSync(BALD_GUYS);
  const t0 = performance.now();
  const search = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: bald, filename: 'bald.jpg' } });
  assert.equal(search.errors?.[0]?.extensions?.code, 'TIMEOUT', JSON.stringify(search));
  assert.ok(performance.now() - t0 < 1000, 'answered at the budget, not when the work ended');
  const add = await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: { bytes: bald, filename: 'bald.jpg' } });
  assert.equal(add.errors?.[0]?.extensions?.code, 'TIMEOUT');
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
  assert.equal((await gql(s.url, HEALTH)).errors, undefined);
});
