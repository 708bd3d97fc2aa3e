// A photo collection through the API, on the engine the tests run on: the johns imported without names become five
// groups; a group named is a person searches find at once; faces moved, people merged, faces ignored and deleted keep
// files, rows and indexes in step; the same photo is never imported twice, and bad files fail alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { gql, upload, uploadList, type UploadFile } from '../fixtures/graphql-client.js';
import { allJohns, johnPhotos, DOGS } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';

const IMPORT = `mutation ($files: [Upload!]!) {
  importPhotos(files: $files) {
    fileName status error { code message } photoId facesFound dropped
    named { imageId person { id fullName } }
    unnamed { imageId groupId cropUrl }
  }
}`;
const GROUPS = `query ($first: Int, $after: String) {
  faceGroups(first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id size faces(first: 20) { imageId cropUrl source } }
  }
}`;
const HEALTH = '{ health { people faces unnamedFaces maxUnnamedFaces } }';

interface Imported {
  fileName: string;
  status: string;
  error: { code: string; message: string } | null;
  photoId: string | null;
  facesFound: number;
  dropped: number;
  named: { imageId: string; person: { id: string; fullName: string } }[];
  unnamed: { imageId: string; groupId: string; cropUrl: string }[];
}
interface Group {
  id: string;
  size: number;
  faces: { imageId: string; cropUrl: string; source: string | null }[];
}

/** The same picture with other bytes (a JPEG comment segment after the header): a new photo to an import. */
const withComment = (jpeg: Buffer): Buffer =>
  Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x06, 0x61, 0x62, 0x63, 0x64]), jpeg.subarray(2)]);

async function importFiles(s: TestServer, files: UploadFile[]): Promise<Imported[]> {
  const r = await uploadList<{ importPhotos: Imported[] }>(s.url, IMPORT, {}, 'files', files);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.importPhotos;
}

async function groups(s: TestServer): Promise<Group[]> {
  const r = await gql<{ faceGroups: { nodes: Group[]; totalCount: number } }>(s.url, GROUPS, { first: 20 });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data!.faceGroups.nodes.length, r.data!.faceGroups.totalCount);
  return r.data!.faceGroups.nodes;
}

async function health(s: TestServer) {
  return (await gql<{ health: { people: number; faces: number; unnamedFaces: number; maxUnnamedFaces: number } }>(s.url, HEALTH)).data!.health;
}

async function search(s: TestServer, file: string) {
  const r = await upload<{ searchFace: { status: string; person: { id: string } | null } }>(
    s.url,
    'query ($file: Upload!) { searchFace(file: $file) { status person { id } } }',
    {},
    { file },
  );
  return r.data!.searchFace;
}

/** A john photo's path, and whose it is (its folder), by its file name. */
const byName = new Map([...allJohns().values()].flat().map((p) => [path.basename(p), p]));
const personOf = (fileName: string): string => path.basename(path.dirname(byName.get(fileName)!));

