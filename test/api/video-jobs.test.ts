// Video recognition jobs end to end over HTTP: real multipart uploads of clips made from Debian's johns photos,
// polled to the end; identities by VOTE and FUSION, thumbnails and the annotated copy served, cancel, bad videos,
// limits, restarts and crashes mid-job, and a server that keeps answering while a job runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/store.js';
import { databaseUrlFor } from '../fixtures/database.js';
import { serverFor, startTestServer, tempDataDir, type TestServer } from '../fixtures/server.js';
import { errorCode, gql, upload, type GraphQLResponse, type UploadFile } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH, SEARCH_FACE } from '../fixtures/operations.js';
import { DOGS, johnName, johnPhotos } from '../fixtures/photos.js';
import { glide, makeClip } from '../fixtures/clips.js';
import type { VideoTrack } from '../../src/graphql/generated.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const INTERRUPTED_MESSAGE = 'The service stopped while this job was running; upload the video again.';

const JOB_FIELDS = `id status progress fileName createdAt startedAt finishedAt annotatedVideoUrl error { code message }
  result {
    decision tolerance framesToDecide
    stats { framesDecoded framesDetected facesEncoded totalFrames width height fps wallSeconds framesPerSecond truncated }
    tracks {
      id label confidence distance framesRecognized firstFrame lastFrame firstTime lastTime thumbnailUrl
      person { id fullName }
      boxes { frame x y width height }
    }
  }`;
const RECOGNIZE_VIDEO = `mutation RecognizeVideo($file: Upload!, $options: VideoOptionsInput) {
  recognizeVideo(file: $file, options: $options) { ${JOB_FIELDS} }
}`;
const VIDEO_JOB = `query VideoJob($id: ID!) { videoJob(id: $id) { ${JOB_FIELDS} } }`;
const VIDEO_JOBS = 'query VideoJobs($first: Int) { videoJobs(first: $first) { id status fileName createdAt } }';
const CANCEL_VIDEO_JOB = `mutation Cancel($id: ID!) { cancelVideoJob(id: $id) { ${JOB_FIELDS} } }`;

/** A track as JOB_FIELDS asks for it. */
type Track = Required<
  Pick<VideoTrack, 'id' | 'label' | 'confidence' | 'distance' | 'framesRecognized' | 'firstFrame' | 'lastFrame' | 'thumbnailUrl'>
> & {
  person: { id: string; fullName: string } | null;
  boxes: { frame: number }[];
};

interface Job {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED';
  progress: number;
  fileName: string;
  startedAt: string | null;
  finishedAt: string | null;
  annotatedVideoUrl: string | null;
  error: { code: string; message: string } | null;
  result: {
    decision: string;
    framesToDecide: number;
    stats: { framesDecoded: number; framesDetected: number; facesEncoded: number; totalFrames: number; truncated: boolean };
    tracks: Track[];
  } | null;
}

const CLIP_FRAMES = 60;
const LONG_FRAMES = 300;
let clipDir: string;
/** Two enrolled johns and one never enrolled, each moving on its own path over a real photo (2.4 s). */
let threeJohns: string;
/** One face crossing a small grey frame for 12 s: long enough to catch a job while it runs. */
let longClip: string;
/** Enrolled in `server`: John Salley and John Simm. */
let server: TestServer;
const enrolled: Record<string, string> = {};

