// The service with PHOTO_STORE=s3://… against a real SeaweedFS server: enrolled photos and video job outputs are
// stored in the bucket and served from it (same content types, API keys, 404s and headers as from the folder),
// deletions remove the objects, a restart keeps everything, and an S3 outage is STORAGE_UNAVAILABLE with no
// half-written enrolment once the server is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, storedCounts, tempDataDir, type TestServer } from '../fixtures/server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_FACE, ADD_PERSON, DELETE_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { DOGS, johnPhotos } from '../fixtures/photos.js';
import { glide, makeClip } from '../fixtures/clips.js';
import { freshPrefix, photoStoreOptions, s3SettingsFor, startS3Server, type SeaweedFs } from '../fixtures/s3.js';
import { S3Objects } from '../../src/store/s3.js';
import type { StartOptions } from '../../src/graphql/server.js';

let s3: SeaweedFs;
before(async () => {
  s3 = await startS3Server();
});
after(() => s3.remove());

const SALLEY = johnPhotos('John_Salley');

/** A service on a fresh data folder and a fresh prefix of the bucket (or the given ones, for a restart). */
async function s3Service(t: { after(fn: () => unknown): void }, opts: Partial<StartOptions> & { prefix?: string } = {}) {
  const { prefix = freshPrefix(), ...rest } = opts;
  const s = await startTestServer({ ...photoStoreOptions(s3, prefix), ...rest });
  t.after(() => s.stop());
  const objects = new S3Objects(s3SettingsFor(s3, prefix));
  t.after(() => objects.close());
  return { s, prefix, objects, keys: async () => (await objects.list()).map((o) => o.name).sort() };
}

async function enrol(s: TestServer, photo: string, surName = 'Salley') {
  const r = await upload(s.url, ADD_PERSON, { firstName: 'John', surName }, { file: photo });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.addPerson as { imageId: string; url: string; person: { id: string } };
}

/** Photos in the bucket and face rows name the same files, and the index holds the rows. */
async function assertConsistent(s: TestServer): Promise<void> {
  const rows = (await s.store.faces.fileNames()).map((r) => r.fileName).sort();
  assert.deepEqual((await s.gallery.photos.listPhotos()).sort(), rows, 'photos in the bucket and face rows differ');
  assert.equal(s.gallery.size, rows.length);
}

test('an enrolled photo is stored in the bucket, not the data folder, and /images serves its bytes with its content type', async (t) => {
  const { s, keys } = await s3Service(t);
  const added = await enrol(s, SALLEY[0]!);
  assert.deepEqual(await keys(), [`images/${added.imageId}.jpg`]);
  assert.deepEqual(fs.existsSync(path.join(s.dataDir, 'images')) ? fs.readdirSync(path.join(s.dataDir, 'images')) : [], []);
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });

  const res = await fetch(s.url + added.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(SALLEY[0]!));

  const head = await fetch(s.url + added.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(fs.statSync(SALLEY[0]!).size));

  for (const missing of [`/images/${crypto.randomUUID()}.jpg`, '/images/.pending', `/images/${added.imageId}.png`, '/images/..%2Ffaces.db']) {
    const r = await fetch(s.url + missing);
    assert.equal(r.status, 404, missing);
    assert.equal(errorCode((await r.json()) as never), 'NOT_FOUND');
  }
});

test('with API keys, photos in the bucket need a key like any other request', async (t) => {
  const { s } = await s3Service(t, { apiKeys: ['k-1'] });
  const r = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Salley' }, { file: SALLEY[0]! }, { apiKey: 'k-1' });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const url = r.data.addPerson.url as string;
  assert.equal((await fetch(s.url + url)).status, 401);
  assert.equal((await fetch(`${s.url}${url}?key=wrong`)).status, 401);
  assert.equal((await fetch(`${s.url}${url}?key=k-1`)).status, 200);
  assert.equal((await fetch(s.url + url, { headers: { 'x-api-key': 'k-1' } })).status, 200);
});

test('a MATCH names the stored photo that matched, and its URL serves that photo from the bucket', async (t) => {
  const { s } = await s3Service(t);
  const first = await enrol(s, SALLEY[0]!);
  const more = await upload(s.url, ADD_FACE, { personId: first.person.id }, { file: SALLEY[1]! });
  assert.equal(more.errors, undefined, JSON.stringify(more.errors));
  const r = await upload(s.url, SEARCH_FACE, {}, { file: SALLEY[5]! });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const found = r.data.searchFace;
  assert.equal(found.status, 'MATCH');
  assert.equal(found.fullName, 'John Salley');
  assert.equal(found.photoUrl, found.matchedFace.url);
  const which = found.matchedFace.imageId === first.imageId ? SALLEY[0]! : SALLEY[1]!;
  const res = await fetch(s.url + found.photoUrl);
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(which));
});

test('deleting a person removes their photos from the bucket; their URLs answer 404', async (t) => {
  const { s, keys } = await s3Service(t);
  const first = await enrol(s, SALLEY[0]!);
  await upload(s.url, ADD_FACE, { personId: first.person.id }, { file: SALLEY[1]! });
  assert.equal((await keys()).length, 2);
  const r = await gql(s.url, DELETE_PERSON, { id: first.person.id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.deletePerson.removedFaces, 2);
  assert.deepEqual(await keys(), [], 'no photo and no mark is left');
  assert.equal((await fetch(s.url + first.url)).status, 404);
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
});

test('a restart on the same database and bucket keeps every person, photo and answer', async (t) => {
  const dataDir = tempDataDir();
  const prefix = freshPrefix();
  const first = await startTestServer({ ...photoStoreOptions(s3, prefix), dataDir });
  const salley = await enrol(first, SALLEY[0]!);
  await enrol(first, johnPhotos('John_Simm')[0]!, 'Simm');
  await first.close();

  const { s } = await s3Service(t, { dataDir, prefix });
  assert.deepEqual(s.logs, [], 'nothing to repair or report');
  assert.deepEqual(await storedCounts(s), { files: 2, faceRows: 2, people: 2, index: 2 });
  const r = await upload(s.url, SEARCH_FACE, {}, { file: SALLEY[4]! });
  assert.equal(r.data.searchFace.status, 'MATCH');
  assert.equal(r.data.searchFace.matchedFace.imageId, salley.imageId);
  const res = await fetch(s.url + salley.url);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(SALLEY[0]!));
  await assertConsistent(s);
});

