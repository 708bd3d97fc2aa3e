// Looking people up (by id, by image id, by part of a name, paginated), renaming them, and deleting people and photos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_STORE } from '../fixtures/database.js';
import { serverFor, storedCounts, type TestServer } from '../fixtures/server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import {
  ADD_PERSON,
  DELETE_FACE,
  DELETE_PERSON,
  PEOPLE,
  PERSON_BY_ID,
  PERSON_BY_IMAGE_ID,
  RENAME_PERSON,
  SEARCH_FACE,
} from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';

async function enrol(s: TestServer, john: string, photos: number[]) {
  const added = [];
  for (const i of photos) {
    const r = await upload(s.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[i]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    added.push(r.data.addPerson);
  }
  return added;
}

test('personById and personByImageId return the person with every stored photo', async (t) => {
  const s = await serverFor(t);
  const [a, b] = await enrol(s, 'John_Shimkus', [0, 1]);
  const byId = (await gql(s.url, PERSON_BY_ID, { id: a.person.id })).data.personById;
  assert.equal(byId.fullName, 'John Shimkus');
  assert.equal(byId.firstName, 'John');
  assert.equal(byId.surName, 'Shimkus');
  assert.equal(byId.faceCount, 2);
  assert.equal(byId.photoUrl, a.url, 'photoUrl is the first stored photo');
  assert.deepEqual(
    byId.faces.map((f: { url: string }) => f.url),
    [a.url, b.url],
  );
  const byImage = (await gql(s.url, PERSON_BY_IMAGE_ID, { imageId: b.imageId })).data.personByImageId;
  assert.deepEqual(byImage, byId);
});

test('people lists oldest first, filters by part of the name in any case, and pages with a cursor', async (t) => {
  const s = await serverFor(t);
  // Size, not faces, matters here: people without photos are inserted through the store.
  const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Alan Kay', 'Barbara Liskov', 'Edsger Dijkstra', 'Alan Perlis'];
  for (const n of names) {
    const [f, l] = n.split(' ');
    await s.store.people.insert(f!, l!);
  }
  const all = (await gql(s.url, PEOPLE, {})).data.people;
  assert.equal(all.totalCount, names.length);
  assert.deepEqual(
    all.nodes.map((p: { fullName: string }) => p.fullName),
    names,
  );
  assert.equal(all.pageInfo.hasNextPage, false);

  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page: { nodes: { fullName: string }[]; totalCount: number; pageInfo: { endCursor: string; hasNextPage: boolean } } = (
      await gql(s.url, PEOPLE, { first: 3, after })
    ).data.people;
    assert.ok(page.nodes.length <= 3);
    assert.equal(page.totalCount, names.length);
    seen.push(...page.nodes.map((p) => p.fullName));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages++;
  } while (after);
  assert.equal(pages, 3);
  assert.deepEqual(seen, names);

  const alans = (await gql(s.url, PEOPLE, { name: '  aLaN ', first: 2 })).data.people;
  assert.equal(alans.totalCount, 3);
  assert.deepEqual(
    alans.nodes.map((p: { fullName: string }) => p.fullName),
    ['Alan Turing', 'Alan Kay'],
  );
  assert.equal(alans.pageInfo.hasNextPage, true);
  const rest = (await gql(s.url, PEOPLE, { name: 'alan', after: alans.pageInfo.endCursor })).data.people;
  assert.deepEqual(
    rest.nodes.map((p: { fullName: string }) => p.fullName),
    ['Alan Perlis'],
  );
  assert.deepEqual(
    (await gql(s.url, PEOPLE, { name: 'ace hop' })).data.people.nodes.map((p: { fullName: string }) => p.fullName),
    ['Grace Hopper'],
  );
  assert.equal((await gql(s.url, PEOPLE, { name: 'nobody' })).data.people.totalCount, 0);
  assert.equal((await gql(s.url, PEOPLE, { first: 0 })).data.people.nodes.length, 0);
});

