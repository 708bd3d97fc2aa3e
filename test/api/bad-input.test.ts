// Bad input is normal input: each case gets a GraphQL error with a stable code and a clear message,
// never a stack trace, and leaves no file, no row and no index entry behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serverFor, storedCounts, type TestServer } from '../fixtures/server.js';
import { errorCode, gql, multipartBody, upload, type GraphQLResponse } from '../fixtures/graphql-client.js';
import {
  ADD_FACE,
  ADD_PERSON,
  DELETE_FACE,
  DELETE_PERSON,
  PEOPLE,
  PERSON_BY_ID,
  PERSON_BY_IMAGE_ID,
  RENAME_PERSON,
  SEARCH_FACE,
} from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { canvas, encodeBmp } from '../fixtures/bmp.js';

const JOHN = johnPhotos('John_Salley')[0]!;
const jpegBytes = () => fs.readFileSync(JOHN);
const john = { firstName: 'John', surName: 'Salley' };

/** The error is coded, explained, and carries no stack trace. */
function assertCleanError(r: GraphQLResponse, code: string, message?: RegExp): void {
  assert.ok(r.errors && r.errors.length > 0, `expected an error, got ${JSON.stringify(r)}`);
  assert.equal(errorCode(r), code, JSON.stringify(r.errors));
  const e = r.errors[0]!;
  if (message) assert.match(e.message, message);
  assert.ok(e.message.length > 5);
  assert.equal(e.extensions?.stacktrace, undefined);
  assert.doesNotMatch(JSON.stringify(r), /\n\s+at |node_modules|\.ts:\d+/);
}

/** Runs `fn` and checks that nothing was stored by it. */
async function leavesNothing(s: TestServer, fn: () => Promise<void>): Promise<void> {
  const before = await storedCounts(s);
  await fn();
  assert.deepEqual(await storedCounts(s), before, 'files, rows and index must be unchanged');
}

test('an unsupported file extension is UNSUPPORTED_FILE_TYPE, even with image bytes inside', async (t) => {
  const s = await serverFor(t);
  for (const filename of ['photo.txt', 'photo.svg', 'photo', 'photo.jpg.exe', '.jpg']) {
    await leavesNothing(s, async () => {
      const r = await upload(s.url, ADD_PERSON, john, { file: { bytes: jpegBytes(), filename } });
      assertCleanError(r, 'UNSUPPORTED_FILE_TYPE', /jpg/);
      const q = await upload(s.url, SEARCH_FACE, {}, { file: { bytes: jpegBytes(), filename } });
      assertCleanError(q, 'UNSUPPORTED_FILE_TYPE');
    });
  }
});

test('the extension check ignores case and the bytes decide the stored format', async (t) => {
  const s = await serverFor(t);
  const r = await upload(s.url, ADD_PERSON, john, { file: { bytes: jpegBytes(), filename: 'PHOTO.PNG' } });
  assert.equal(r.errors, undefined);
  assert.match(r.data.addPerson.url, /\.jpg$/);
});

test('a non-image with an image extension is INVALID_IMAGE', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    const text = Buffer.from('this is a text file, not a photograph\n'.repeat(20));
    assertCleanError(await upload(s.url, ADD_PERSON, john, { file: { bytes: text, filename: 'face.jpg' } }), 'INVALID_IMAGE');
    assertCleanError(await upload(s.url, SEARCH_FACE, {}, { file: { bytes: text, filename: 'face.png' } }), 'INVALID_IMAGE');
  });
});

/** The header of a 10×10 TIFF without its pixels. */
function tinyTiff(): Buffer {
  const b = Buffer.alloc(8 + 2 + 12 * 2 + 4);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4); // first IFD
  b.writeUInt16LE(2, 8); // two entries
  b.writeUInt16LE(256, 10);
  b.writeUInt16LE(3, 12);
  b.writeUInt32LE(1, 14);
  b.writeUInt16LE(10, 18); // ImageWidth
  b.writeUInt16LE(257, 22);
  b.writeUInt16LE(3, 24);
  b.writeUInt32LE(1, 26);
  b.writeUInt16LE(10, 30); // ImageLength
  return b;
}

test('a TIFF cut after its header is INVALID_IMAGE, whatever image name it has', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    for (const filename of ['scan.jpg', 'scan.tiff']) {
      const r = await upload(s.url, ADD_PERSON, john, { file: { bytes: tinyTiff(), filename } });
      assertCleanError(r, 'INVALID_IMAGE', /tiff/i);
    }
  });
});

test('an image with more pixels than the decoder accepts is IMAGE_TOO_LARGE, without decoding it', async (t) => {
  const s = await serverFor(t);
  const bomb = encodeBmp(canvas(4, 4));
  bomb.writeInt32LE(20_000, 18); // the header claims 20000 × 20000 pixels
  bomb.writeInt32LE(20_000, 22);
  await leavesNothing(s, async () => {
    assertCleanError(await upload(s.url, ADD_PERSON, john, { file: { bytes: bomb, filename: 'bomb.bmp' } }), 'IMAGE_TOO_LARGE', /pixels/);
    assertCleanError(await upload(s.url, SEARCH_FACE, {}, { file: { bytes: bomb, filename: 'bomb.bmp' } }), 'IMAGE_TOO_LARGE');
  });
});

