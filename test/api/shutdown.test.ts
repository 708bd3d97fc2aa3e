// SIGTERM while keep-alive clients enrol: every request the service runs is answered. Requests already running
// finish and get their answer; requests that arrive after the stop began (on kept-alive connections) are refused
// with 503 SHUTTING_DOWN and `Connection: close` before anything runs; the process exits 0 and leaves no temp file.
// SHUTDOWN_RUNS=20 repeats the run 20 times (3 by default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startChildServer } from '../fixtures/child-server.js';
import { startTestServer } from '../fixtures/server.js';
import { databaseUrlFor, dropDatabaseFor } from '../fixtures/database.js';
import { multipartBody } from '../fixtures/graphql-client.js';
import { ADD_PERSON, HEALTH } from '../fixtures/operations.js';
import { johnNames, johnPhotos } from '../fixtures/photos.js';
import { tempDataDir } from '../fixtures/tmp.js';
import { openStore } from '../../src/store/store.js';

const RUNS = Number(process.env.SHUTDOWN_RUNS ?? 3);
const CLIENTS = 8;

type Outcome =
  /** 200 with the person enrolled. */
  | 'acknowledged'
  /** 503 SHUTTING_DOWN with Connection: close. */
  | 'refused'
  /** Any other answer (an error): nothing may have been stored. */
  | 'answered-otherwise'
  /** Sent, and the connection closed with no answer: nothing may have been stored. */
  | 'unanswered'
  /** No connection (the service stopped listening): the client stops. */
  | 'unconnected';

interface Attempt {
  name: string;
  outcome: Outcome;
  detail?: string;
}

const PHOTOS = johnNames()
  .flatMap((n) => johnPhotos(n))
  .map((p) => fs.readFileSync(p));

/** One addPerson as a multipart POST on `agent`'s kept-alive connection. */
async function enrol(url: string, agent: http.Agent, firstName: string, surName: string, photo: Buffer): Promise<Attempt> {
  const name = `${firstName} ${surName}`;
  const form = multipartBody(ADD_PERSON, { firstName, surName }, { file: { bytes: photo, filename: 'photo.jpg', type: 'image/jpeg' } });
  const encoded = new Request('http://localhost/', { method: 'POST', body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return new Promise<Attempt>((resolve) => {
    const req = http.request(
      `${url}/graphql`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': encoded.headers.get('content-type')!, 'content-length': body.length, 'apollo-require-preflight': 'true' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ name, outcome: 'unanswered', detail: `answer cut off: ${err.message}` }));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return resolve({ name, outcome: 'unanswered', detail: `HTTP ${res.statusCode}, not JSON` });
          }
          if (res.statusCode === 200 && json.data?.addPerson?.person?.fullName === name) return resolve({ name, outcome: 'acknowledged' });
          const code = json.errors?.[0]?.extensions?.code;
          if (res.statusCode === 503 && code === 'SHUTTING_DOWN') {
            return resolve({ name, outcome: 'refused', detail: `Connection: ${res.headers.connection}` });
          }
          resolve({ name, outcome: 'answered-otherwise', detail: `HTTP ${res.statusCode} ${JSON.stringify(json).slice(0, 300)}` });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ name, outcome: err.code === 'ECONNREFUSED' ? 'unconnected' : 'unanswered', detail: `${err.code ?? ''} ${err.message}` }),
    );
    req.end(body);
  });
}