before(async () => {
  clipDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-video-jobs-'));
  threeJohns = path.join(clipDir, 'three-johns.mp4');
  await makeClip(threeJohns, {
    frames: CLIP_FRAMES,
    background: DOGS,
    actors: [
      { photo: johnPhotos('John_Salley')[5]!, at: glide(10, 40, 110, 60, CLIP_FRAMES, 1.2) },
      { photo: johnPhotos('John_Simm')[5]!, at: glide(250, 120, 300, 100, CLIP_FRAMES, 1.1) },
      { photo: johnPhotos('John_Savage')[5]!, at: glide(470, 60, 440, 90, CLIP_FRAMES, 1.1) },
    ],
  });
  longClip = path.join(clipDir, 'long.mp4');
  await makeClip(longClip, {
    width: 320,
    height: 240,
    frames: LONG_FRAMES,
    actors: [{ photo: johnPhotos('John_Schneider')[0]!, at: glide(20, 30, 150, 60, LONG_FRAMES, 0.9) }],
  });

  server = await startTestServer();
  for (const john of ['John_Salley', 'John_Simm']) {
    const r = await upload(server.url, ADD_PERSON, johnName(john), { file: johnPhotos(john)[0]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    enrolled[john.replace('_', ' ')] = r.data.addPerson.person.id;
  }
});

after(async () => {
  await server?.stop();
  fs.rmSync(clipDir, { recursive: true, force: true });
});

async function startJob(url: string, file: UploadFile, options?: Record<string, unknown>): Promise<Job> {
  const r = await upload(url, RECOGNIZE_VIDEO, { options }, { file });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.recognizeVideo as Job;
}

async function jobOf(url: string, id: string): Promise<Job> {
  const r = await gql(url, VIDEO_JOB, { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.videoJob as Job;
}

/** Polls the job until `until` holds; returns it with every state seen on the way. */
async function pollJob(url: string, id: string, until: (j: Job) => boolean, timeoutMs = 180_000, everyMs = 50): Promise<{ job: Job; seen: Job[] }> {
  const seen: Job[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobOf(url, id);
    seen.push(job);
    if (until(job)) return { job, seen };
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} (progress ${job.progress}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const ended = (j: Job) => j.status === 'DONE' || j.status === 'FAILED' || j.status === 'CANCELLED';

/** The files in a job's folder, sorted. */
const jobFiles = (s: TestServer, id: string): string[] => {
  const dir = path.join(s.dataDir, 'videos', id);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

/** Folders in videos/ and rows in video_jobs. */
const storedVideo = async (s: TestServer) => ({
  folders: fs.existsSync(path.join(s.dataDir, 'videos')) ? fs.readdirSync(path.join(s.dataDir, 'videos')).length : 0,
  jobs: (await s.videoJobs.list(100)).length,
});

function assertCleanError(r: GraphQLResponse, code: string, message?: RegExp): void {
  assert.ok(r.errors && r.errors.length > 0, `expected an error, got ${JSON.stringify(r)}`);
  assert.equal(errorCode(r), code, JSON.stringify(r.errors));
  if (message) assert.match(r.errors[0]!.message, message);
  assert.doesNotMatch(JSON.stringify(r), /\n\s+at |node_modules|\.ts:\d+/);
}

/** The service still recognises a photo. */
async function assertHealthy(s: TestServer): Promise<void> {
  const r = await upload(s.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[3]! });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.searchFace.status, s === server ? 'MATCH' : 'UNKNOWN');
}

describe('a video job runs to the end', () => {
  for (const decision of ['VOTE', 'FUSION'] as const) {
    test(`${decision}: the two enrolled johns are named and the stranger is Unknown; thumbnails${decision === 'VOTE' ? ' and the annotated copy' : ''} are served`, async (t) => {
      const annotate = decision === 'VOTE';
      const started = await startJob(server.url, threeJohns, { decision, annotate });
      assert.equal(started.status, 'QUEUED');
      assert.equal(started.progress, 0);
      assert.equal(started.fileName, 'three-johns.mp4');
      assert.equal(started.result, null);

      const { job, seen } = await pollJob(server.url, started.id, ended);
      assert.equal(job.status, 'DONE', JSON.stringify(job.error));
      const progress = [started, ...seen].map((j) => j.progress);
      t.diagnostic(`progress seen: ${progress.map((p) => p.toFixed(2)).join(' ')}`);
      assert.ok(
        progress.some((p) => p < 1),
        'progress is below 1 before the end',
      );
      assert.equal(job.progress, 1);
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, `progress went back: ${progress.join(', ')}`);
      assert.ok(job.startedAt && job.finishedAt && job.finishedAt >= job.startedAt);
      assert.equal(job.error, null);

      const result = job.result!;
      assert.equal(result.decision, decision);
      assert.equal(result.framesToDecide, 5);
      t.diagnostic(`tracks: ${result.tracks.map((tr) => `${tr.id}=${tr.label} (${tr.confidence?.toFixed(2)})`).join(', ')}`);
      assert.deepEqual(result.tracks.map((tr) => tr.label).sort(), ['John Salley', 'John Simm', 'Unknown']);
      for (const tr of result.tracks) {
        if (tr.label === 'Unknown') assert.equal(tr.person, null);
        else assert.deepEqual(tr.person, { id: enrolled[tr.label], fullName: tr.label });
        assert.ok(tr.confidence! > 0.5, `track ${tr.id} confidence ${tr.confidence}`);
        assert.equal(tr.framesRecognized, 5);
        assert.equal(tr.firstFrame, 0);
        assert.ok(tr.lastFrame >= CLIP_FRAMES - 5);
        assert.ok(tr.boxes.length >= CLIP_FRAMES - 5);
        assert.match(tr.thumbnailUrl!, new RegExp(`^/videos/${job.id}/track-${tr.id}\\.jpg$`));
        const res = await fetch(server.url + tr.thumbnailUrl);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'image/jpeg');
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.ok(bytes.length > 100 && bytes[0] === 0xff && bytes[1] === 0xd8, 'a JPEG');
      }
      assert.equal(result.stats.framesDecoded, CLIP_FRAMES);
      assert.equal(result.stats.facesEncoded, 15, 'no track is encoded more than N times');
      assert.equal(result.stats.truncated, false);

      if (annotate) {
        assert.equal(job.annotatedVideoUrl, `/videos/${job.id}/annotated.mp4`);
        const res = await fetch(server.url + job.annotatedVideoUrl);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'video/mp4');
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
        assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 container');
      } else {
        assert.equal(job.annotatedVideoUrl, null);
      }
      // The uploaded video is gone; only the outputs stay.
      const outputs = [...result.tracks.map((tr) => `track-${tr.id}.jpg`), ...(annotate ? ['annotated.mp4'] : [])].sort();
      assert.deepEqual(jobFiles(server, job.id), outputs);
    });
  }

  test('videoJobs lists the newest first', async () => {
    const r = await gql(server.url, VIDEO_JOBS, { first: 10 });
    const jobs = r.data.videoJobs as { id: string; createdAt: string; status: string }[];
    assert.ok(jobs.length >= 2);
    for (let i = 1; i < jobs.length; i++) assert.ok(jobs[i - 1]!.createdAt >= jobs[i]!.createdAt);
    assert.equal((await gql(server.url, VIDEO_JOBS, { first: 1 })).data.videoJobs.length, 1);
    assertCleanError(await gql(server.url, VIDEO_JOBS, { first: 1000 }), 'BAD_USER_INPUT', /first between 0 and 100/);
  });

  test('a track whose person was deleted since keeps its label and has no person', async (t) => {
    const s = await serverFor(t);
    const added = (await upload(s.url, ADD_PERSON, johnName('John_Simm'), { file: johnPhotos('John_Simm')[0]! })).data.addPerson;
    const { job } = await pollJob(s.url, (await startJob(s.url, threeJohns, { sampleEvery: 3 })).id, ended);
    assert.equal(job.status, 'DONE');
    assert.deepEqual(job.result!.tracks.map((tr) => tr.label).sort(), ['John Simm', 'Unknown', 'Unknown']);
    await gql(s.url, `mutation { deletePerson(id: "${added.person.id}") { deleted } }`);
    const again = await jobOf(s.url, job.id);
    const simm = again.result!.tracks.find((tr) => tr.label === 'John Simm')!;
    assert.equal(simm.person, null);
    assert.equal(again.result!.stats.framesDetected, CLIP_FRAMES / 3);
  });
});

describe('a job can be cancelled, and the server answers while one runs', () => {
  test('a running job ends CANCELLED with what it found so far; a queued one at once; health answers fast meanwhile', async (t) => {
    const running = await startJob(server.url, longClip);
    const queued = await startJob(server.url, longClip);
    assert.equal(queued.status, 'QUEUED');

    const { job: midway } = await pollJob(server.url, running.id, (j) => (j.status === 'RUNNING' && j.progress > 0.02) || ended(j), 60_000, 20);
    assert.equal(midway.status, 'RUNNING');
    assert.ok(midway.progress > 0 && midway.progress < 1, `progress ${midway.progress}`);

    // The native core works off the JavaScript thread: queries answer at once while frames are processed.
    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const r = await gql(server.url, HEALTH);
      latencies.push(performance.now() - t0);
      assert.equal(r.data.health.people, 2);
    }
    const still = await jobOf(server.url, running.id);
    t.diagnostic(`health latency while a job runs: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms (job at ${still.progress.toFixed(2)})`);
    assert.equal(still.status, 'RUNNING', 'the job was still running while health was asked');
    assert.ok(Math.max(...latencies) < 500, `slowest health answer ${Math.max(...latencies).toFixed(0)} ms`);

    const cancelledQueued = (await gql(server.url, CANCEL_VIDEO_JOB, { id: queued.id })).data.cancelVideoJob as Job;
    assert.equal(cancelledQueued.status, 'CANCELLED');
    assert.equal(cancelledQueued.result, null);
    assert.deepEqual(jobFiles(server, queued.id), [], 'its upload is deleted');

    const r = await gql(server.url, CANCEL_VIDEO_JOB, { id: running.id });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const cancelled = r.data.cancelVideoJob as Job;
    assert.equal(cancelled.status, 'CANCELLED');
    assert.ok(cancelled.finishedAt);
    const stats = cancelled.result!.stats;
    t.diagnostic(
      `stopped after ${stats.framesDecoded} of ${stats.totalFrames} frames, tracks: ${cancelled.result!.tracks.map((tr) => tr.label).join(', ')}`,
    );
    assert.equal(stats.truncated, true);
    assert.ok(stats.framesDecoded < LONG_FRAMES, `${stats.framesDecoded} frames`);
    assert.ok(cancelled.progress < 1);
    assert.equal(cancelled.annotatedVideoUrl, null);
    assert.ok(!jobFiles(server, running.id).some((f) => f.startsWith('source')), 'its upload is deleted');

    // Cancelling again changes nothing; the queued job never started.
    assert.equal((await gql(server.url, CANCEL_VIDEO_JOB, { id: running.id })).data.cancelVideoJob.status, 'CANCELLED');
    assert.equal((await jobOf(server.url, queued.id)).startedAt, null);
    await assertHealthy(server);
  });

  test('cancelVideoJob of an unknown id is NOT_FOUND; videoJob of one is null', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', '../x']) {
      assertCleanError(await gql(server.url, CANCEL_VIDEO_JOB, { id }), 'NOT_FOUND', /No video job/);
      assert.equal((await gql(server.url, VIDEO_JOB, { id })).data.videoJob, null);
    }
  });
});