test('a truncated photo is INVALID_IMAGE', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    const cut = jpegBytes().subarray(0, 200);
    assertCleanError(await upload(s.url, ADD_PERSON, john, { file: { bytes: cut, filename: 'cut.jpg' } }), 'INVALID_IMAGE');
  });
});

test('an empty file is INVALID_IMAGE', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    const r = await upload(s.url, ADD_PERSON, john, { file: { bytes: new Uint8Array(0), filename: 'empty.jpg' } });
    assertCleanError(r, 'INVALID_IMAGE', /empty/);
  });
});

test('a file over MAX_UPLOAD_MB is FILE_TOO_LARGE', async (t) => {
  const s = await serverFor(t, { maxUploadMb: 0.004 }); // ~4 KB; the johns photos are larger
  assert.ok(jpegBytes().length > 0.004 * 1024 * 1024);
  await leavesNothing(s, async () => {
    const r = await upload(s.url, ADD_PERSON, john, { file: JOHN });
    assertCleanError(r, 'FILE_TOO_LARGE', /0\.004 MB/);
    assertCleanError(await upload(s.url, SEARCH_FACE, {}, { file: JOHN }), 'FILE_TOO_LARGE');
  });
  // A big upload is cut off at the limit, not read whole.
  const huge = new Uint8Array(30 * 1024 * 1024);
  assertCleanError(await upload(s.url, SEARCH_FACE, {}, { file: { bytes: huge, filename: 'huge.jpg' } }), 'FILE_TOO_LARGE');
});

test('a second file where one is expected is refused with BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  const post = async (form: FormData) => {
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
    return { status: res.status, ...(await res.json()) } as GraphQLResponse;
  };
  await leavesNothing(s, async () => {
    // Two files mapped into the operation.
    assertCleanError(await post(multipartBody(ADD_PERSON, john, { file: JOHN, other: JOHN })), 'BAD_USER_INPUT', /one file/);
    // An unmapped file part ahead of the expected one.
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: ADD_PERSON, variables: { ...john, file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('1', new Blob([jpegBytes()]), 'extra.jpg');
    form.append('0', new Blob([jpegBytes()]), 'photo.jpg');
    assertCleanError(await post(form), 'BAD_USER_INPUT', /one file/);
  });
  // An unmapped part after the expected file is ignored, as the multipart request spec says; one photo is stored.
  const after = multipartBody(ADD_PERSON, john, { file: JOHN });
  after.append('1', new Blob([jpegBytes()]), 'extra.jpg');
  const r = await post(after);
  assert.equal(r.errors, undefined);
  assert.equal((await storedCounts(s)).files, 1);
});

test('a multipart request whose map names a file that never comes is BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: ADD_PERSON, variables: { ...john, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
  assertCleanError({ status: res.status, ...(await res.json()) }, 'BAD_USER_INPUT', /missing/i);
});

test('a file sent as a plain JSON value is BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  const r = await gql(s.url, SEARCH_FACE, { file: 'not-a-file' });
  assertCleanError(r, 'BAD_USER_INPUT', /Upload/);
});

test('missing or blank names are BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    for (const names of [
      { firstName: '', surName: 'Salley' },
      { firstName: 'John', surName: '   ' },
      { firstName: '\t\n', surName: '' },
    ]) {
      assertCleanError(await upload(s.url, ADD_PERSON, names, { file: JOHN }), 'BAD_USER_INPUT', /non-blank/);
    }
    assertCleanError(await upload(s.url, ADD_PERSON, { firstName: 'John' }, { file: JOHN }), 'BAD_USER_INPUT', /surName/);
    assertCleanError(await upload(s.url, ADD_PERSON, { firstName: 'John', surName: null }, { file: JOHN }), 'BAD_USER_INPUT');
    assertCleanError(await upload(s.url, ADD_PERSON, { firstName: 'John', surName: 'Sal\u0000ley' }, { file: JOHN }), 'BAD_USER_INPUT', /control/);
  });
});

test('names longer than 100 characters, up to 10,000, are BAD_USER_INPUT; 100 is accepted', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    for (const n of [101, 10_000]) {
      const r = await upload(s.url, ADD_PERSON, { firstName: 'J'.repeat(n), surName: 'Salley' }, { file: JOHN });
      assertCleanError(r, 'BAD_USER_INPUT', new RegExp(`at most 100 characters but received ${n}`));
    }
  });
  const ok = await upload(s.url, ADD_PERSON, { firstName: 'J'.repeat(100), surName: 'Salley' }, { file: JOHN });
  assert.equal(ok.errors, undefined);
  const id = ok.data.addPerson.person.id;
  assertCleanError(await gql(s.url, RENAME_PERSON, { id, firstName: 'x'.repeat(10_000), surName: 'y' }), 'BAD_USER_INPUT');
});

