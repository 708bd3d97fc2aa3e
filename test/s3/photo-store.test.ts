// The S3 photo store against a real SeaweedFS server: the pending and deleted marks keep their meaning without
// renames, the start-up repair's listing sees exactly what the marks prove, odd names and absent photos are
// refused or reported, large objects stream in ranges, and an unreachable server is one coded error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S3Objects, StorageUnavailableError, RangeNotSatisfiableError } from '../../src/store/s3.js';
import { S3PhotoStore } from '../../src/store/s3-photos.js';
import { freshPrefix, s3SettingsFor, startS3Server, type SeaweedFs } from '../fixtures/s3.js';
import { johnPhotos } from '../fixtures/photos.js';

let s3: SeaweedFs;
before(async () => {
  s3 = await startS3Server();
});
after(() => s3.remove());

const JPEG = fs.readFileSync(johnPhotos('John_Salley')[0]!);
const photoName = () => `${randomUUID()}.jpg`;

/** A store on a fresh prefix; marks are settled at once (no other process writes there). */
function freshStore(settleAfterMs = 0) {
  const objects = new S3Objects(s3SettingsFor(s3, freshPrefix()), 'images/');
  return { objects, photos: new S3PhotoStore(objects, { settleAfterMs }) };
}

const allKeys = async (objects: S3Objects) => (await objects.list()).map((o) => o.name).sort();

test('a photo written pending is no stored photo until promoted; then it reads back byte for byte with its content type', async () => {
  const { objects, photos } = freshStore();
  const name = photoName();
  await photos.writePending(name, JPEG);
  assert.deepEqual(await photos.listPhotos(), []);
  assert.deepEqual(await photos.listMarks(), { pending: [name], deleted: [], recent: 0 });
  await photos.promote(name);
  assert.deepEqual(await photos.listPhotos(), [name]);
  assert.deepEqual(await photos.listMarks(), { pending: [], deleted: [], recent: 0 });
  assert.deepEqual(await photos.read(name), JPEG);
  const got = await objects.get(name);
  assert.ok(got);
  got.body.destroy();
  assert.equal(got.length, JPEG.length);
  assert.deepEqual(await allKeys(objects), [name]);
  photos.close();
});

test('an enrolment undone before its row committed leaves nothing', async () => {
  const { objects, photos } = freshStore();
  const name = photoName();
  await photos.writePending(name, JPEG);
  await photos.removePending(name);
  assert.deepEqual(await allKeys(objects), []);
  photos.close();
});

test('a photo marked deleted is out of the listing, back when unmarked, and gone with its mark when removed', async () => {
  const { objects, photos } = freshStore();
  const name = photoName();
  await photos.writePending(name, JPEG);
  await photos.promote(name);
  await photos.markDeleted(name);
  assert.deepEqual(await photos.listPhotos(), []);
  assert.deepEqual(await photos.listMarks(), { pending: [], deleted: [name], recent: 0 });
  await photos.unmarkDeleted(name);
  assert.deepEqual(await photos.listPhotos(), [name]);
  await photos.markDeleted(name);
  await photos.removeErased(name);
  assert.deepEqual(await allKeys(objects), []);
  // Marking a photo that is not there is no error (a row whose photo was lost can still be deleted).
  await photos.markDeleted(photoName());
  photos.close();
});

test('the start-up repair settles each mark as its row says: kept photos stay, abandoned ones go', async () => {
  const { objects, photos } = freshStore();
  const [committed, abandoned, undeleted, deleted] = [photoName(), photoName(), photoName(), photoName()];
  for (const n of [committed, abandoned]) await photos.writePending(n, JPEG);
  for (const n of [undeleted, deleted]) {
    await photos.writePending(n, JPEG);
    await photos.promote(n);
    await photos.markDeleted(n);
  }
  const marks = await photos.listMarks();
  assert.deepEqual(marks.pending.sort(), [committed, abandoned].sort());
  assert.deepEqual(marks.deleted.sort(), [undeleted, deleted].sort());
  await photos.settle(committed, 'pending', true);
  await photos.settle(abandoned, 'pending', false);
  await photos.settle(undeleted, 'deleted', true);
  await photos.settle(deleted, 'deleted', false);
  assert.deepEqual((await photos.listPhotos()).sort(), [committed, undeleted].sort());
  assert.deepEqual(await allKeys(objects), [committed, undeleted].sort());
  photos.close();
});

