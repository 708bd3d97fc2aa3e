// The storage layer alone, on the engine the tests run on (TEST_STORE): migrations, people, faces (encodings as
// 512 bytes) and photo files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrate as migrateSqlite, readMigrations } from '../../src/store/sqlite/db.js';
import { migrate as migratePostgres, postgresMigrations } from '../../src/store/postgres/migrate.js';
import { blobToEncoding, encodingToBlob } from '../../src/store/faces.js';
import { ImageFiles, contentTypeOf } from '../../src/store/images.js';
import { openStore } from '../../src/store/store.js';
import { databaseUrlFor, dropDatabaseFor, TEST_STORE } from '../fixtures/database.js';
import { tempDataDir } from '../fixtures/tmp.js';

const randomEncoding = (): Float32Array => Float32Array.from({ length: 128 }, () => Math.random() - 0.5);
const box = { x: 1, y: 2, width: 30, height: 40 };

async function fresh() {
  const dir = tempDataDir();
  const databaseUrl = await databaseUrlFor(dir);
  const store = await openStore({ dataDir: dir, databaseUrl });
  return {
    dir,
    databaseUrl,
    store,
    people: store.people,
    faces: store.faces,
    done: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
      await dropDatabaseFor(dir);
    },
  };
}

test('a new database has every migration applied, and migrating again changes nothing', async () => {
  const s = await fresh();
  try {
    if (TEST_STORE === 'sqlite') {
      await s.store.close();
      const db = new Database(path.join(s.dir, 'faces.db'));
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(db.pragma('user_version', { simple: true }), readMigrations().at(-1)!.version);
        assert.equal(migrateSqlite(db), 0);
      } finally {
        db.close();
      }
    } else {
      const c = new pg.Client({ connectionString: s.databaseUrl });
      await c.connect();
      try {
        const versions = (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
        assert.deepEqual(
          versions,
          postgresMigrations().map((m) => m.version),
        );
        assert.equal(await migratePostgres(c), 0);
      } finally {
        await c.end();
      }
    }
  } finally {
    await s.done();
  }
});

test('people are found by name trimmed and case-insensitively, and a name can be held by one person only', async () => {
  const s = await fresh();
  try {
    const p = await s.people.insert('Émile', 'Zola');
    assert.equal((await s.people.findByName('  émile ', 'ZOLA '))?.id, p.id);
    // The engine's unique constraint: SQLite's UNIQUE, PostgreSQL's unique violation (23505).
    await assert.rejects(s.people.insert('ÉMILE', 'zola'), (e: { code?: string; message: string }) => /UNIQUE/.test(e.message) || e.code === '23505');
    assert.equal(await s.people.findByName('Emile', 'Zola'), undefined);
  } finally {
    await s.done();
  }
});

test('people are listed oldest first, filtered by part of the full name, and paged by id', async () => {
  const s = await fresh();
  try {
    const names = [
      ['Ada', 'Lovelace'],
      ['Alan', 'Turing'],
      ['Grace', 'Hopper'],
      ['Alan', 'Kay'],
    ] as const;
    const rows = [];
    for (const [f, l] of names) rows.push(await s.people.insert(f, l));
    assert.deepEqual(
      (await s.people.list({ limit: 10 })).map((p) => p.surName),
      ['Lovelace', 'Turing', 'Hopper', 'Kay'],
    );
    assert.deepEqual(
      (await s.people.list({ nameContains: 'ALAN', limit: 10 })).map((p) => p.surName),
      ['Turing', 'Kay'],
    );
    assert.deepEqual(
      (await s.people.list({ nameContains: 'n t', limit: 10 })).map((p) => p.surName),
      ['Turing'],
    );
    assert.deepEqual(
      (await s.people.list({ afterId: rows[1]!.id, limit: 1 })).map((p) => p.surName),
      ['Hopper'],
    );
    assert.equal(await s.people.count('alan'), 2);
    assert.equal(await s.people.count(), 4);
    // LIKE wildcards are plain characters here.
    assert.equal(await s.people.count('%'), 0);
  } finally {
    await s.done();
  }
});

test('an encoding survives the BLOB round trip bit for bit, and all encodings load packed for the index', async () => {
  const s = await fresh();
  try {
    const p = await s.people.insert('Ada', 'Lovelace');
    const e1 = randomEncoding();
    const e2 = randomEncoding();
    assert.equal(encodingToBlob(e1).length, 512);
    assert.deepEqual(blobToEncoding(encodingToBlob(e1)), e1);
    const f1 = await s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'a.jpg', box, encoding: e1 });
    const f2 = await s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'b.jpg', box, encoding: e2 });
    const batches: { ids: number[]; encodings: Float32Array }[] = [];
    let expected = -1;
    const snapshot = await s.faces.readEncodings({ expect: (n) => (expected = n), add: (ids, encodings) => batches.push({ ids, encodings }) });
    assert.equal(expected, 2);
    assert.equal(snapshot.count, 2);
    assert.deepEqual(
      batches.map((b) => b.ids),
      [[f1.id, f2.id]],
    );
    assert.deepEqual(batches[0]!.encodings.subarray(128, 256), e2);
    assert.deepEqual((await s.faces.get(f1.id))?.box, box);
    assert.throws(() => encodingToBlob(new Float32Array(3)), /128 floats/);
  } finally {
    await s.done();
  }
});

