// The local cluster (src/cluster/cluster.ts: private PostgreSQL, SeaweedFS, two replicas, a worker process, the
// round-robin front), nothing mocked: a video job uploaded on one replica is run by the worker process and its
// outputs served by every replica; a cancel from the other replica stops it; a worker killed mid-job leaves the
// job FAILED with a code, never RUNNING; the front spreads searches over both replicas and survives one's death.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { gql, upload } from '../fixtures/graphql-client.js';
import { ADD_PERSON, SEARCH_FACE } from '../fixtures/operations.js';
import { johnName, johnPhotos } from '../fixtures/photos.js';
import { glide, threeJohnsClip, makeClip } from '../fixtures/clips.js';

const JOB = 'id status progress error { code message } annotatedVideoUrl result { tracks { label thumbnailUrl person { fullName } } }';
const RECOGNIZE_VIDEO = `mutation($file: Upload!, $options: VideoOptionsInput) { recognizeVideo(file: $file, options: $options) { ${JOB} } }`;
const VIDEO_JOB = `query($id: ID!) { videoJob(id: $id) { ${JOB} } }`;
const CANCEL = `mutation($id: ID!) { cancelVideoJob(id: $id) { ${JOB} } }`;

interface Job {
  id: string;
  status: string;
  progress: number;
  error: { code: string; message: string } | null;
  annotatedVideoUrl: string | null;
  result: { tracks: { label: string; thumbnailUrl: string | null; person: { fullName: string } | null }[] } | null;
}

let cluster: Cluster;
let clipDir: string;
let clip: string;
let longClip: string;

before(async () => {
  clipDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-cluster-clips-'));
  clip = path.join(clipDir, 'three-johns.mp4');
  await threeJohnsClip(clip, 40);
  longClip = path.join(clipDir, 'long.mp4');
  await makeClip(longClip, {
    width: 320,
    height: 240,
    frames: 1500,
    actors: [{ photo: johnPhotos('John_Schneider')[0]!, at: glide(20, 30, 150, 60, 1500, 0.9) }],
  });
  // The replicas only queue video jobs; the worker process runs them.
  cluster = await startCluster({ worker: true, replicaWorkers: false, env: { FACE_THREADS: '1', VIDEO_JOB_LEASE_S: '6' } });
  const r = await upload(cluster.replicas[0]!.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
});

after(async () => {
  await cluster?.stop();
  fs.rmSync(clipDir, { recursive: true, force: true });
});

async function startJob(url: string, file: string, options?: Record<string, unknown>): Promise<Job> {
  const r = await upload(url, RECOGNIZE_VIDEO, { options }, { file });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.recognizeVideo as Job;
}

async function jobOf(url: string, id: string): Promise<Job> {
  const r = await gql(url, VIDEO_JOB, { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.videoJob as Job;
}

async function pollJob(url: string, id: string, until: (j: Job) => boolean, timeoutMs: number): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobOf(url, id);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} (progress ${job.progress}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ended = (j: Job) => ['DONE', 'FAILED', 'CANCELLED'].includes(j.status);

describe('video jobs on the shared queue', () => {
  test('a job uploaded on replica A is run by the worker process; A and B report it and serve its outputs', async () => {
    const [a, b] = cluster.replicas;
    const job = await startJob(a!.url, clip, { decision: 'VOTE', framesToDecide: 3, annotate: true });
    assert.equal(job.status, 'QUEUED');
    const done = await pollJob(b!.url, job.id, ended, 120_000);
    assert.equal(done.status, 'DONE', JSON.stringify(done.error));
    assert.match(cluster.worker!.output(), /taking video jobs/);
    const onA = await jobOf(a!.url, job.id);
    assert.deepEqual(onA, done);
    const salley = done.result!.tracks.find((t) => t.person?.fullName === 'John Salley');
    assert.ok(salley, JSON.stringify(done.result));
    for (const url of [salley.thumbnailUrl!, done.annotatedVideoUrl!]) {
      for (const replica of [a!, b!]) {
        const res = await fetch(new URL(url, replica.url));
        assert.equal(res.status, 200, `${url} on ${replica.url}`);
        assert.ok((await res.arrayBuffer()).byteLength > 100);
      }
    }
    // Neither replica ran it: their folders never held the job.
    for (const replica of [a!, b!]) assert.equal(fs.existsSync(path.join(replica.dataDir, 'videos', job.id)), false);
  });

  test('a running job is cancelled from the other replica', async () => {
    const [a, b] = cluster.replicas;
    const job = await startJob(a!.url, longClip);
    await pollJob(a!.url, job.id, (j) => (j.status === 'RUNNING' && j.progress > 0) || ended(j), 60_000);
    const started = Date.now();
    const r = await gql(b!.url, CANCEL, { id: job.id });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const after = await pollJob(a!.url, job.id, ended, 10_000);
    assert.equal(after.status, 'CANCELLED');
    assert.ok(Date.now() - started < 10_000);
  });

  test('a queued job is cancelled from the other replica at once', async () => {
    const [a, b] = cluster.replicas;
    const first = await startJob(a!.url, longClip);
    const second = await startJob(a!.url, longClip);
    const r = await gql(b!.url, CANCEL, { id: second.id });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.cancelVideoJob.status, 'CANCELLED');
    await gql(b!.url, CANCEL, { id: first.id });
    assert.equal((await pollJob(a!.url, first.id, ended, 10_000)).status, 'CANCELLED');
  });

  test('a worker killed (SIGKILL) mid-job: the job ends FAILED/INTERRUPTED within seconds, never stuck RUNNING; another worker takes the next', async () => {
    const [a, b] = cluster.replicas;
    const job = await startJob(a!.url, longClip);
    await pollJob(b!.url, job.id, (j) => (j.status === 'RUNNING' && j.progress > 0) || ended(j), 60_000);
    cluster.worker!.process.kill('SIGKILL');
    assert.equal(await cluster.worker!.exited, 'SIGKILL');
    const killed = Date.now();
    const after = await pollJob(b!.url, job.id, (j) => j.status !== 'RUNNING', 20_000);
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error!.code, 'INTERRUPTED');
    console.log(`# job FAILED/INTERRUPTED ${Date.now() - killed} ms after its worker was killed`);
    // The replicas did not touch each other's work: the next job waits QUEUED for a worker, and a new one runs it.
    const next = await startJob(b!.url, clip, { framesToDecide: 3 });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await jobOf(a!.url, next.id)).status, 'QUEUED');
    await cluster.startWorker();
    assert.equal((await pollJob(a!.url, next.id, ended, 120_000)).status, 'DONE');
  });
});