test('marks younger than the settling age are reported as recent, not listed to settle', async () => {
  const { photos } = freshStore(60_000);
  const name = photoName();
  await photos.writePending(name, JPEG);
  assert.deepEqual(await photos.listMarks(), { pending: [], deleted: [], recent: 1 });
  await photos.removePending(name);
  photos.close();
});

test('names that are not stored-photo names are refused; an absent photo reads as undefined', async () => {
  const { objects, photos } = freshStore();
  for (const bad of ['../faces.db', '.pending/x.jpg', 'x.jpg', `${randomUUID()}.JPG`, `${randomUUID()}.jpg/..`]) {
    await assert.rejects(photos.writePending(bad, JPEG), /Not a stored image name/);
    assert.throws(() => photos.sourceOf(bad), /Not a stored image name/);
    await assert.rejects(photos.read(bad), /Not a stored image name/);
  }
  assert.equal(await photos.read(photoName()), undefined);
  assert.equal(await objects.get(photoName()), undefined);
  assert.deepEqual(await allKeys(objects), []);
  photos.close();
});

test('a large file is uploaded and read back as streams, whole and in ranges', async () => {
  const objects = new S3Objects(s3SettingsFor(s3, freshPrefix()), 'videos/');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-large-'));
  try {
    const file = path.join(dir, 'annotated.mp4');
    const fh = fs.openSync(file, 'w');
    const block = randomBytes(1024 * 1024);
    for (let i = 0; i < 48; i++) fs.writeSync(fh, block);
    fs.closeSync(fh);
    const size = 48 * block.length;
    await objects.putFile('job/annotated.mp4', file, 'video/mp4');

    const whole = await objects.get('job/annotated.mp4');
    assert.ok(whole);
    assert.equal(whole.length, size);
    const hash = createHash('sha256');
    let chunks = 0;
    for await (const chunk of whole.body) {
      hash.update(chunk as Buffer);
      chunks++;
    }
    assert.ok(chunks > 1, 'the body arrives in pieces, not as one buffer');
    assert.equal(hash.digest('hex'), createHash('sha256').update(fs.readFileSync(file)).digest('hex'));

    const part = await objects.get('job/annotated.mp4', 'bytes=1048570-1048585');
    assert.ok(part);
    assert.equal(part.contentRange, `bytes 1048570-1048585/${size}`);
    const bytes: Buffer[] = [];
    for await (const chunk of part.body) bytes.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(bytes), fs.readFileSync(file).subarray(1048570, 1048586));

    await assert.rejects(objects.get('job/annotated.mp4', `bytes=${size + 10}-`), (err: unknown) => {
      assert.ok(err instanceof RangeNotSatisfiableError);
      assert.equal(err.size, size);
      return true;
    });
    assert.equal(await objects.deleteUnder('job/'), 1);
    assert.deepEqual(await objects.list(), []);
  } finally {
    objects.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that cannot be reached, or refuses the credentials, is STORAGE_UNAVAILABLE', async () => {
  const down = new S3Objects({ ...s3SettingsFor(s3, freshPrefix()), endpoint: 'http://127.0.0.1:9' }, 'images/');
  const wrongKey = new S3Objects(
    { ...s3SettingsFor(s3, freshPrefix()), credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'wrong' } },
    'images/',
  );
  for (const objects of [down, wrongKey]) {
    const photos = new S3PhotoStore(objects, { settleAfterMs: 0 });
    for (const attempt of [() => photos.writePending(photoName(), JPEG), () => photos.listPhotos(), () => photos.read(photoName())]) {
      await assert.rejects(attempt(), (err: unknown) => {
        assert.ok(err instanceof StorageUnavailableError);
        assert.equal(err.code, 'STORAGE_UNAVAILABLE');
        return true;
      });
    }
    photos.close();
  }
});
