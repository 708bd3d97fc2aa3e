// The storage layer alone: migrations, people, faces (encodings as 512-byte BLOBs) and photo files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDb, migrate, readMigrations } from '../../src/store/db.js';
import { PeopleStore } from '../../src/store/people.js';
import { FacesStore, blobToEncoding, encodingToBlob } from '../../src/store/faces.js';
import { ImageFiles, contentTypeOf } from '../../src/store/images.js';
import { tempDataDir } from '../fixtures/tmp.js';

const randomEncoding = (): Float32Array => Float32Array.from({ length: 128 }, () => Math.random() - 0.5);
const box = { x: 1, y: 2, width: 30, height: 40 };

function fresh() {
  const dir = tempDataDir();
  const db = openDb(path.join(dir, 'faces.db'));
  return { dir, db, people: new PeopleStore(db), faces: new FacesStore(db), done: () => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

test('a new database is in WAL mode with every migration applied, and migrating again changes nothing', () => {
  const s = fresh();
  try {
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
    const last = readMigrations().at(-1)!.version;
    assert.equal(s.db.pragma('user_version', { simple: true }), last);
    assert.equal(migrate(s.db), 0);
  } finally {
    s.done();
  }
});

test('people are found by name trimmed and case-insensitively, and a name can be held by one person only', () => {
  const s = fresh();
  try {
    const p = s.people.insert('Émile', 'Zola');
    assert.equal(s.people.findByName('  émile ', 'ZOLA ')?.id, p.id);
    assert.throws(() => s.people.insert('ÉMILE', 'zola'), /UNIQUE/);
    assert.equal(s.people.findByName('Emile', 'Zola'), undefined);
  } finally {
    s.done();
  }
});

test('people are listed oldest first, filtered by part of the full name, and paged by id', () => {
  const s = fresh();
  try {
    const names = [['Ada', 'Lovelace'], ['Alan', 'Turing'], ['Grace', 'Hopper'], ['Alan', 'Kay']] as const;
    const rows = names.map(([f, l]) => s.people.insert(f, l));
    assert.deepEqual(s.people.list({ limit: 10 }).map((p) => p.surName), ['Lovelace', 'Turing', 'Hopper', 'Kay']);
    assert.deepEqual(s.people.list({ nameContains: 'ALAN', limit: 10 }).map((p) => p.surName), ['Turing', 'Kay']);
    assert.deepEqual(s.people.list({ nameContains: 'n t', limit: 10 }).map((p) => p.surName), ['Turing']);
    assert.deepEqual(s.people.list({ afterId: rows[1]!.id, limit: 1 }).map((p) => p.surName), ['Hopper']);
    assert.equal(s.people.count('alan'), 2);
    assert.equal(s.people.count(), 4);
    // LIKE wildcards are plain characters here.
    assert.equal(s.people.count('%'), 0);
  } finally {
    s.done();
  }
});

test('an encoding survives the BLOB round trip bit for bit, and all encodings load packed for the index', () => {
  const s = fresh();
  try {
    const p = s.people.insert('Ada', 'Lovelace');
    const e1 = randomEncoding();
    const e2 = randomEncoding();
    assert.equal(encodingToBlob(e1).length, 512);
    assert.deepEqual(blobToEncoding(encodingToBlob(e1)), e1);
    const f1 = s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'a.jpg', box, encoding: e1 });
    const f2 = s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'b.jpg', box, encoding: e2 });
    const all = s.faces.allEncodings();
    assert.deepEqual(all.ids, [f1.id, f2.id]);
    assert.deepEqual(all.encodings.subarray(128, 256), e2);
    assert.deepEqual(s.faces.get(f1.id)?.box, box);
    assert.throws(() => encodingToBlob(new Float32Array(3)), /128 floats/);
  } finally {
    s.done();
  }
});

test('deleting a person deletes their face rows with them', () => {
  const s = fresh();
  try {
    const p = s.people.insert('Ada', 'Lovelace');
    const q = s.people.insert('Alan', 'Turing');
    s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'a.jpg', box, encoding: randomEncoding() });
    s.faces.insert({ imageId: crypto.randomUUID(), personId: q.id, fileName: 'b.jpg', box, encoding: randomEncoding() });
    assert.equal(s.people.delete(p.id), true);
    assert.equal(s.faces.count(), 1);
    assert.equal(s.faces.countByPerson(p.id), 0);
    assert.equal(s.people.delete(p.id), false);
  } finally {
    s.done();
  }
});

test('photo files are written whole under a pending name, then their final name; temp leftovers are removed, other names are refused', async () => {
  const dir = tempDataDir();
  try {
    const files = new ImageFiles(path.join(dir, 'images'));
    const name = `${crypto.randomUUID()}.jpg`;
    await files.writePending(name, Buffer.from('jpeg bytes'));
    assert.deepEqual(files.list(), []);
    assert.deepEqual(files.listMarked(), { pending: [name], deleted: [] });
    await files.promote(name);
    assert.deepEqual(files.listMarked(), { pending: [], deleted: [] });
    fs.writeFileSync(path.join(files.dir, `.tmp-${crypto.randomUUID()}`), 'half');
    fs.writeFileSync(path.join(files.dir, 'notes.txt'), 'not ours');
    assert.deepEqual(files.list(), [name]);
    assert.equal(files.removeTemps(), 1);
    assert.deepEqual(fs.readdirSync(files.dir).sort(), [name, 'notes.txt'].sort());
    assert.equal(fs.readFileSync(files.pathOf(name), 'utf8'), 'jpeg bytes');
    assert.throws(() => files.pathOf('../faces.db'), /Not a stored image name/);
    assert.throws(() => files.pathOf(`${crypto.randomUUID()}.svg`), /Not a stored image name/);
    assert.equal(contentTypeOf(name), 'image/jpeg');
    await files.remove(name);
    await files.remove(name); // removing twice is fine
    assert.deepEqual(files.list(), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
