// The video command line: a table of tracks for a file, identities as they are decided, clear errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gallery, personName } from '../../src/gallery/index.js';
import { faceCore } from '../fixtures/core.js';
import { makeClip, glide } from '../fixtures/clips.js';
import { DOGS, johnPhotos } from '../fixtures/photos.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let dataDir: string;
let clip: string;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/video.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-video-cli-'));
  dataDir = path.join(dir, 'data');
  const gallery = await Gallery.open({ dataDir, core: faceCore, tolerance: 0.6 });
  const photo = johnPhotos('John_Schneider')[0];
  await gallery.addPerson({ bytes: fs.readFileSync(photo), filename: 'a.jpg' }, personName('John', 'Schneider'));
  await gallery.close();
  clip = path.join(dir, 'clip.mp4');
  await makeClip(clip, {
    frames: 40,
    background: DOGS,
    actors: [
      { photo: johnPhotos('John_Schneider')[4], at: glide(40, 60, 140, 80, 40, 1.2) },
      { photo: johnPhotos('John_Shimkus')[4], at: glide(400, 80, 360, 100, 40, 1.2) },
    ],
  });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('prints each identity as it is decided, then a table of tracks', () => {
  const r = cli(clip, '--decision', 'FUSION', '--frames', '3');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const header = lines.findIndex((l) => /^track\s+person\s+confidence\s+distance\s+frames\s+seen/.test(l));
  assert.ok(header >= 0, r.stdout);
  const announced = lines.slice(0, header);
  assert.equal(announced.filter((l) => /track \d+: John Schneider/.test(l)).length, 1, r.stdout);
  assert.equal(announced.filter((l) => /track \d+: Unknown/.test(l)).length, 1, r.stdout);
  const rows = lines.slice(header + 1);
  assert.equal(rows.length, 2, r.stdout);
  assert.ok(
    rows.some((l) => /John Schneider\s+0\.\d\d\s+0\.\d{3}\s+3\s+0:00\.0-0:01\.\d/.test(l)),
    r.stdout,
  );
  assert.ok(
    rows.some((l) => /Unknown/.test(l)),
    r.stdout,
  );
  assert.match(r.stderr, /40 frames \(40 through detection, 6 faces encoded\).*decision FUSION/);
});

test('--json gives the tracks as data', () => {
  const r = cli(clip, '--json', '--every', '2');
  assert.equal(r.status, 0, r.stderr);
  const json = r.stdout.slice(r.stdout.indexOf('['));
  const tracks = JSON.parse(json) as { person: string; confidence: number; frames: number }[];
  assert.deepEqual(tracks.map((t) => t.person).sort(), ['John Schneider', 'Unknown']);
  for (const t of tracks) assert.ok(t.confidence > 0.5 && t.frames === 5);
});

test('reads a stream URL, naming people as they are decided', async () => {
  // A plain static file server with byte ranges, as MP4 over HTTP needs (FFmpeg seeks to the index at the end).
  const size = fs.statSync(clip).size;
  const server = http.createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) : size - 1;
    res.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    fs.createReadStream(clip, { start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4`;
  try {
    // Asynchronous spawn: the HTTP server above runs in this process and must keep answering.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/video.ts'), url], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 0, stderr);
    assert.match(stderr, new RegExp(`reading ${url.replace(/[.]/g, '\\.')}`));
    assert.match(stdout, /track \d+: John Schneider \(confidence/);
    assert.match(stdout, /track \d+: Unknown/);
  } finally {
    server.close();
  }
});

test('a file that is not a video is a clear error with its code, and a usage error without arguments', () => {
  const text = path.join(dir, 'notes.mp4');
  fs.writeFileSync(text, 'not a video');
  const r = cli(text);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot be opened.*\[INVALID_VIDEO\]/s);
  const usage = cli();
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^Usage: npm run video/m);
});
