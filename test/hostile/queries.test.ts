// Hostile queries: depth, aliases and cost are refused before they run, with QUERY_TOO_COMPLEX, while an ordinary
// request beside them is answered at once; one upload is analysed once and enrolled once however many fields use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serverFor, storedCounts } from '../fixtures/server.js';
import { gql, upload, errorCode } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { faceCore } from '../fixtures/core.js';

/** Counts the face core's analyses until the test ends. */
function countAnalyses(t: { after(fn: () => unknown): void }): { readonly count: number } {
  const counter = { count: 0 };
  const analyze = faceCore.analyze;
  faceCore.analyze = function (this: typeof faceCore, ...args: Parameters<typeof analyze>) {
    counter.count++;
    return analyze.apply(this, args);
  } as typeof analyze;
  t.after(() => {
    faceCore.analyze = analyze;
  });
  return counter;
}

/** Runs `attack` while asking for health every 100 ms; resolves to the attack's answer and health's slowest answer. */
async function beside<T>(url: string, attack: () => Promise<T>): Promise<{ answer: T; slowestHealthMs: number }> {
  let slowest = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      const r = await gql(url, HEALTH);
      assert.equal(r.errors, undefined);
      slowest = Math.max(slowest, performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { answer: await attack(), slowestHealthMs: slowest };
  } finally {
    done = true;
    await probe;
  }
}

test('a query 300 levels deep through Person.faces → Face.person is refused before it runs', async (t) => {
  const s = await serverFor(t);
  const john = 'John_Salley';
  const added = await upload(s.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! });
  const id = added.data.addPerson.person.id;
  const deep = `{ personById(id: "${id}") { ${'faces { person { '.repeat(300)}id${' } }'.repeat(300)} } }`;
  const { answer, slowestHealthMs } = await beside(s.url, () => gql(s.url, deep));
  assert.equal(answer.status, 400);
  assert.equal(errorCode(answer), 'QUERY_TOO_COMPLEX');
  assert.match(answer.errors![0]!.message, /nests 602 levels of brackets; at most 64/);
  assert.equal(answer.data, undefined);
  assert.ok(slowestHealthMs < 1000, `health took ${slowestHealthMs} ms`);

  // Deep enough for the text check to let through, deeper than the depth limit.
  const twenty = `{ personById(id: "${id}") { ${'faces { person { '.repeat(10)}id${' } }'.repeat(10)} } }`;
  const refused = await gql(s.url, twenty);
  assert.equal(errorCode(refused), 'QUERY_TOO_COMPLEX');
  assert.match(refused.errors![0]!.message, /22 fields deep; at most 12/);

  // Depth 10 is within the depth limit, but 20 faces × 20 faces × 20 faces × 20 faces is not within the cost limit.
  const wide = `{ personById(id: "${id}") { faces { person { faces { person { faces { person { faces { person { id } } } } } } } } } }`;
  const r = await gql(s.url, wide);
  assert.equal(errorCode(r), 'QUERY_TOO_COMPLEX');
  assert.match(r.errors![0]!.message, /would cost \d+; at most 10000/);

  // What the page and the README ask stays well within both.
  const ok = await gql(s.url, `{ personById(id: "${id}") { faces { person { fullName } } } }`);
  assert.equal(ok.errors, undefined);
  assert.equal(ok.data.personById.faces[0].person.fullName, 'John Salley');
});

test('a thousand searchFace aliases on one photo are refused with no native work', async (t) => {
  const s = await serverFor(t);
  const query = `query($file: Upload!) { ${Array.from({ length: 1000 }, (_, i) => `a${i}: searchFace(file: $file) { status }`).join(' ')} }`;
  const analyses = countAnalyses(t);
  const t0 = performance.now();
  const r = await upload(s.url, query, {}, { file: johnPhotos('John_Simm')[0]! });
  assert.equal(errorCode(r), 'QUERY_TOO_COMPLEX');
  assert.equal(r.status, 400);
  assert.equal(analyses.count, 0);
  assert.ok(performance.now() - t0 < 2000);
});

