// A photo collection on two replicas of one PostgreSQL database: faces one replica imports, names, moves back to
// the unnamed faces or deletes reach the other replica's two indexes through the change feed, so either replica
// groups, searches and serves crops the same. This file runs its own private PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, type PrivatePostgres } from '../../src/cluster/postgres.js';
import type { TestServer } from '../fixtures/server.js';
import { gql, upload, uploadList } from '../fixtures/graphql-client.js';
import { SEARCH_FACE } from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { twoReplicas } from '../fixtures/replicas.js';

let postgres: PrivatePostgres;
before(async () => {
  postgres = await startPostgres({ fast: true });
});
after(async () => {
  await postgres?.remove();
});

/** Waits until `done()` holds (the feed applies a change within moments). */
async function eventually(done: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(5);
  }
}

const where = (s: TestServer, ids: number[]) => ids.map((id) => s.gallery.indexedAs(id));

test('imports, names, moves and deletions on one replica reach the other', async (t) => {
  const [a, b] = await twoReplicas(postgres, t, 'collection_feed');
  const imported = await uploadList(
    a.url,
    'mutation ($files: [Upload!]!) { importPhotos(files: $files) { status unnamed { imageId groupId cropUrl } } }',
    {},
    'files',
    johnPhotos('John_Salley'),
  );
  assert.equal(imported.errors, undefined, JSON.stringify(imported.errors));
  const faces = imported.data.importPhotos.flatMap((r: { unnamed: { imageId: string; groupId: string; cropUrl: string }[] }) => r.unnamed);
  assert.equal(faces.length, 11);
  const ids = await Promise.all(faces.map(async (f: { imageId: string }) => (await a.store.faces.getByImageId(f.imageId))!.id));

  // B holds them as unnamed faces, and groups a later import with them the way A would.
  await eventually(() => where(b, ids).every((w) => w === 'unnamed'), 'the imported faces on B');
  assert.equal(b.gallery.unnamedSize, 11);
  // The crop is in the database: B serves it although the import wrote its file on A's disk.
  const crop = await fetch(`${b.url}${faces[0].cropUrl}`);
  assert.equal(crop.status, 200);
  assert.equal(crop.headers.get('content-type'), 'image/jpeg');

  // Named on B: both replicas search it as that person at once.
  const named = await gql(b.url, 'mutation ($g: ID!) { nameFaceGroup(groupId: $g, firstName: "John", surName: "Salley") { id } }', {
    g: faces[0].groupId,
  });
  assert.equal(named.errors, undefined, JSON.stringify(named.errors));
  await eventually(() => where(a, ids).every((w) => w === 'named'), 'the named faces on A');
  assert.equal(a.gallery.unnamedSize, 0);
  const search = await upload(a.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[3]! });
  assert.equal(search.data.searchFace.status, 'MATCH');
  assert.equal(search.data.searchFace.person.id, named.data.nameFaceGroup.id);

  // Two moved back to the unnamed faces on A: B's indexes follow.
  const moved = await gql(a.url, 'mutation ($ids: [ID!]!) { moveFaces(imageIds: $ids) { moved groupId } }', {
    ids: [faces[0].imageId, faces[1].imageId],
  });
  assert.equal(moved.data.moveFaces.moved, 2);
  await eventually(() => where(b, ids.slice(0, 2)).every((w) => w === 'unnamed'), 'the faces moved back, on B');
  assert.deepEqual(where(b, ids.slice(2)), Array(9).fill('named'));

  // Deleted on B: gone from A's indexes, and A's copy of the crop file too.
  const deleted = await gql(b.url, 'mutation ($ids: [ID!]!) { deleteFaces(imageIds: $ids) { removedFaces } }', { ids: [faces[0].imageId] });
  assert.equal(deleted.data.deleteFaces.removedFaces, 1);
  await eventually(() => a.gallery.indexedAs(ids[0]!) === null, 'the deleted face on A');
  assert.equal((await fetch(`${a.url}${faces[0].cropUrl}`)).status, 404);
});