describe('bad videos and bad options end with a clear error and leave the server healthy', () => {
  test('a zero-byte .mp4 is refused at upload (INVALID_VIDEO) and leaves nothing behind', async () => {
    const before = await storedVideo(server);
    assertCleanError(
      await upload(server.url, RECOGNIZE_VIDEO, {}, { file: { bytes: new Uint8Array(0), filename: 'empty.mp4' } }),
      'INVALID_VIDEO',
      /empty/,
    );
    assert.deepEqual(await storedVideo(server), before);
    await assertHealthy(server);
  });

  test('a file that is not named as a video is UNSUPPORTED_FILE_TYPE, whatever it holds', async () => {
    const before = await storedVideo(server);
    for (const file of [
      { bytes: Buffer.from('just some notes\n'), filename: 'notes.txt' },
      { bytes: fs.readFileSync(threeJohns), filename: 'clip.mp4.exe' },
      { bytes: fs.readFileSync(threeJohns), filename: 'clip' },
      { bytes: fs.readFileSync(johnPhotos('John_Salley')[0]!), filename: 'photo.jpg' },
    ]) {
      assertCleanError(await upload(server.url, RECOGNIZE_VIDEO, {}, { file }), 'UNSUPPORTED_FILE_TYPE', /mp4, \*\.webm/);
    }
    assert.deepEqual(await storedVideo(server), before);
    await assertHealthy(server);
  });

  test('a text file named .mp4 ends FAILED with INVALID_VIDEO', async () => {
    const file = { bytes: Buffer.from('these are not the frames you are looking for\n'.repeat(200)), filename: 'notes.mp4' };
    const { job } = await pollJob(server.url, (await startJob(server.url, file)).id, ended);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.error!.code, 'INVALID_VIDEO');
    assert.ok(job.error!.message.length > 10, job.error!.message);
    assert.ok(
      !job.error!.message.includes(server.dataDir) && !/(^|[\s"'(])\/\w/.test(job.error!.message),
      `no path of the server's in: ${job.error!.message}`,
    );
    assert.equal(job.result, null);
    assert.deepEqual(jobFiles(server, job.id), [], 'a failed job keeps no files');
    await assertHealthy(server);
  });

  test('options out of range are BAD_USER_INPUT, checked before anything is stored', async () => {
    const before = await storedVideo(server);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ sampleEvery: 0 }, /Expected sampleEvery between 1 and 1000 but received 0/],
      [{ sampleEvery: 1001 }, /sampleEvery between 1 and 1000/],
      [{ framesToDecide: 0 }, /Expected framesToDecide between 1 and 1000 but received 0/],
      [{ framesToDecide: 5000 }, /framesToDecide between 1 and 1000/],
      [{ minFaceSize: -3 }, /Expected minFaceSize of at least 0 but received -3/],
      [{ tolerance: 0 }, /Expected tolerance in \(0, 1\] but received 0/],
      [{ tolerance: 1.5 }, /tolerance in \(0, 1\]/],
    ];
    for (const [options, message] of cases) {
      assertCleanError(await upload(server.url, RECOGNIZE_VIDEO, { options }, { file: threeJohns }), 'BAD_USER_INPUT', message);
    }
    assert.deepEqual(await storedVideo(server), before);
  });

  test('a video longer than VIDEO_MAX_SECONDS ends FAILED with VIDEO_TOO_LONG', async (t) => {
    const s = await serverFor(t, { videoMaxSeconds: 1 });
    assert.equal((await gql(s.url, '{ health { videoMaxSeconds maxVideoMb } }')).data.health.videoMaxSeconds, 1);
    const { job } = await pollJob(s.url, (await startJob(s.url, threeJohns)).id, ended);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.error!.code, 'VIDEO_TOO_LONG');
    assert.match(job.error!.message, /limit is 1 s/);
    await assertHealthy(s);
  });

  test('a video over MAX_VIDEO_MB is FILE_TOO_LARGE and leaves nothing behind', async (t) => {
    const s = await serverFor(t, { maxVideoMb: 0.01 });
    assert.ok(fs.statSync(threeJohns).size > 0.01 * 1024 * 1024);
    assertCleanError(await upload(s.url, RECOGNIZE_VIDEO, {}, { file: threeJohns }), 'FILE_TOO_LARGE', /0\.01 MB/);
    assert.deepEqual(await storedVideo(s), { folders: 0, jobs: 0 });
    await assertHealthy(s);
  });

  test('photos keep MAX_UPLOAD_MB while videos may be as large as MAX_VIDEO_MB', async (t) => {
    const s = await serverFor(t, { maxUploadMb: 0.004, maxVideoMb: 50 });
    assertCleanError(
      await upload(s.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! }),
      'FILE_TOO_LARGE',
      /0\.004 MB/,
    );
    assert.ok(fs.statSync(threeJohns).size > 0.004 * 1024 * 1024);
    const job = await startJob(s.url, threeJohns);
    assert.equal(job.status, 'QUEUED');
    assert.equal((await gql(s.url, CANCEL_VIDEO_JOB, { id: job.id })).data.cancelVideoJob.status, 'CANCELLED');
  });
});