describe('a photo collection becomes people', { timeout: 600_000 }, () => {
  let s: TestServer;
  const imported: Imported[] = [];

  before(async () => {
    s = await startTestServer();
  });
  after(() => s?.stop());

  it('imports the 55 johns without names: each face kept unnamed, with a crop, in five groups of one person each', async () => {
    for (const name of allJohns().keys()) imported.push(...(await importFiles(s, johnPhotos(name))));
    assert.equal(imported.length, 55);
    // Two of John Shimkus's files are the same photo (the same bytes): the second is not imported again.
    const twice = imported.filter((r) => r.status === 'ALREADY_IMPORTED').map((r) => r.fileName);
    assert.deepEqual(twice, ['000378_03227610.jpg']);
    for (const r of imported.filter((i) => i.status !== 'ALREADY_IMPORTED')) {
      assert.equal(r.status, 'IMPORTED', `${r.fileName}: ${JSON.stringify(r.error)}`);
      assert.equal(r.unnamed.length, 1, `${r.fileName} keeps its one face`);
      assert.equal(r.named.length, 0);
    }
    const gs = await groups(s);
    assert.equal(gs.length, 5, `groups: ${gs.map((g) => g.size).join(', ')}`);
    for (const g of gs) {
      const people = new Set(g.faces.map((f) => personOf(f.source!)));
      assert.equal(people.size, 1, `group ${g.id} holds ${[...people].join(', ')}`);
      assert.equal(g.size, [...people][0] === 'John_Shimkus' ? 10 : 11);
    }
    const h = await health(s);
    // health.faces counts people's faces: none yet.
    assert.deepEqual([h.people, h.faces, h.unnamedFaces], [0, 0, 54]);
    await assertConsistent(s, s.dataDir);
  });

  it('serves each face crop as a small JPEG', async () => {
    const res = await fetch(`${s.url}${imported[0]!.unnamed[0]!.cropUrl}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8]);
    assert.ok(bytes.length > 1000 && bytes.length < 30_000, `${bytes.length} bytes`);
    assert.equal((await fetch(`${s.url}/crops/00000000-0000-4000-8000-000000000000.jpg`)).status, 404);
    assert.equal((await fetch(`${s.url}/crops/..%2Ffaces.db`)).status, 404);
  });

  it('never imports the same photo twice', async () => {
    const again = await importFiles(s, johnPhotos('John_Salley'));
    for (const r of again) {
      assert.equal(r.status, 'ALREADY_IMPORTED');
      assert.equal(r.unnamed.length + r.named.length, 0);
    }
    assert.equal((await health(s)).unnamedFaces, 54);
  });

  it('names a group once, and searches find the person at once', async () => {
    const salley = (await groups(s)).find((g) => personOf(g.faces[0]!.source!) === 'John_Salley')!;
    const r = await gql(s.url, 'mutation ($g: ID!) { nameFaceGroup(groupId: $g, firstName: "John", surName: "Salley") { id fullName faceCount } }', {
      g: salley.id,
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual([r.data.nameFaceGroup.fullName, r.data.nameFaceGroup.faceCount], ['John Salley', 11]);
    assert.equal((await groups(s)).length, 4);
    const found = await search(s, johnPhotos('John_Salley')[0]!);
    assert.equal(found.status, 'MATCH');
    assert.equal(found.person!.id, r.data.nameFaceGroup.id);
    const h = await health(s);
    assert.deepEqual([h.people, h.faces, h.unnamedFaces], [1, 11, 43]);
    await assertConsistent(s, s.dataDir);
  });

  it('a search never keeps an unknown face', async () => {
    const before = await health(s);
    assert.equal((await search(s, DOGS)).status, 'NO_FACE_FOUND');
    const stranger = await search(s, johnPhotos('John_Shimkus')[0]!);
    assert.equal(stranger.status, 'UNKNOWN');
    assert.deepEqual(await health(s), before);
  });

  it('moves faces back to the unnamed ones and to another person (a split), and merges two people', async () => {
    const salleyId = (await gql(s.url, '{ people(name: "salley") { nodes { id faces { imageId } } } }')).data.people.nodes[0];
    const three = salleyId.faces.slice(0, 3).map((f: { imageId: string }) => f.imageId);
    const back = await gql(s.url, 'mutation ($ids: [ID!]!) { moveFaces(imageIds: $ids) { moved person { id } groupId } }', { ids: three });
    assert.equal(back.errors, undefined, JSON.stringify(back.errors));
    assert.equal(back.data.moveFaces.moved, 3);
    assert.equal(back.data.moveFaces.person, null);
    const split = (await groups(s)).find((g) => g.id === back.data.moveFaces.groupId)!;
    assert.deepEqual(split.faces.map((f) => f.imageId).sort(), [...three].sort());

    const two = three.slice(0, 2);
    const other = await gql(
      s.url,
      'mutation ($ids: [ID!]!) { moveFaces(imageIds: $ids, firstName: "Johnny", surName: "Salley") { moved person { id faceCount } } }',
      {
        ids: two,
      },
    );
    assert.equal(other.data.moveFaces.person.faceCount, 2);
    const merged = await gql(s.url, 'mutation ($a: ID!, $b: ID!) { mergePeople(sourceId: $a, targetId: $b) { id faceCount } }', {
      a: other.data.moveFaces.person.id,
      b: salleyId.id,
    });
    assert.equal(merged.errors, undefined, JSON.stringify(merged.errors));
    assert.equal(merged.data.mergePeople.faceCount, 10);
    assert.equal((await gql(s.url, '{ personById(id: "' + other.data.moveFaces.person.id + '") { id } }')).data.personById, null);
    assert.equal((await health(s)).people, 1);
    await assertConsistent(s, s.dataDir);
  });

  it('ignored faces are never suggested again, nor regrouped into view', async () => {
    const before = await groups(s);
    const simm = before.find((g) => personOf(g.faces[0]!.source!) === 'John_Simm')!;
    const r = await gql(s.url, 'mutation ($g: ID!) { ignoreFaces(groupId: $g) { ignored } }', { g: simm.id });
    assert.equal(r.data.ignoreFaces.ignored, 11);
    assert.equal((await groups(s)).length, before.length - 1);
    // Another photo of him imported later is ignored too: kept (an import keeps every face) but never suggested.
    const [later] = await importFiles(s, [{ bytes: withComment(fs.readFileSync(johnPhotos('John_Simm')[3]!)), filename: 'simm-later.jpg' }]);
    assert.equal(later!.unnamed.length, 1);
    assert.equal((await groups(s)).length, before.length - 1);
    const regrouped = await gql(s.url, 'mutation { regroupFaces { faces groups } }');
    assert.equal(regrouped.errors, undefined, JSON.stringify(regrouped.errors));
    const after = await groups(s);
    assert.ok(
      !after.some((g) => g.faces.some((f) => f.source === 'simm-later.jpg' || personOf(f.source!) === 'John_Simm')),
      'an ignored face came back',
    );
    assert.equal(after.length, before.length - 1);
  });

  it('deleteFaces and deleteImportedPhoto remove faces, crops, rows and index entries', async () => {
    const g = (await groups(s))[0]!;
    const face = g.faces[0]!;
    const d = await gql(s.url, 'mutation ($ids: [ID!]!) { deleteFaces(imageIds: $ids) { removedFaces } }', { ids: [face.imageId] });
    assert.equal(d.data.deleteFaces.removedFaces, 1);
    assert.equal((await fetch(`${s.url}${face.cropUrl}`)).status, 404);
    const photo = imported.find((r) => r.unnamed[0]?.imageId === g.faces[1]!.imageId)!;
    const p = await gql(s.url, 'mutation ($id: ID!) { deleteImportedPhoto(id: $id) { removedFaces } }', { id: photo.photoId });
    assert.equal(p.data.deleteImportedPhoto.removedFaces, 1);
    // Its record is gone too, so the same photo may be imported again.
    const again = await importFiles(s, [byName.get(photo.fileName)!]);
    assert.equal(again[0]!.status, 'IMPORTED');
    await assertConsistent(s, s.dataDir);
  });

  it('a photo of a named person imported later is named, not left to name', async () => {
    const [r] = await importFiles(s, [{ bytes: withComment(fs.readFileSync(johnPhotos('John_Salley')[4]!)), filename: 'salley-again.jpg' }]);
    assert.equal(r!.status, 'IMPORTED', JSON.stringify(r!.error));
    assert.equal(r!.named.length, 1);
    assert.equal(r!.named[0]!.person.fullName, 'John Salley');
  });

  it('bad files fail alone, with their codes, and nothing of them is stored', async () => {
    const before = await health(s);
    const results = await importFiles(s, [
      { bytes: Buffer.alloc(0), filename: 'empty.jpg' },
      { bytes: Buffer.from('not a photo'), filename: 'notes.txt' },
      { bytes: fs.readFileSync(johnPhotos('John_Shimkus')[0]!).subarray(0, 3000), filename: 'cut.jpg' },
      { bytes: Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(24)]), filename: 'x.gif' },
      DOGS,
    ]);
    assert.deepEqual(
      results.map((r) => [r.fileName, r.status, r.error?.code ?? null]),
      [
        ['empty.jpg', 'FAILED', 'INVALID_IMAGE'],
        ['notes.txt', 'FAILED', 'UNSUPPORTED_FILE_TYPE'],
        ['cut.jpg', 'FAILED', 'INVALID_IMAGE'],
        ['x.gif', 'FAILED', 'INVALID_IMAGE'],
        ['dogs.jpg', 'NO_FACE_FOUND', null],
      ],
    );
    const h = await health(s);
    assert.deepEqual([h.faces, h.unnamedFaces], [before.faces, before.unnamedFaces]);
    await assertConsistent(s, s.dataDir);
  });

  it('refuses bad changes with stable codes', async () => {
    const code = async (q: string, v: Record<string, unknown> = {}) => (await gql(s.url, q, v)).errors?.[0]?.extensions?.code;
    assert.equal(await code('mutation { nameFaceGroup(groupId: "999999", firstName: "A", surName: "B") { id } }'), 'NOT_FOUND');
    assert.equal(await code('mutation { nameFaceGroup(groupId: "x", firstName: "A", surName: "B") { id } }'), 'NOT_FOUND');
    assert.equal(await code('mutation { nameFaceGroup(groupId: "1") { id } }'), 'BAD_USER_INPUT');
    assert.equal(await code('mutation { moveFaces(imageIds: ["nope"]) { moved } }'), 'NOT_FOUND');
    assert.equal(await code('mutation { moveFaces(imageIds: []) { moved } }'), 'BAD_USER_INPUT');
    assert.equal(await code('mutation { mergePeople(sourceId: "1", targetId: "1") { id } }'), 'BAD_USER_INPUT');
    assert.equal(await code('mutation { mergePeople(sourceId: "1", targetId: "424242") { id } }'), 'NOT_FOUND');
    assert.equal(await code('mutation { ignoreFaces { ignored } }'), 'BAD_USER_INPUT');
    assert.equal(await code('query { faceGroups(after: "bogus") { totalCount } }'), 'BAD_USER_INPUT');
    assert.equal(await code('query { faceGroups(first: 1000) { totalCount } }'), 'BAD_USER_INPUT');
    const tooMany = await uploadList(
      s.url,
      IMPORT,
      {},
      'files',
      Array.from({ length: 21 }, () => DOGS),
    );
    assert.ok(tooMany.errors?.length, 'more than 20 files are refused');
  });

  it('deleting a person deletes their faces, crops and encodings', async () => {
    const salley = (await gql(s.url, '{ people(name: "salley") { nodes { id faces { imageId cropUrl url } } } }')).data.people.nodes[0];
    assert.ok(salley.faces.length > 5);
    const d = await gql(s.url, 'mutation ($id: ID!) { deletePerson(id: $id) { removedFaces } }', { id: salley.id });
    assert.equal(d.data.deletePerson.removedFaces, salley.faces.length);
    for (const f of salley.faces) {
      assert.equal((await fetch(`${s.url}${f.cropUrl}`)).status, 404);
      assert.equal((await fetch(`${s.url}${f.url}`)).status, 404);
    }
    assert.equal((await search(s, johnPhotos('John_Salley')[0]!)).status, 'UNKNOWN');
    await assertConsistent(s, s.dataDir);
  });

  it('keeps at most MAX_UNNAMED_FACES unnamed faces, and says how many it dropped', async () => {
    const capped = await startTestServer({ maxUnnamedFaces: 3 });
    try {
      const results = await importFiles(capped, johnPhotos('John_Salley').slice(0, 5));
      assert.deepEqual(
        results.map((r) => [r.unnamed.length, r.dropped]),
        [
          [1, 0],
          [1, 0],
          [1, 0],
          [0, 1],
          [0, 1],
        ],
      );
      assert.equal((await health(capped)).unnamedFaces, 3);
    } finally {
      await capped.stop();
    }
  });
});
