// Work bounded by what is really there: Person.faces is paged (at most 100 a page) and priced by the most it can
// return, so nesting it through Face.person cannot multiply a person's photos into millions of objects; a text
// nested thousands deep is refused before the parser recurses; an answer over the size limit is not sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { serverFor, type TestServer } from '../fixtures/server.js';
import { errorCode, gql } from '../fixtures/graphql-client.js';
import { HEALTH } from '../fixtures/operations.js';
import { johnPhotos } from '../fixtures/photos.js';
import { personName } from '../../src/gallery/names.js';
import { queryLimitsPlugin, textNesting } from '../../src/graphql/complexity.js';

/** One person with `count` stored photos, enrolled through the gallery from two photos analysed once each. */
async function personWithPhotos(s: TestServer, count: number): Promise<number> {
  const photos = johnPhotos('John_Salley')
    .slice(0, 2)
    .map((f) => ({ bytes: fs.readFileSync(f), filename: path.basename(f) }));
  let id = 0;
  for (let i = 0; i < count; i++) id = (await s.gallery.addPerson(photos[i % 2]!, personName('Many', 'Photos'))).person.id;
  return id;
}

test('the nested Person.faces query on a 100-photo person is refused at once, health answering meanwhile', async (t) => {
  const s = await serverFor(t);
  const id = await personWithPhotos(s, 100);
  const cubic = `{ personById(id: "${id}") { faces { person { faces { person { faces { imageId } } } } } } }`;
  const rssBefore = process.memoryUsage().rss;
  const [answer, health] = await Promise.all([gql(s.url, cubic), gql(s.url, HEALTH)]);
  assert.equal(answer.status, 400);
  assert.equal(errorCode(answer), 'QUERY_TOO_COMPLEX');
  assert.match(answer.errors![0]!.message, /would cost \d+; at most 10000/);
  assert.equal(health.errors, undefined);
  assert.ok(process.memoryUsage().rss - rssBefore < 50 * 1024 * 1024, 'no large answer was built');

  // Pages small enough to fit the cost are answered, and paging walks every photo once.
  const small = await gql(s.url, `{ personById(id: "${id}") { faces(first: 3) { person { faces(first: 3) { imageId } } } } }`);
  assert.equal(small.errors, undefined, JSON.stringify(small.errors));
  assert.equal(small.data.personById.faces.length, 3);
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { data?: { personById: { faces: { imageId: string }[] } } } = await gql(
      s.url,
      'query($id: ID!, $after: ID) { personById(id: $id) { faces(first: 30, after: $after) { imageId } } }',
      { id: String(id), after },
    );
    const faces = page.data!.personById.faces;
    seen.push(...faces.map((f) => f.imageId));
    if (faces.length < 30) break;
    after = faces.at(-1)!.imageId;
  }
  assert.equal(seen.length, 100);
  assert.equal(new Set(seen).size, 100);
  const all = await gql(s.url, `{ personById(id: "${id}") { faceCount faces { imageId } } }`);
  assert.equal(all.data.personById.faces.length, 100, 'the default page holds up to 100 photos');

  const tooMany = await gql(s.url, `{ personById(id: "${id}") { faces(first: 101) { imageId } } }`);
  assert.equal(errorCode(tooMany), 'BAD_USER_INPUT');
  const stranger = await gql(s.url, `{ personById(id: "${id}") { faces(after: "not-one-of-theirs") { imageId } } }`);
  assert.equal(errorCode(stranger), 'NOT_FOUND');
});

test('a query 3,000 levels deep is QUERY_TOO_COMPLEX, not a parser stack overflow', async (t) => {
  const s = await serverFor(t);
  const fields = `{ ${'health { '.repeat(3000)}people${' }'.repeat(3000)} }`;
  const lists = `query { people(name: ${'['.repeat(3000)}"x"${']'.repeat(3000)}) { totalCount } }`;
  for (const query of [fields, lists]) {
    const r = await gql(s.url, query);
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'QUERY_TOO_COMPLEX');
    assert.match(r.errors![0]!.message, /nests 300[12] levels of brackets/);
  }
  // Brackets inside strings and comments are not nesting.
  assert.equal(textNesting(`{ a(s: "${'{'.repeat(500)}") # ${'['.repeat(500)}\n b(t: """${'('.repeat(500)}""") }`), 2);
  const quoted = await gql(s.url, `query { people(name: "${'{'.repeat(150)}") { totalCount } }`);
  assert.equal(quoted.errors, undefined);
});

test('an answer over the response size limit is replaced by QUERY_TOO_COMPLEX', async () => {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { words(n: Int!): [String!]! }',
    resolvers: { Query: { words: (_: unknown, { n }: { n: number }) => Array.from({ length: n }, () => 'word') } },
    plugins: [queryLimitsPlugin({ maxDepth: 10, maxCost: 10_000 }, 1000)],
  });
  await apollo.start();
  try {
    const small = await apollo.executeOperation({ query: '{ words(n: 10) }' });
    assert.equal(small.body.kind === 'single' && small.body.singleResult.errors, undefined);
    const large = await apollo.executeOperation({ query: '{ words(n: 1000) }' });
    assert.ok(large.body.kind === 'single');
    assert.equal(large.body.singleResult.data, undefined);
    assert.equal(large.body.singleResult.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.match(large.body.singleResult.errors![0]!.message, /The answer would be .* MB/);
    assert.equal(large.http.status, 400);
  } finally {
    await apollo.stop();
  }
});