describe('files', () => {
  test("only a job's outputs are served, under strict names", async () => {
    const [done] = (await gql(server.url, VIDEO_JOBS, { first: 100 })).data.videoJobs.filter((j: Job) => j.status === 'DONE');
    assert.ok(done);
    for (const p of [
      `/videos/${done.id}/source.mp4`,
      `/videos/${done.id}/track-1.png`,
      `/videos/${done.id}/track-01.jpg`,
      `/videos/${done.id}/.tmp-x.mp4`,
      `/videos/${done.id.toUpperCase()}/track-1.jpg`,
      `/videos/${done.id}/..%2F..%2Ffaces.db`,
      '/videos/../faces.db',
      `/videos/${done.id}`,
      '/videos/',
    ]) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 404, p);
    }
  });

  test('finished jobs beyond the newest kept are deleted with their files', async (t) => {
    const s = await serverFor(t, { keepFinishedVideoJobs: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const file = { bytes: Buffer.from(`not a video ${i}\n`.repeat(50)), filename: `bad-${i}.mp4` };
      const { job } = await pollJob(s.url, (await startJob(s.url, file)).id, ended);
      ids.push(job.id);
    }
    assert.equal((await gql(s.url, VIDEO_JOB, { id: ids[0] })).data.videoJob, null);
    assert.deepEqual(
      (await gql(s.url, VIDEO_JOBS, {})).data.videoJobs.map((j: Job) => j.id),
      [ids[2], ids[1]],
    );
  });

  test('thumbnails and the annotated copy survive a restart and follow the API key rule of /images', async () => {
    const [done] = (await gql(server.url, VIDEO_JOBS, { first: 100 })).data.videoJobs.filter((j: Job) => j.status === 'DONE');
    const before = await jobOf(server.url, done.id);
    await server.close();
    const keyed = await startTestServer({ dataDir: server.dataDir, apiKeys: ['video-secret'] });
    try {
      const r = await gql(keyed.url, VIDEO_JOB, { id: done.id }, { apiKey: 'video-secret' });
      assert.deepEqual(r.data.videoJob, before);
      const thumb = before.result!.tracks[0]!.thumbnailUrl!;
      assert.equal((await fetch(keyed.url + thumb)).status, 401);
      assert.equal((await fetch(`${keyed.url}${thumb}?key=wrong`)).status, 401);
      assert.equal((await fetch(`${keyed.url}${thumb}?key=video-secret`)).status, 200);
      const res = await fetch(keyed.url + thumb, { headers: { 'x-api-key': 'video-secret' } });
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
    } finally {
      await keyed.close();
    }
  });
});