test('with the S3 server stopped: STORAGE_UNAVAILABLE, nothing half-written, and all well once it is back', async (t) => {
  const { s } = await s3Service(t);
  const kept = await enrol(s, SALLEY[0]!);
  await s3.stop();
  try {
    const started = Date.now();
    const refused = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Simm' }, { file: johnPhotos('John_Simm')[0]! });
    t.diagnostic(`enrolment refused after ${Date.now() - started} ms`);
    assert.equal(errorCode(refused), 'STORAGE_UNAVAILABLE', JSON.stringify(refused.errors));
    assert.match(refused.errors![0]!.message, /cannot be reached/);
    assert.doesNotMatch(JSON.stringify(refused), /127\.0\.0\.1|ECONNREFUSED|\n\s+at /, 'no endpoint or stack leaks to the client');

    const deletion = await gql(s.url, DELETE_PERSON, { id: kept.person.id });
    assert.equal(errorCode(deletion), 'STORAGE_UNAVAILABLE', JSON.stringify(deletion.errors));

    const photo = await fetch(s.url + kept.url);
    assert.equal(photo.status, 503);
    assert.equal(errorCode((await photo.json()) as never), 'STORAGE_UNAVAILABLE');

    // Searching needs no photo storage.
    const search = await upload(s.url, SEARCH_FACE, {}, { file: SALLEY[3]! });
    assert.equal(search.data.searchFace.status, 'MATCH');
    const health = await gql(s.url, HEALTH);
    assert.deepEqual([health.data.health.people, health.data.health.faces], [1, 1]);
  } finally {
    await s3.start();
  }
  await assertConsistent(s);
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
  const res = await fetch(s.url + kept.url);
  assert.equal(res.status, 200);
  const again = await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Simm' }, { file: johnPhotos('John_Simm')[0]! });
  assert.equal(again.errors, undefined, JSON.stringify(again.errors));
  await assertConsistent(s);
});

test("a video job's thumbnails and annotated copy go to the bucket when it ends, and are served from there, ranges included", async (t) => {
  const { s, keys } = await s3Service(t);
  await enrol(s, SALLEY[0]!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-video-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const clip = path.join(dir, 'salley.mp4');
  await makeClip(clip, { frames: 30, background: DOGS, actors: [{ photo: SALLEY[5]!, at: glide(20, 40, 120, 60, 30, 1.2) }] });

  const RECOGNIZE = `mutation($file: Upload!) { recognizeVideo(file: $file, options: { decision: VOTE, framesToDecide: 3, annotate: true }) { id } }`;
  const started = await upload(s.url, RECOGNIZE, {}, { file: clip });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const id = started.data.recognizeVideo.id as string;
  let job;
  for (const deadline = Date.now() + 120_000; ;) {
    const r = await gql(
      s.url,
      `query($id: ID!) { videoJob(id: $id) { status error { code message } annotatedVideoUrl result { tracks { label thumbnailUrl } } } }`,
      { id },
    );
    job = r.data.videoJob;
    if (['DONE', 'FAILED', 'CANCELLED'].includes(job.status)) break;
    assert.ok(Date.now() < deadline, `job still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.status, 'DONE', JSON.stringify(job.error));
  assert.deepEqual(
    job.result.tracks.map((tr: { label: string }) => tr.label),
    ['John Salley'],
  );

  const outputs = (await keys()).filter((k) => k.startsWith('videos/'));
  assert.deepEqual(outputs, [`videos/${id}/annotated.mp4`, `videos/${id}/track-1.jpg`].sort());
  assert.equal(fs.existsSync(path.join(s.dataDir, 'videos', id)), false, 'nothing of the job is left in the data folder');

  const thumb = await fetch(s.url + job.result.tracks[0].thumbnailUrl);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  const jpeg = Buffer.from(await thumb.arrayBuffer());
  assert.ok(jpeg[0] === 0xff && jpeg[1] === 0xd8, 'a JPEG');

  const video = await fetch(s.url + job.annotatedVideoUrl);
  assert.equal(video.status, 200);
  assert.equal(video.headers.get('content-type'), 'video/mp4');
  assert.equal(video.headers.get('accept-ranges'), 'bytes');
  const mp4 = Buffer.from(await video.arrayBuffer());
  assert.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 container');

  const part = await fetch(s.url + job.annotatedVideoUrl, { headers: { range: 'bytes=4-7' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 4-7/${mp4.length}`);
  assert.equal(Buffer.from(await part.arrayBuffer()).toString('latin1'), 'ftyp');
  const beyond = await fetch(s.url + job.annotatedVideoUrl, { headers: { range: `bytes=${mp4.length + 100}-` } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), `bytes */${mp4.length}`);

  assert.equal((await fetch(`${s.url}/videos/${id}/track-9.jpg`)).status, 404);
  assert.equal((await fetch(`${s.url}/videos/${id}/source.mp4`)).status, 404);
});