/** One run: 8 keep-alive clients enrolling, SIGTERM after `stopAfter` acknowledgements; what went wrong, if anything. */
async function run(index: number, stopAfter: number): Promise<{ problems: string[]; counts: Record<Outcome, number> }> {
  const dataDir = tempDataDir();
  const databaseUrl = await databaseUrlFor(dataDir);
  const problems: string[] = [];
  const counts: Record<Outcome, number> = { acknowledged: 0, refused: 0, 'answered-otherwise': 0, unanswered: 0, unconnected: 0 };
  try {
    const server = await startChildServer({ DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) });
    const attempts: Attempt[] = [];
    let stopSent = false;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < 1000; i++) {
          const attempt = await enrol(server.url, agent, `Client${c}`, `Run${index} N${i}`, PHOTOS[(c * 7 + i) % PHOTOS.length]!);
          attempts.push(attempt);
          counts[attempt.outcome]++;
          if (attempt.outcome === 'refused' && !/close/i.test(attempt.detail ?? ''))
            problems.push(`${attempt.name}: refused without Connection: close`);
          if (!stopSent && counts.acknowledged >= stopAfter) {
            stopSent = true;
            server.process.kill('SIGTERM');
          }
          // A refused client would try again later, or elsewhere.
          if (attempt.outcome === 'unconnected' || attempt.outcome === 'refused') break;
        }
      } finally {
        agent.destroy();
      }
    });
    await Promise.all(clients);
    await server.exited;
    if (server.process.exitCode !== 0)
      problems.push(`exit code ${server.process.exitCode} (signal ${server.process.signalCode}): ${server.output()}`);

    const images = path.join(dataDir, 'images');
    const temps = fs.existsSync(images) ? fs.readdirSync(images).filter((f) => f.startsWith('.tmp-')) : [];
    if (temps.length > 0) problems.push(`temp files left in images/: ${temps.join(', ')}`);

    const store = await openStore({ dataDir, databaseUrl });
    let stored: string[];
    let faces: number;
    try {
      stored = (await store.people.list({ limit: 100_000 })).map((p) => `${p.firstName} ${p.surName}`);
      faces = await store.faces.count();
    } finally {
      await store.close();
    }
    const acknowledged = new Set(attempts.filter((a) => a.outcome === 'acknowledged').map((a) => a.name));
    for (const name of stored) {
      if (!acknowledged.has(name)) {
        const a = attempts.find((x) => x.name === name);
        problems.push(`${name} is stored but its client saw ${a?.outcome} (${a?.detail ?? ''})`);
      }
    }
    for (const name of acknowledged) if (!stored.includes(name)) problems.push(`${name} was acknowledged but is not stored`);
    if (faces !== stored.length) problems.push(`${faces} faces stored for ${stored.length} people`);
    return { problems, counts };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropDatabaseFor(dataDir);
  }
}

test(`SIGTERM under ${CLIENTS} keep-alive writers: every stored enrolment was answered, nothing refused was run, exit 0, no temp file (${RUNS} runs)`, async (t) => {
  const failed: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    // The stop comes at a different point of the enrolments each run.
    const { problems, counts } = await run(i, CLIENTS + ((i * 5) % 17));
    t.diagnostic(`run ${i + 1}: ${JSON.stringify(counts)}${problems.length ? ` — ${problems.length} problem(s)` : ''}`);
    if (problems.length > 0) failed.push(`run ${i + 1}:\n  ${problems.join('\n  ')}`);
  }
  assert.equal(failed.length, 0, `${failed.length} of ${RUNS} runs went wrong:\n${failed.join('\n')}`);
});

test('after close() began, a request on a kept-alive connection is refused before it runs: 503 SHUTTING_DOWN, Connection: close', async (t) => {
  const s = await startTestServer();
  let closed = false;
  t.after(async () => {
    if (!closed) await s.close();
    await s.stop();
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const health = JSON.stringify({ query: HEALTH });
  const first = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(`${s.url}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(health);
  });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers.connection, 'keep-alive');

  const closing = s.close().then(() => (closed = true));
  const refused = await enrol(s.url, agent, 'John', 'Late', PHOTOS[0]!);
  assert.equal(refused.outcome, 'refused', JSON.stringify(refused));
  assert.match(refused.detail ?? '', /Connection: close/);
  await closing;

  const store = await openStore({ dataDir: s.dataDir, databaseUrl: await databaseUrlFor(s.dataDir) });
  try {
    assert.equal(await store.people.count(), 0, 'the refused enrolment did not run');
  } finally {
    await store.close();
  }
});