test('unknown ids: queries answer null, mutations answer NOT_FOUND', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    for (const id of ['999', 'abc', '-1', '0', '1e3', '99999999999999999999']) {
      const q = await gql(s.url, PERSON_BY_ID, { id });
      assert.equal(q.errors, undefined);
      assert.equal(q.data.personById, null);
      assertCleanError(await gql(s.url, DELETE_PERSON, { id }), 'NOT_FOUND');
      assertCleanError(await gql(s.url, RENAME_PERSON, { id, firstName: 'A', surName: 'B' }), 'NOT_FOUND');
      assertCleanError(await upload(s.url, ADD_FACE, { personId: id }, { file: JOHN }), 'NOT_FOUND');
    }
    assert.equal((await gql(s.url, PERSON_BY_IMAGE_ID, { imageId: crypto.randomUUID() })).data.personByImageId, null);
    assertCleanError(await gql(s.url, DELETE_FACE, { imageId: crypto.randomUUID() }), 'NOT_FOUND');
    assertCleanError(await gql(s.url, DELETE_FACE, { imageId: '../faces.db' }), 'NOT_FOUND');
  });
});

test('out-of-range page sizes, bad cursors and tolerances are BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  assertCleanError(await gql(s.url, PEOPLE, { first: -1 }), 'BAD_USER_INPUT', /first/);
  assertCleanError(await gql(s.url, PEOPLE, { first: 101 }), 'BAD_USER_INPUT', /first/);
  assertCleanError(await gql(s.url, PEOPLE, { after: 'not-a-cursor' }), 'BAD_USER_INPUT', /after/);
  for (const tolerance of [0, -0.5, 1.5]) {
    assertCleanError(await upload(s.url, SEARCH_FACE, { tolerance }, { file: JOHN }), 'BAD_USER_INPUT', /tolerance/);
  }
});

test('a malformed multipart body gets a clean JSON BAD_REQUEST', async (t) => {
  const s = await serverFor(t);
  const send = async (body: string, boundary = 'xyz') => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true', 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    return { status: res.status, ...(await res.json()) } as GraphQLResponse;
  };
  await leavesNothing(s, async () => {
    const cut = await send('--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ health { faces } }"}\r\n--xyz\r\nbroken');
    assert.equal(cut.status, 400);
    assertCleanError(cut, 'BAD_REQUEST', /multipart/);
    const badJson = await send('--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{not json\r\n--xyz--\r\n');
    assert.equal(badJson.status, 400);
    assertCleanError(badJson, 'BAD_REQUEST', /operations/);
    const noMap = await send('--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ health { faces } }"}\r\n--xyz--\r\n');
    assert.equal(noMap.status, 400);
    assertCleanError(noMap, 'BAD_REQUEST', /map/);
    const noBoundary = await send('garbage', '');
    assert.equal(noBoundary.status, 400);
    assertCleanError(noBoundary, 'BAD_REQUEST');
  });
});

test('a multipart request without the preflight header is refused before any file is read', async (t) => {
  const s = await serverFor(t);
  await leavesNothing(s, async () => {
    const r = await upload(s.url, ADD_PERSON, john, { file: JOHN }, { headers: { 'apollo-require-preflight': null } });
    assert.equal(r.status, 400);
    assertCleanError(r, 'BAD_REQUEST', /Apollo-Require-Preflight: true/);
  });
});

test('a request body that is not JSON gets a clean JSON BAD_REQUEST', async (t) => {
  const s = await serverFor(t);
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
  assert.equal(res.status, 400);
  assertCleanError({ status: res.status, ...(await res.json()) }, 'BAD_REQUEST', /not valid JSON/);
});

test('an invalid query gets GraphQL validation errors, not a crash', async (t) => {
  const s = await serverFor(t);
  const r = await gql(s.url, '{ personById(id: "1") { nope } }');
  assertCleanError(r, 'GRAPHQL_VALIDATION_FAILED', /nope/);
  const p = await gql(s.url, '{ personById(');
  assertCleanError(p, 'GRAPHQL_PARSE_FAILED');
});

test('an unexpected failure is answered as a masked INTERNAL_SERVER_ERROR and logged', async (t) => {
  const s = await serverFor(t);
  s.store.people.count = () => {
    throw new Error('disk on fire at /secret/path/faces.db');
  };
  const r = await gql(s.url, '{ health { people } }');
  assert.equal(errorCode(r), 'INTERNAL_SERVER_ERROR');
  assert.equal(r.errors![0]!.message, 'Internal server error');
  assert.doesNotMatch(JSON.stringify(r), /secret|fire|\n\s+at /);
  assert.ok(
    s.logs.some((l) => l.includes('disk on fire')),
    'the real error is logged on the server',
  );
});