describe('the round-robin front', () => {
  test('an enrolment through the front is a MATCH on every search through it, answered by both replicas', async () => {
    const r = await upload(cluster.url, ADD_PERSON, johnName('John_Simm'), { file: johnPhotos('John_Simm')[0]! });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const before = [...cluster.front.counts];
    for (let i = 0; i < 6; i++) {
      const s = await upload(cluster.url, SEARCH_FACE, {}, { file: johnPhotos('John_Simm')[(i % 3) + 1]! });
      assert.equal(s.errors, undefined, JSON.stringify(s.errors));
      assert.equal(s.data.searchFace.status, 'MATCH');
      assert.equal(s.data.searchFace.fullName, 'John Simm');
    }
    const answered = cluster.front.counts.map((n, i) => n - before[i]!);
    assert.ok(
      answered.every((n) => n >= 2),
      `answers per replica: ${answered}`,
    );
    // A photo streamed through the front.
    const photo = await fetch(new URL(r.data.addPerson.url, cluster.url));
    assert.equal(photo.status, 200);
    assert.ok((await photo.arrayBuffer()).byteLength > 1000);
  });

  test('with one replica killed, the front still answers every request', async () => {
    const b = cluster.replicas[1]!;
    b.process.kill('SIGKILL');
    await b.exited;
    for (let i = 0; i < 4; i++) {
      const s = await upload(cluster.url, SEARCH_FACE, {}, { file: johnPhotos('John_Salley')[i + 1]! });
      assert.equal(s.errors, undefined, JSON.stringify(s.errors));
      assert.equal(s.data.searchFace.status, 'MATCH');
    }
  });
});
