// npm run import, as its own process on the engine the tests run on: a folder with bad files imports what it can and
// names the rest; an import killed midway (SIGKILL) and run again ends with every photo imported once; a second run
// adds nothing; --by-folder makes one person per folder with exactly that folder's photos.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDataDir, startTestServer } from '../fixtures/server.js';
import { databaseUrlFor, dropDatabaseFor } from '../fixtures/database.js';
import { gql } from '../fixtures/graphql-client.js';
import { allJohns, DOGS } from '../fixtures/photos.js';
import { assertConsistent } from '../fixtures/consistency.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The johns' 55 files hold 54 different photos (two of John Shimkus's are the same bytes). */
const DISTINCT_JOHNS = 54;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  summary?: {
    photos: number;
    imported: number;
    alreadyImported: number;
    noFace: number;
    failed: { file: string; code: string }[];
    unnamed: number;
    named: number;
  };
}

/** Runs the import command; `killWhen` sees its data folder and returns true when the process is to be killed. */
async function runImport(dataDir: string, args: string[], killWhen?: () => boolean): Promise<Run> {
  const databaseUrl = await databaseUrlFor(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'cli', 'import.ts'), ...args, '--json'], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = killWhen
    ? setInterval(() => {
        if (killWhen()) child.kill('SIGKILL');
      }, 20)
    : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearInterval(timer);
  return { code, signal, stderr, ...(stdout.trim() && { summary: JSON.parse(stdout) }) };
}

/** A folder of the johns in their person folders, plus files that are not photos of anyone. */
function collectionFolder(): string {
  const dir = tempDataDir();
  for (const [name, files] of allJohns()) {
    fs.mkdirSync(path.join(dir, name));
    for (const f of files) fs.copyFileSync(f, path.join(dir, name, path.basename(f)));
  }
  fs.writeFileSync(path.join(dir, 'notes.jpg'), 'not a photo');
  fs.writeFileSync(path.join(dir, 'empty.png'), '');
  fs.writeFileSync(path.join(dir, 'readme.txt'), 'skipped: not a photo file name');
  fs.copyFileSync(DOGS, path.join(dir, 'dogs.jpg'));
  return dir;
}

const imagesIn = (dataDir: string): number => (fs.existsSync(path.join(dataDir, 'images')) ? fs.readdirSync(path.join(dataDir, 'images')).length : 0);

describe('npm run import', { timeout: 600_000 }, () => {
  let folder: string;
  const dataDirs: string[] = [];
  const newDataDir = () => {
    const d = tempDataDir();
    dataDirs.push(d);
    return d;
  };

  before(() => {
    folder = collectionFolder();
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    for (const d of dataDirs) {
      fs.rmSync(d, { recursive: true, force: true });
      await dropDatabaseFor(d);
    }
  });

  it('imports a folder, reports the bad files, and resumes after being killed midway', async () => {
    const dataDir = newDataDir();
    const killed = await runImport(dataDir, [folder], () => imagesIn(dataDir) >= 15);
    assert.equal(killed.signal, 'SIGKILL');
    const partly = imagesIn(dataDir);
    assert.ok(partly >= 15 && partly < DISTINCT_JOHNS, `${partly} photos imported before the kill`);

    const resumed = await runImport(dataDir, [folder]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const s = resumed.summary!;
    assert.equal(s.photos, 58, 'every photo file seen (readme.txt is not one)');
    assert.ok(s.alreadyImported >= 15, `${s.alreadyImported} skipped as imported before the kill`);
    assert.equal(s.noFace, 1, 'dogs.jpg');
    assert.deepEqual(s.failed.map((f) => [f.file, f.code]).sort(), [
      ['empty.png', 'INVALID_IMAGE'],
      ['notes.jpg', 'INVALID_IMAGE'],
    ]);
    assert.match(resumed.stderr, /refused notes\.jpg: INVALID_IMAGE/);

    const again = await runImport(dataDir, [folder]);
    assert.equal(again.summary!.alreadyImported, DISTINCT_JOHNS + 1 + 1, 'every photo (and dogs.jpg, and the copy) skipped');
    assert.equal(again.summary!.unnamed, 0);

    const s2 = await startTestServer({ dataDir, databaseUrl: await databaseUrlFor(dataDir) });
    try {
      const h = (await gql(s2.url, '{ health { faces unnamedFaces } faceGroups(first: 20) { totalCount nodes { size } } }')).data;
      assert.deepEqual([h.health.faces, h.health.unnamedFaces], [0, DISTINCT_JOHNS]);
      assert.equal(h.faceGroups.totalCount, 5);
      await assertConsistent(s2, dataDir);
    } finally {
      await s2.close();
    }
  });

  it('--by-folder makes each folder a person with exactly its photos, and a second run adds nothing', async () => {
    const dataDir = newDataDir();
    const first = await runImport(dataDir, ['--by-folder', folder]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.summary!.named, DISTINCT_JOHNS);
    assert.equal(first.summary!.unnamed, 0);
    // Files at the top of the folder belong to no person folder: refused, with the reason.
    assert.ok(first.summary!.failed.some((f) => f.file === 'dogs.jpg' && f.code === 'BAD_USER_INPUT'));
    const second = await runImport(dataDir, ['--by-folder', folder]);
    assert.equal(second.summary!.named, 0);
    assert.equal(second.summary!.alreadyImported, DISTINCT_JOHNS + 1);

    const s2 = await startTestServer({ dataDir, databaseUrl: await databaseUrlFor(dataDir) });
    try {
      const people = (await gql(s2.url, '{ people(first: 10) { totalCount nodes { fullName faceCount } } }')).data.people;
      assert.equal(people.totalCount, 5);
      const counts = Object.fromEntries(people.nodes.map((p: { fullName: string; faceCount: number }) => [p.fullName, p.faceCount]));
      assert.deepEqual(counts, { 'John Salley': 11, 'John Savage': 11, 'John Schneider': 11, 'John Shimkus': 10, 'John Simm': 11 });
      await assertConsistent(s2, dataDir);
    } finally {
      await s2.close();
    }
  });

  it('answers a usage error without touching anything', async () => {
    const dataDir = newDataDir();
    const r = await runImport(dataDir, ['--detector', 'sift', folder]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--detector must be cnn or hog/);
    assert.equal(fs.existsSync(path.join(dataDir, 'faces.db')), false);
  });
});