test('deleting a person deletes their face rows with them', async () => {
  const s = await fresh();
  try {
    const p = await s.people.insert('Ada', 'Lovelace');
    const q = await s.people.insert('Alan', 'Turing');
    await s.faces.insert({ imageId: crypto.randomUUID(), personId: p.id, fileName: 'a.jpg', box, encoding: randomEncoding() });
    await s.faces.insert({ imageId: crypto.randomUUID(), personId: q.id, fileName: 'b.jpg', box, encoding: randomEncoding() });
    assert.equal(await s.people.delete(p.id), true);
    assert.equal(await s.faces.count(), 1);
    assert.equal(await s.faces.countByPerson(p.id), 0);
    assert.equal(await s.people.delete(p.id), false);
  } finally {
    await s.done();
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

test('a gallery from before collections migrates whole: its faces stay, named, and face ids are never used again', async () => {
  const dir = tempDataDir();
  const databaseUrl = await databaseUrlFor(dir);
  const encoding = randomEncoding();
  try {
    // The schema as it was before migration 004 (SQLite) / 006 (PostgreSQL), with a face deleted after the last one.
    if (TEST_STORE === 'sqlite') {
      fs.mkdirSync(dir, { recursive: true });
      const db = new Database(path.join(dir, 'faces.db'));
      migrateSqlite(
        db,
        readMigrations().filter((m) => m.version < 4),
      );
      const person = db
        .prepare("INSERT INTO people (first_name, sur_name, name_key, search_name, created_at) VALUES ('A', 'B', 'a\tb', 'a b', 'now') RETURNING id")
        .get() as { id: number };
      const insert = db.prepare(
        "INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at) VALUES (?, ?, ?, 1, 2, 3, 4, ?, 'now')",
      );
      insert.run('old-1', person.id, 'old-1.jpg', encodingToBlob(encoding));
      insert.run('old-2', person.id, 'old-2.jpg', encodingToBlob(encoding));
      db.prepare("DELETE FROM faces WHERE image_id = 'old-2'").run();
      db.close();
    } else {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await migratePostgres(
          c,
          postgresMigrations().filter((m) => m.version < 6),
        );
        const person = (
          await c.query(
            "INSERT INTO people (first_name, sur_name, name_key, search_name, created_at) VALUES ('A', 'B', 'a\tb', 'a b', now()) RETURNING id",
          )
        ).rows[0];
        const insert =
          'INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at) VALUES ($1, $2, $3, 1, 2, 3, 4, $4, now())';
        await c.query(insert, ['old-1', person.id, 'old-1.jpg', encodingToBlob(encoding)]);
        await c.query(insert, ['old-2', person.id, 'old-2.jpg', encodingToBlob(encoding)]);
        await c.query("DELETE FROM faces WHERE image_id = 'old-2'");
      } finally {
        await c.end();
      }
    }
    const store = await openStore({ dataDir: dir, databaseUrl });
    try {
      const old = await store.faces.getByImageId('old-1');
      assert.ok(old && old.personId !== null && old.groupId === null && !old.ignored && old.photoId === null);
      assert.equal(await store.faces.crop('old-1'), null, 'no crop yet: made on first request');
      assert.ok(await store.faces.erased(['old-2.jpg']).then((e) => e.has('old-2.jpg')), 'the deletion record survives');
      const next = await store.faces.insert({ imageId: 'new', personId: old.personId, fileName: 'new.jpg', box, encoding });
      assert.ok(next.id > old.id + 1, `face id ${next.id} was used before`);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabaseFor(dir);
  }
});

test('unnamed faces: groups largest first, merged, named, moved back and ignored, each in one statement', async () => {
  const s = await fresh();
  try {
    const g1 = await s.faces.nextGroupId();
    const add = (imageId: string, groupId: number) =>
      s.faces.insert({
        imageId,
        personId: null,
        groupId,
        fileName: `${imageId}.jpg`,
        box,
        encoding: randomEncoding(),
        crop: Buffer.from([0xff, 0xd8]),
      });
    const a = await add('a', g1);
    await add('b', g1);
    const g2 = await s.faces.nextGroupId();
    assert.equal(g2, g1 + 1);
    const c = await add('c', g2);
    assert.deepEqual(await s.faces.listGroups(0, 10), [
      { groupId: g1, size: 2 },
      { groupId: g2, size: 1 },
    ]);
    assert.equal(await s.faces.countUnnamed(), 3);
    assert.deepEqual(await s.faces.crop('c'), Buffer.from([0xff, 0xd8]));
    assert.deepEqual((await s.faces.groupMembers([a.id, c.id])).get(c.id), { groupId: g2, ignored: false, groupSize: 1 });
    await s.store.transaction(() => s.faces.mergeGroups([g2], g1));
    assert.deepEqual(await s.faces.listGroups(0, 10), [{ groupId: g1, size: 3 }]);
    // A face must be named or in a group: never neither.
    await assert.rejects(s.faces.insert({ imageId: 'd', personId: null, groupId: null, fileName: 'd.jpg', box, encoding: randomEncoding() }));
    const p = await s.people.insert('Ann', 'Other');
    await s.store.transaction(() => s.faces.assign([a.id], p.id, null));
    assert.equal((await s.faces.get(a.id))!.groupId, null);
    assert.equal(await s.faces.countGroups(), 1);
    await s.store.transaction(() => s.faces.setIgnored([c.id], true));
    assert.deepEqual(await s.faces.listGroups(0, 10), [{ groupId: g1, size: 1 }]);
    // Naming an ignored face is a decision about it: it is no longer ignored.
    await s.store.transaction(() => s.faces.assign([c.id], null, g1));
    assert.equal((await s.faces.get(c.id))!.ignored, false);
    const unnamed = await s.faces.unnamedEncodings();
    assert.equal(unnamed.ids.length, 2);
    assert.equal(unnamed.encodings.length, 256);
    await s.store.transaction(() => s.faces.reassignPerson(p.id, p.id));
  } finally {
    await s.done();
  }
});