test('renamePerson changes the name search answers with, and refuses a name another person has', async (t) => {
  const s = await serverFor(t);
  const [a] = await enrol(s, 'John_Salley', [0]);
  const [b] = await enrol(s, 'John_Savage', [0]);
  const r = await gql(s.url, RENAME_PERSON, { id: a.person.id, firstName: '  Jonathan ', surName: 'Salley ' });
  assert.equal(r.errors, undefined);
  assert.equal(r.data.renamePerson.fullName, 'Jonathan Salley');
  const found = await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[4]! });
  assert.equal(found.data.searchFace.fullName, 'Jonathan Salley');
  // Renaming to the own name in another case is fine; to someone else's is not.
  assert.equal(
    (await gql(s.url, RENAME_PERSON, { id: a.person.id, firstName: 'JONATHAN', surName: 'salley' })).data.renamePerson.fullName,
    'JONATHAN salley',
  );
  const taken = await gql(s.url, RENAME_PERSON, { id: a.person.id, firstName: 'john', surName: 'SAVAGE' });
  assert.equal(errorCode(taken), 'NAME_TAKEN');
  assert.equal((await gql(s.url, PERSON_BY_ID, { id: b.person.id })).data.personById.fullName, 'John Savage');
  // Enrolling under the new name adds to the renamed person.
  const again = await upload(s.url, ADD_PERSON, { firstName: 'jonathan', surName: 'SALLEY' }, { file: johnPhotos('John_Salley')[1]! });
  assert.equal(again.data.addPerson.person.id, a.person.id);
});

test('deletePerson removes the person, every photo file and every encoding, and search forgets them', async (t) => {
  const s = await serverFor(t);
  const mine = await enrol(s, 'John_Schneider', [0, 1, 2]);
  await enrol(s, 'John_Simm', [0]);
  assert.deepEqual(await storedCounts(s), { files: 4, faceRows: 4, people: 2, index: 4 });
  const id = mine[0]!.person.id;
  const r = await gql(s.url, DELETE_PERSON, { id });
  assert.deepEqual(r.data.deletePerson, { id, deleted: true, removedFaces: 3 });
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
  for (const a of mine) {
    assert.equal(fs.existsSync(path.join(s.dataDir, 'images', path.basename(a.url))), false);
    assert.equal((await fetch(s.url + a.url)).status, 404);
    assert.equal((await gql(s.url, PERSON_BY_IMAGE_ID, { imageId: a.imageId })).data.personByImageId, null);
  }
  assert.equal((await gql(s.url, PERSON_BY_ID, { id })).data.personById, null);
  const search = await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Schneider')[5]! });
  assert.equal(search.data.searchFace.status, 'UNKNOWN');
  assert.equal(errorCode(await gql(s.url, DELETE_PERSON, { id })), 'NOT_FOUND');
  await assertConsistent(s, s.dataDir);
});

test('deleteFace removes one photo and its encoding; the person stays, even with no photo left', async (t) => {
  const s = await serverFor(t);
  const [a, b] = await enrol(s, 'John_Savage', [0, 1]);
  const r = await gql(s.url, DELETE_FACE, { imageId: a.imageId });
  assert.deepEqual(r.data.deleteFace, { id: a.imageId, deleted: true, removedFaces: 1 });
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
  let person = (await gql(s.url, PERSON_BY_ID, { id: a.person.id })).data.personById;
  assert.equal(person.faceCount, 1);
  assert.equal(person.photoUrl, b.url, 'photoUrl moves on to the next photo');
  assert.equal((await fetch(s.url + a.url)).status, 404);

  await gql(s.url, DELETE_FACE, { imageId: b.imageId });
  person = (await gql(s.url, PERSON_BY_ID, { id: a.person.id })).data.personById;
  assert.equal(person.faceCount, 0);
  assert.equal(person.photoUrl, null);
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 1, index: 0 });
  assert.equal((await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Savage')[3]! })).data.searchFace.status, 'UNKNOWN');
  assert.equal(errorCode(await gql(s.url, DELETE_FACE, { imageId: a.imageId })), 'NOT_FOUND');
});

test('health reports the gallery size and the settings', async (t) => {
  const s = await serverFor(t, { tolerance: 0.5, maxUploadMb: 3 });
  await enrol(s, 'John_Salley', [0, 1]);
  const h = (await gql(s.url, '{ health { people faces tolerance maxUploadMb apiKeyRequired } }')).data.health;
  assert.deepEqual(h, { people: 1, faces: 2, tolerance: 0.5, maxUploadMb: 3, apiKeyRequired: false });

  // The store it runs on, and on PostgreSQL its place in the change feed: two faces added, both applied here.
  await s.gallery.catchUp();
  const { store, changeFeed } = (await gql(s.url, '{ health { store changeFeed { position head lag appliedAt } } }')).data.health;
  if (TEST_STORE === 'postgres') {
    assert.equal(store, 'POSTGRES');
    assert.deepEqual({ ...changeFeed, appliedAt: typeof changeFeed.appliedAt }, { position: 2, head: 2, lag: 0, appliedAt: 'string' });
  } else {
    assert.deepEqual({ store, changeFeed }, { store: 'SQLITE', changeFeed: null });
  }
});
