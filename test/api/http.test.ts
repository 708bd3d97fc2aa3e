// The HTTP surface besides GraphQL: stored photos, the placeholder, the web page, and API keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_STORE } from '../fixtures/database.js';
import { serverFor } from '../fixtures/server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { WEB_DIR } from '../../src/graphql/server.js';

const JOHN = johnPhotos('John_Salley')[0]!;

/** A GET with the path sent exactly as written (fetch would normalise "..", this does not). */
function rawGet(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a stored photo is served at its URL with the right content type', async (t) => {
  const s = await serverFor(t);
  const added = (await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: JOHN })).data.addPerson;
  const res = await fetch(s.url + added.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(JOHN));
});

test('photos in every accepted format are accepted; stored photos keep their format and content type', async (t) => {
  const s = await serverFor(t);
  const { canvas, encodeBmp, encodePng, encodeTiff, paste } = await import('../fixtures/bmp.js');
  const { faceCore } = await import('../fixtures/core.js');
  const img = canvas(300, 300, [200, 200, 200]);
  paste(img, await faceCore.decode(fs.readFileSync(JOHN)), 38, 38, 1.5);
  const stored = [
    { bytes: fs.readFileSync(JOHN), filename: 'john.jpeg', ext: 'jpg', type: 'image/jpeg' },
    { bytes: encodePng(img), filename: 'john.png', ext: 'png', type: 'image/png' },
    { bytes: encodeBmp(img), filename: 'john.bmp', ext: 'bmp', type: 'image/bmp' },
    { bytes: encodeTiff(img), filename: 'john.tif', ext: 'tiff', type: 'image/tiff' },
    // The bytes decide the stored format; the name only has to be an image's.
    { bytes: encodeTiff(img), filename: 'john.jpg', ext: 'tiff', type: 'image/tiff' },
  ];
  for (const { bytes, filename, ext, type } of stored) {
    const r = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: { bytes, filename } });
    assert.equal(r.errors, undefined, `${filename}: ${JSON.stringify(r.errors)}`);
    assert.match(r.data.addPerson.url, new RegExp(`\\.${ext}$`), filename);
    const res = await fetch(s.url + r.data.addPerson.url);
    assert.equal(res.headers.get('content-type'), type, filename);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  }
  // A TIFF of another photo of the same man is recognised.
  const other = canvas(300, 300, [200, 200, 200]);
  paste(other, await faceCore.decode(fs.readFileSync(johnPhotos('John_Salley')[3]!)), 38, 38, 1.5);
  const found = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: encodeTiff(other), filename: 'other.tiff' } });
  assert.equal(found.data.searchFace.status, 'MATCH', JSON.stringify(found));
  assert.equal(found.data.searchFace.fullName, 'John Salley');
  // The core's 64×64 format fixtures are too small to hold a detectable face, but every format is read.
  const dir = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
  for (const file of ['chip-lossy.webp', 'chip-lossless.webp', 'chip-animated.gif', 'chip-palette.png', 'chip-progressive.jpg', 'chip.tiff']) {
    const r = await upload(s.url, SEARCH_FACE, {}, { file: path.join(dir, file) });
    assert.equal(r.errors, undefined, `${file}: ${JSON.stringify(r.errors)}`);
    assert.ok(['NO_FACE_FOUND', 'UNKNOWN', 'MATCH'].includes(r.data.searchFace.status), file);
  }
});

test('/images serves no listing, no unknown name and nothing outside the folder', async (t) => {
  const s = await serverFor(t);
  await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: JOHN });
  // On SQLite the database file sits beside images/: the requests below must not reach it.
  if (TEST_STORE === 'sqlite') assert.ok(fs.existsSync(path.join(s.dataDir, 'faces.db')));
  const attempts = [
    '/images/',
    '/images',
    '/images/../faces.db',
    '/images/..%2Ffaces.db',
    '/images/%2e%2e%2ffaces.db',
    '/images/..%5Cfaces.db',
    '/images/faces.db',
    '/images/../../../../etc/passwd',
    '/images/%2e%2e/%2e%2e/etc/passwd',
    `/images/${crypto.randomUUID()}.jpg`,
    `/images/${crypto.randomUUID()}.JPG`,
    `/images/${crypto.randomUUID()}.jpg%00.txt`,
    '/images/.tmp-x',
  ];
  for (const p of attempts) {
    const res = await rawGet(s.url, p);
    assert.ok(res.status === 404 || res.status === 400, `${p} answered ${res.status}`);
    assert.doesNotMatch(res.body, /SQLite format|root:x:0:0/, `${p} leaked a file`);
    assert.doesNotMatch(res.body, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg/, `${p} listed the folder`);
  }
});

test('the several-faces placeholder is served at a stable URL', async (t) => {
  const s = await serverFor(t);
  const res = await fetch(`${s.url}/assets/multiple-faces.svg`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^image\/svg\+xml/);
  assert.match(await res.text(), /<svg[\s\S]*<\/svg>/);
});

test('the web page is served at / from the web folder', async (t) => {
  const s = await serverFor(t);
  const res = await fetch(`${s.url}/`);
  if (fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/html/);
  } else {
    assert.equal(res.status, 404);
  }
  assert.equal((await rawGet(s.url, '/../package.json')).status, 404);
});

test('with API_KEYS set, GraphQL and photos need a key; the page shell does not', async (t) => {
  const s = await serverFor(t, { apiKeys: ['k-one', 'k-two'] });
  // No key and a wrong key are both refused with 401 and a JSON error.
  for (const apiKey of [undefined, 'wrong', '']) {
    const r = await gql(s.url, HEALTH, {}, { apiKey });
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHENTICATED');
    const u = await upload(s.url, SEARCH_FACE, {}, { file: JOHN }, { apiKey });
    assert.equal(u.status, 401);
    assert.equal(errorCode(u), 'UNAUTHENTICATED');
  }
  const ok = await gql(s.url, HEALTH, {}, { apiKey: 'k-two' });
  assert.equal(ok.status, 200);
  assert.equal(ok.data.health.apiKeyRequired, true);

  const added = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: JOHN }, { apiKey: 'k-one' });
  const url = s.url + added.data.addPerson.url;
  const refused = await fetch(url);
  assert.equal(refused.status, 401);
  assert.equal((await refused.json()).errors[0].extensions.code, 'UNAUTHENTICATED');
  assert.equal((await fetch(url, { headers: { 'x-api-key': 'k-one' } })).status, 200);
  assert.equal((await fetch(`${url}?key=k-two`)).status, 200, '<img> tags pass the key in the query');
  assert.equal((await fetch(`${url}?key=nope`)).status, 401);
  // The key in the query string is for photos only.
  assert.equal(
    (
      await fetch(`${s.url}/graphql?key=k-one`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: HEALTH }),
      })
    ).status,
    401,
  );

  const page = await fetch(`${s.url}/`);
  assert.notEqual(page.status, 401);
  assert.equal((await fetch(`${s.url}/assets/multiple-faces.svg`)).status, 200);
});

test('without API_KEYS no key is needed', async (t) => {
  const s = await serverFor(t);
  const r = await gql(s.url, HEALTH);
  assert.equal(r.status, 200);
  assert.equal(r.data.health.apiKeyRequired, false);
});