test('several fields on one upload analyse it once, and only one of them may enrol it', async (t) => {
  const s = await serverFor(t);
  const analyses = countAnalyses(t);
  const photo = johnPhotos('John_Savage')[0]!;
  const three = await upload(
    s.url,
    'query($file: Upload!) { a: searchFace(file: $file) { status } b: searchFace(file: $file) { status } c: searchFace(file: $file) { status } }',
    {},
    { file: photo },
  );
  assert.equal(three.errors, undefined);
  assert.deepEqual(
    Object.values(three.data).map((v: any) => v.status),
    ['UNKNOWN', 'UNKNOWN', 'UNKNOWN'],
  );
  assert.equal(analyses.count, 1);

  const twice = await upload(
    s.url,
    'mutation($file: Upload!) { a: addPerson(file: $file, firstName: "John", surName: "Savage") { imageId } b: addPerson(file: $file, firstName: "Other", surName: "Person") { imageId } }',
    {},
    { file: photo },
  );
  // Refused before either field runs: no enrolment is made that the answer would not report.
  assert.equal(twice.status, 400);
  assert.equal(twice.data, undefined);
  assert.equal(errorCode(twice), 'BAD_USER_INPUT');
  assert.match(twice.errors![0]!.message, /at most one addPerson or addFace/);
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
  assert.equal(analyses.count, 1, 'the refused request was not analysed');
  // The same through a fragment, and with addFace beside addPerson.
  const spread = await upload(
    s.url,
    'mutation($file: Upload!) { ...E b: addFace(personId: "1", file: $file) { imageId } } fragment E on Mutation { a: addPerson(file: $file, firstName: "A", surName: "B") { imageId } }',
    {},
    { file: photo },
  );
  assert.equal(errorCode(spread), 'BAD_USER_INPUT');
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
  const one = await upload(
    s.url,
    'mutation($file: Upload!) { a: addPerson(file: $file, firstName: "John", surName: "Savage") { imageId } }',
    {},
    { file: photo },
  );
  assert.equal(one.errors, undefined);
  assert.deepEqual(await storedCounts(s), { files: 1, faceRows: 1, people: 1, index: 1 });
});

test('an oversized name is BAD_USER_INPUT whichever way it is sent', async (t) => {
  const s = await serverFor(t);
  const name = 'x'.repeat(1_100_000);
  const json = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($n: String!) { renamePerson(id: "1", firstName: $n, surName: "x") { id } }', variables: { n: name } }),
  });
  assert.equal(json.status, 413);
  assert.equal((await json.json()).errors[0].extensions.code, 'BAD_USER_INPUT');
  const multipart = await upload(s.url, ADD_PERSON, { firstName: name, surName: 'x' }, { file: johnPhotos('John_Simm')[0]! });
  assert.equal(multipart.status, 413);
  assert.equal(errorCode(multipart), 'BAD_USER_INPUT');
  assert.equal((await storedCounts(s)).files, 0);
});

test('with API keys set, the schema is not described: no introspection, no field suggestions', async (t) => {
  const s = await serverFor(t, { apiKeys: ['k1'] });
  const intro = await gql(s.url, '{ __schema { types { name } } }', {}, { apiKey: 'k1' });
  assert.equal(errorCode(intro), 'GRAPHQL_VALIDATION_FAILED');
  const typo = await gql(s.url, '{ helth { people } }', {}, { apiKey: 'k1' });
  assert.doesNotMatch(typo.errors![0]!.message, /Did you mean/);
  const open = await serverFor(t);
  const shown = await gql(open.url, '{ __schema { queryType { name } } }');
  assert.equal(shown.data.__schema.queryType.name, 'Query');
});

test('a cut-off JPEG or PNG is refused as INVALID_IMAGE and nothing is stored', async (t) => {
  const s = await serverFor(t);
  const jpeg = fs.readFileSync(johnPhotos('John_Salley')[0]!);
  for (const share of [0.75, 0.9998]) {
    const r = await upload(s.url, ADD_PERSON, johnName('John_Salley'), {
      file: { bytes: jpeg.subarray(0, Math.floor(jpeg.length * share)), filename: 'cut.jpg' },
    });
    assert.equal(errorCode(r), 'INVALID_IMAGE', `cut at ${share}`);
    assert.match(r.errors![0]!.message, /cut short/);
  }
  const png = fs.readFileSync(new URL('../fixtures/images/chip-rgb8.png', import.meta.url));
  const r = await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: { bytes: png.subarray(0, png.length - 20), filename: 'cut.png' } });
  assert.equal(errorCode(r), 'INVALID_IMAGE');
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });
});