describe('a job never survives a restart or a crash silently', () => {
  test('jobs left QUEUED or RUNNING in the database are FAILED/INTERRUPTED after a restart, their uploads deleted', async (t) => {
    const dataDir = tempDataDir();
    t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const first = await startTestServer({ dataDir });
    await first.close();

    // What a process that died mid-job leaves: rows still QUEUED / RUNNING with their uploads, a half-written
    // upload without a row, and files in videos/ that are not the service's.
    const store = await openStore({ dataDir, databaseUrl: await databaseUrlFor(dataDir) });
    const running = crypto.randomUUID();
    const queued = crypto.randomUUID();
    const orphan = crypto.randomUUID();
    await store.videoJobs.insert(running, 'running.mp4', {});
    await store.videoJobs.start(running);
    await store.videoJobs.setProgress(running, 0.4);
    await store.videoJobs.insert(queued, 'queued.webm', {});
    await store.close();
    const videos = path.join(dataDir, 'videos');
    for (const [id, file] of [
      [running, 'source.mp4'],
      [running, 'track-1.jpg'],
      [queued, 'source.webm'],
      [orphan, '.tmp-upload'],
    ]) {
      fs.mkdirSync(path.join(videos, id!), { recursive: true });
      fs.writeFileSync(path.join(videos, id!, file!), 'bytes');
    }
    fs.writeFileSync(path.join(videos, 'README.txt'), 'not the service’s');

    const second = await startTestServer({ dataDir });
    t.after(() => second.close());
    for (const id of [running, queued]) {
      const job = await jobOf(second.url, id);
      assert.equal(job.status, 'FAILED');
      assert.deepEqual(job.error, { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE });
      assert.ok(job.finishedAt);
    }
    assert.deepEqual(fs.readdirSync(videos).sort(), ['README.txt', queued, running].sort());
    assert.deepEqual(jobFiles(second, queued), []);
    assert.deepEqual(jobFiles(second, running), ['track-1.jpg']);
    assert.ok(
      second.logs.some((l) => /2 job\(s\), now FAILED \(INTERRUPTED\)/.test(l)),
      second.logs.join('\n'),
    );
    await assertHealthy(second);
  });

  test('closing the server during a job marks it FAILED/INTERRUPTED', async (t) => {
    const dataDir = tempDataDir();
    t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const first = await startTestServer({ dataDir });
    const job = await startJob(first.url, longClip);
    await pollJob(first.url, job.id, (j) => j.status === 'RUNNING' || ended(j), 60_000, 20);
    await first.close();

    const second = await startTestServer({ dataDir });
    t.after(() => second.close());
    const after = await jobOf(second.url, job.id);
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error!.code, 'INTERRUPTED');
    assert.deepEqual(jobFiles(second, job.id), []);
  });

  test('a server killed (SIGKILL) in the middle of a job: after the restart the job is FAILED/INTERRUPTED', async (t) => {
    const dataDir = tempDataDir();
    t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'main.ts')], {
      cwd: REPO,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: (await databaseUrlFor(dataDir)) ?? '', PORT: '0', HOST: '127.0.0.1', API_KEYS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service did not start: ${output}`)), 60_000);
      const read = (d: Buffer) => {
        output += d.toString();
        const m = /listening on (http:\/\/[^\s/]+)\//.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', () => reject(new Error(`the service exited: ${output}`)));
    });

    const job = await startJob(url, longClip);
    const { job: midway } = await pollJob(url, job.id, (j) => (j.status === 'RUNNING' && j.progress > 0) || ended(j), 60_000, 20);
    assert.equal(midway.status, 'RUNNING');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(
      fs.readdirSync(path.join(dataDir, 'videos', job.id)).some((f) => f.startsWith('source.')),
      'the upload was there when it died',
    );

    const restarted = await startTestServer({ dataDir });
    t.after(() => restarted.close());
    const after = await jobOf(restarted.url, job.id);
    assert.equal(after.status, 'FAILED');
    assert.deepEqual(after.error, { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE });
    assert.deepEqual(jobFiles(restarted, job.id), [], 'the upload is deleted');
    await assertHealthy(restarted);
  });
});
