// Hostile values that are not queries: names made only of invisible characters or holding lone surrogates or
// bidirectional overrides, a 100 KB id echoed back, and hard links placed in images/ (to faces.db, to a file
// outside the data folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serverFor, storedCounts } from '../fixtures/server.js';
import { errorCode, gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, DELETE_FACE, RENAME_PERSON } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';

test('names of only invisible characters, with a lone surrogate or a bidirectional override are BAD_USER_INPUT', async (t) => {
  const s = await serverFor(t);
  const photo = johnPhotos('John_Simm')[0]!;
  const refused: [string, RegExp][] = [
    ['\u200b', /at least one letter or digit/],
    ['\u202e', /bidirectional override/],
    ['\u200b\u2060\ufeff', /at least one letter or digit/],
    ['Jo\u202ehn', /bidirectional override/],
    ['Jo\ud800hn', /lone surrogate/],
    ['\udfff', /lone surrogate/],
  ];
  for (const [firstName, message] of refused) {
    const r = await upload(s.url, ADD_PERSON, { firstName, surName: 'Simm' }, { file: photo });
    assert.equal(errorCode(r), 'BAD_USER_INPUT', JSON.stringify(firstName));
    assert.match(r.errors![0]!.message, message);
  }
  assert.deepEqual(await storedCounts(s), { files: 0, faceRows: 0, people: 0, index: 0 });

  // Real names in any script stay welcome, joiners within them included.
  const added = await upload(s.url, ADD_PERSON, { firstName: 'Zoë', surName: 'क्षत्रिय' }, { file: photo });
  assert.equal(added.errors, undefined, JSON.stringify(added.errors));
  const id = added.data.addPerson.person.id;
  const renamed = await gql(s.url, RENAME_PERSON, { id, firstName: '李', surName: 'O\u2019Brien-\u200dX' });
  assert.equal(renamed.errors, undefined, JSON.stringify(renamed.errors));
  assert.equal(errorCode(await gql(s.url, RENAME_PERSON, { id, firstName: '\u2066\u2069', surName: 'x' })), 'BAD_USER_INPUT');
});

test('deleteFace with a 100 KB id answers NOT_FOUND without echoing it', async (t) => {
  const s = await serverFor(t);
  const r = await gql(s.url, DELETE_FACE, { imageId: 'x'.repeat(100_000) });
  assert.equal(errorCode(r), 'NOT_FOUND');
  assert.ok(r.errors![0]!.message.length < 200, `message of ${r.errors![0]!.message.length} characters`);
  assert.match(r.errors![0]!.message, /100000 characters/);
});

test('hard links placed in images/ are not served, to faces.db or to a file elsewhere', async (t) => {
  const s = await serverFor(t);
  const added = await upload(s.url, ADD_PERSON, johnName('John_Savage'), { file: johnPhotos('John_Savage')[0]! });
  const stored = path.basename(added.data.addPerson.url);
  const dir = path.join(s.dataDir, 'images');
  const outside = path.join(s.dataDir, 'secret.jpg');
  fs.writeFileSync(outside, 'not for the web');
  // Named as stored photos, so only the link itself gives them away. The stored photo's own name gets a second
  // link too: a photo with two names is not one the service wrote.
  const linkToOutside = stored.replace(/^[0-9a-f]{8}/, '11111111');
  fs.linkSync(outside, path.join(dir, linkToOutside));
  const targets = [linkToOutside];
  if (fs.existsSync(path.join(s.dataDir, 'faces.db'))) {
    const linkToDb = stored.replace(/^[0-9a-f]{8}/, '22222222');
    fs.linkSync(path.join(s.dataDir, 'faces.db'), path.join(dir, linkToDb));
    targets.push(linkToDb);
  }
  assert.equal((await fetch(`${s.url}${added.data.addPerson.url}`)).status, 200);
  for (const name of targets) assert.equal((await fetch(`${s.url}/images/${name}`)).status, 404, name);
  fs.linkSync(path.join(dir, stored), path.join(s.dataDir, 'second-name.jpg'));
  assert.equal((await fetch(`${s.url}${added.data.addPerson.url}`)).status, 404);
});
