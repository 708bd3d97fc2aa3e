// Benchmark of the local cluster (`npm run bench:cluster`): startCluster() — private PostgreSQL, SeaweedFS, two
// replicas, the round-robin front — against one replica alone on SQLite, with the same gallery (random unit
// encodings inserted through the store, ~1.4 from any real face, plus Debian's johns enrolled through the API).
// Measures searchFace requests/s and p50/p95 at 1/4/16 clients (median over runs), propagation of API enrolments
// (answered by A → applied to B's index), and the figures of issue 11, item 7:
//   --writers 16 --changes 1000    propagation under 16 concurrent writers inserting straight into PostgreSQL with the
//                                  store's own statements (its transaction with the feed's lock, the faces INSERT):
//                                  COMMIT → applied to B's in-memory index (B's feed position, read by polling)
//   --catchup 1000,100000          B frozen with SIGSTOP (resume: the feed alone) and B killed (restart: snapshot +
//                                  feed) while that many changes commit → B's index holds them all
//   --startup 1000000              the gallery topped up to that many encodings (bulk INSERT … SELECT, ANALYZE),
//                                  then B restarted: process start → serving, snapshot included; B's RSS, also after
//                                  a full garbage collection; the snapshot read timed in this process
//   --skip throughput              leaves out the search throughput
// Defaults: --runs 3 --size 10000 --writers 16 --changes 1000 --catchup 1000 --startup 0 (off); --writers 0 and
// --catchup 0 turn those parts off. Everything shares this machine's cores.
//
//   npm run bench:cluster -- --runs 3 --size 10000 --writers 16 --changes 1000 --catchup 1000,100000 --startup 1000000
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startCluster, startServiceProcess } from '../src/cluster/cluster.js';
import { openStore } from '../src/store/store.js';
import { FEED_LOCK, PostgresStore } from '../src/store/postgres/store.js';
import { encodingToBlob } from '../src/store/faces.js';
import { FaceIndex } from '../src/core/index.js';
import { loadEncodings } from '../src/gallery/reader.js';

const JOHNS_DIR = '/usr/share/doc/libdlib19.1/examples/johns';
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('runs', '3'));
const SIZE = Number(arg('size', '10000'));
const WRITERS = Number(arg('writers', '16'));
const CHANGES = Number(arg('changes', '1000'));
const CATCHUP = arg('catchup', '1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const STARTUP = Number(arg('startup', '0'));
const SKIP = new Set(arg('skip', '').split(','));
const log = (s: string) => process.stderr.write(s + '\n');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function multipart(query: string, variables: Record<string, unknown>, bytes: Buffer): { body: Buffer; type: string } {
  const b = `----bench${randomUUID()}`;
  const part = (n: string, v: string) => `--${b}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  const head =
    part('operations', JSON.stringify({ query, variables: { ...variables, file: null } })) +
    part('map', '{"0":["variables.file"]}') +
    `--${b}\r\nContent-Disposition: form-data; name="0"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${b}--\r\n`)]), type: `multipart/form-data; boundary=${b}` };
}
function post(url: string, body: Buffer, type: string): Promise<any> {
  const u = new URL(`${url}/graphql`);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': type, 'content-length': body.length, 'apollo-require-preflight': 'true' },
      },
      (res) => {
        const c: Buffer[] = [];
        res.on('data', (d: Buffer) => c.push(d));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString())));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}
const json = (url: string, query: string) => post(url, Buffer.from(JSON.stringify({ query })), 'application/json');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => pct(xs, 50);

const SEARCH = 'query($file: Upload!) { searchFace(file: $file) { status } }';
const ADD =
  'mutation($file: Upload!, $firstName: String!, $surName: String!) { addPerson(file: $file, firstName: $firstName, surName: $surName) { imageId } }';
const johns = fs.readdirSync(JOHNS_DIR).sort();
const photos = (j: string) =>
  fs
    .readdirSync(path.join(JOHNS_DIR, j))
    .sort()
    .map((f) => fs.readFileSync(path.join(JOHNS_DIR, j, f)));
const searches = johns.flatMap((j) =>
  photos(j)
    .slice(5)
    .map((b) => multipart(SEARCH, {}, b)),
);

function randomUnit(): Float32Array {
  const v = Float32Array.from({ length: 128 }, () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
async function insertSynthetic(where: { dataDir: string; databaseUrl?: string }, n: number, tag: string): Promise<void> {
  const store = await openStore({ ...where, logger: { warn: () => undefined, error: console.error } });
  let person = 0;
  await store.transaction(async () => {
    for (let i = 0; i < n; i++) {
      if (i % 10 === 0) person = (await store.people.insert(`Synthetic${tag}${i / 10}`, 'Person')).id;
      const imageId = randomUUID();
      await store.faces.insert({
        imageId,
        personId: person,
        fileName: `${imageId}.jpg`,
        box: { x: 0, y: 0, width: 100, height: 100 },
        encoding: randomUnit(),
      });
    }
  });
  await store.close();
}
async function enrolJohns(url: string): Promise<number> {
  let n = 0;
  for (const j of johns)
    for (const b of photos(j).slice(0, 5)) {
      const [firstName, surName] = j.split('_');
      const r = await post(url, ...(Object.values(multipart(ADD, { firstName, surName }, b)) as [Buffer, string]));
      if (!r.errors) n++;
    }
  return n;
}

async function load(url: string, clients: number, total: number) {
  const lat: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        const s = searches[issued++ % searches.length]!;
        const t = performance.now();
        const r = await post(url, s.body, s.type);
        if (r.data?.searchFace?.status !== 'MATCH') throw new Error(`not a MATCH: ${JSON.stringify(r)}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { rps: (total / (performance.now() - t0)) * 1000, p50: pct(lat, 50), p95: pct(lat, 95) };
}
async function throughput(url: string): Promise<Record<number, { rps: number; p50: number; p95: number }>> {
  const out: Record<number, { rps: number; p50: number; p95: number }> = {};
  await load(url, 4, 20); // warm-up
  for (const c of [1, 4, 16]) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await load(url, c, c === 1 ? 30 : 80));
    out[c] = { rps: median(runs.map((x) => x.rps)), p50: median(runs.map((x) => x.p50)), p95: median(runs.map((x) => x.p95)) };
    log(`  ${c} clients: ${out[c].rps.toFixed(1)} req/s, p50 ${out[c].p50.toFixed(1)} ms, p95 ${out[c].p95.toFixed(1)} ms`);
  }
  return out;
}
const faces = async (url: string): Promise<number> => (await json(url, '{ health { faces } }')).data.health.faces;
/** The last change applied to a replica's in-memory index, the head it read, and when it applied its last batch. */
async function feedOf(url: string): Promise<{ position: number; head: number; appliedAt: number | null }> {
  const f = (await json(url, '{ health { changeFeed { position head appliedAt } } }')).data.health.changeFeed;
  return { position: f.position, head: f.head, appliedAt: f.appliedAt === null ? null : Date.parse(f.appliedAt) };
}
/** Polls until the replica has applied change `position`; resolves with the ms since `t0`. */
async function untilApplied(url: string, position: number, t0: number): Promise<number> {
  while ((await feedOf(url)).position < position) await new Promise((r) => setTimeout(r, 2));
  return performance.now() - t0;
}
const headOf = async (db: pg.Pool): Promise<number> => Number((await db.query('SELECT coalesce(max(position), 0) AS p FROM face_changes')).rows[0].p);
const rss = (pid: number): { rss: number; hwm: number } => {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)![1]) / 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
};

/**
 * A full garbage collection in a replica started with NODE_OPTIONS=--inspect=127.0.0.1:0, through its inspector
 * (HeapProfiler.collectGarbage, sent by a small `node --experimental-websocket` child): the RSS after it is what the
 * replica keeps, without the snapshot's arrays that wait for the next collection.
 */
async function collectGarbage(output: string): Promise<void> {
  const ws = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!ws) throw new Error('the replica has no inspector');
  const code = `const ws = new WebSocket(process.argv[1]);
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    ws.onmessage = (m) => { if (JSON.parse(m.data).id === 1) process.exit(0); };`;
  await promisify(execFile)(process.execPath, ['--no-warnings', '--experimental-websocket', '-e', code, ws], { timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 500));
}

/** n random unit encodings, packed as the faces table stores them (the store's own encodingToBlob, 512 bytes each). */
function randomBlobs(n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, () => encodingToBlob(randomUnit())));
}

/**
 * Inserts n faces (one person per 10) in transactions of up to 20,000 rows, as the store writes them: BEGIN, the
 * feed's lock, then one INSERT … SELECT per table with the encodings sent as one binary parameter; the trigger
 * numbers every row in the feed as for any enrolment. ANALYZE after, as an operator would after a bulk load.
 */
async function bulkInsert(db: pg.Pool, n: number, tag: string): Promise<void> {
  const CHUNK = 20_000;
  const c = await db.connect();
  try {
    for (let done = 0; done < n; done += CHUNK) {
      const m = Math.min(CHUNK, n - done);
      const blobs = randomBlobs(m);
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK]);
      const people = await c.query<{ id: string }>(
        `INSERT INTO people (first_name, sur_name, name_key, search_name, created_at)
         SELECT 'Bulk' || $1 || '_' || i, 'Person', lower('bulk' || $1 || '_' || i) || E'\tperson', lower('bulk' || $1 || '_' || i) || ' person', now()
           FROM generate_series($2::bigint, $3::bigint) AS i ORDER BY i RETURNING id`,
        [tag, done / 10, done / 10 + Math.ceil(m / 10) - 1],
      );
      await c.query(
        `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at)
         SELECT u, ($2::bigint[])[i / 10 + 1], u || '.jpg', 0, 0, 100, 100, substring($1::bytea FROM i * 512 + 1 FOR 512), now()
           FROM (SELECT i, gen_random_uuid()::text AS u FROM generate_series(0, $3::int - 1) AS i) s ORDER BY i`,
        [blobs, people.rows.map((r) => r.id), m],
      );
      await c.query('COMMIT');
    }
    await c.query('ANALYZE people, faces, face_changes');
  } finally {
    c.release();
  }
}

/**
 * `writers` connections insert `total` faces between them, one per transaction (the store's: BEGIN, the feed's
 * lock, INSERT INTO faces, COMMIT), as fast as they can; a poller reads B's feed position all along. A change's
 * delay is from its COMMIT returning to the writer until B applied it: the apply time B reports (appliedAt, ms)
 * of the first poll that shows it, or that poll's answer if sooner.
 */
async function propagationUnderWriters(databaseUrl: string, bUrl: string, writers: number, total: number, tag: string) {
  const db = new pg.Pool({ connectionString: databaseUrl, max: writers });
  const person: number[] = [];
  for (let w = 0; w < writers; w++) {
    person.push(
      Number(
        (
          await db.query(
            `INSERT INTO people (first_name, sur_name, name_key, search_name, created_at) VALUES ($1, 'Writer', lower($1) || E'\twriter', lower($1) || ' writer', now()) RETURNING id`,
            [`W${tag}_${w}`],
          )
        ).rows[0].id,
      ),
    );
  }
  const pending: { position: number; committed: number }[] = [];
  const delays: number[] = [];
  let issued = 0;
  let writing = true;
  let polls = 0;
  const wall = () => performance.timeOrigin + performance.now();
  const poller = (async () => {
    while (writing || pending.length > 0) {
      const f = await feedOf(bUrl);
      const answered = wall();
      polls++;
      const seen = Math.min(answered, f.appliedAt ?? answered);
      for (let i = pending.length - 1; i >= 0; i--) {
        if (pending[i]!.position <= f.position) {
          delays.push(Math.max(0, seen - pending[i]!.committed));
          pending.splice(i, 1);
        }
      }
    }
  })();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const c = await db.connect();
      try {
        while (issued < total) {
          issued++;
          const imageId = randomUUID();
          await c.query('BEGIN');
          await c.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK]);
          await c.query(
            `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at)
           VALUES ($1, $2, $3, 0, 0, 100, 100, $4, now())`,
            [imageId, person[w], `${imageId}.jpg`, randomBlobs(1)],
          );
          // Under the feed's lock, the last number is this transaction's change.
          const position = Number((await c.query('SELECT max(position) AS p FROM face_changes')).rows[0].p);
          await c.query('COMMIT');
          pending.push({ position, committed: wall() });
        }
      } finally {
        c.release();
      }
    }),
  );
  const writeMs = performance.now() - t0;
  writing = false;
  await poller;
  await db.end();
  const pollMs = (performance.now() - t0) / polls;
  return { p50: pct(delays, 50), p99: pct(delays, 99), max: Math.max(...delays), n: delays.length, commitsPerS: (total / writeMs) * 1000, pollMs };
}

/** B killed while n changes commit, then started again: ms to serving, and to its index holding every change. */
async function catchUpByRestart(cluster: Awaited<ReturnType<typeof startCluster>>, db: pg.Pool, n: number, tag: string) {
  const b = cluster.replicas[1]!;
  b.process.kill('SIGKILL');
  await b.exited;
  await bulkInsert(db, n, tag);
  const head = await headOf(db);
  const t0 = performance.now();
  const nb = await cluster.startReplica(1);
  const serving = performance.now() - t0;
  const all = await untilApplied(nb.url, head, t0);
  return { serving, all };
}
/** B frozen (SIGSTOP) while n changes commit, then resumed: ms until its index holds every change (the feed alone). */
async function catchUpByResume(cluster: Awaited<ReturnType<typeof startCluster>>, db: pg.Pool, n: number, tag: string) {
  const b = cluster.replicas[1]!;
  await untilApplied(b.url, await headOf(db), performance.now());
  b.process.kill('SIGSTOP');
  try {
    await bulkInsert(db, n, tag);
  } finally {
    b.process.kill('SIGCONT');
  }
  const head = await headOf(db);
  const t0 = performance.now();
  return untilApplied(b.url, head, t0);
}

/**
 * The snapshot read of a replica's start, in this process: the store's readEncodings() into an index, as a replica
 * loads it, and the start-up repair's fileNames().
 */
async function profileSnapshot(databaseUrl: string) {
  const store = await PostgresStore.open(databaseUrl, { warn: () => undefined, error: console.error });
  const index = new FaceIndex();
  try {
    let t = performance.now();
    const snap = await loadEncodings(store, index);
    const encodingsMs = performance.now() - t;
    t = performance.now();
    const names = await store.faces.fileNames();
    const fileNamesMs = performance.now() - t;
    return { rows: snap.count, encodingsMs, fileNamesMs, names: names.length };
  } finally {
    index.clear();
    await store.close();
  }
}

const f1 = (x: number) => x.toFixed(1);
const s2 = (ms: number) => (ms / 1000).toFixed(2);
const list = (xs: number[], fmt: (x: number) => string) => `median ${fmt(median(xs))} (${xs.map(fmt).join(', ')})`;

async function main(): Promise<void> {
  log(
    `bench:cluster on ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, gallery ${SIZE} synthetic + johns, ${RUNS} runs`,
  );
  const out: string[] = [];
  let one: Record<number, { rps: number; p50: number; p95: number }> | undefined;
  if (!SKIP.has('throughput')) {
    // One replica alone on SQLite.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-single-'));
    await insertSynthetic({ dataDir: dir }, SIZE, 'S');
    const single = await startServiceProcess('replica', {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEYS: '',
      DATABASE_URL: '',
      PHOTO_STORE: '',
    });
    await enrolJohns(single.url);
    log(`single replica (SQLite), ${await faces(single.url)} faces:`);
    one = await throughput(single.url);
    single.process.kill('SIGTERM');
    await single.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const cluster = await startCluster({ replicaWorkers: false });
  const db = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4 });
  try {
    await insertSynthetic({ dataDir: cluster.dir, databaseUrl: cluster.databaseUrl }, SIZE, 'C');
    await enrolJohns(cluster.url);
    const a = cluster.replicas[0]!;
    const B = () => cluster.replicas[1]!;
    await untilApplied(B().url, await headOf(db), performance.now());
    if (one) {
      log(`cluster (2 replicas behind the front, PostgreSQL + SeaweedFS), ${await faces(a.url)} faces:`);
      const two = await throughput(cluster.url);
      log('replica B alone, in the cluster:');
      const bAlone = await throughput(B().url);
      const rows = [1, 4, 16].map(
        (c) =>
          `| ${c} | ${f1(one![c]!.rps)} | ${f1(one![c]!.p50)} / ${f1(one![c]!.p95)} | ${f1(two[c]!.rps)} | ${f1(two[c]!.p50)} / ${f1(two[c]!.p95)} | ${f1(bAlone[c]!.rps)} | ${f1(bAlone[c]!.p50)} / ${f1(bAlone[c]!.p95)} |`,
      );
      out.push(
        [
          '| clients | one replica, SQLite: req/s | p50 / p95 ms | 2 replicas + front: req/s | p50 / p95 ms | one replica of the cluster: req/s | p50 / p95 ms |',
          '|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
        '',
      );
    }

    // Propagation of single enrolments through the API: A answers → B has applied the change (its feed position).
    const prop: number[] = [];
    const extra = photos(johns[0]!)[10]!;
    for (let i = 0; i < 10; i++) {
      const m = multipart(ADD, { firstName: 'Prop', surName: `P${i}` }, extra);
      await post(a.url, m.body, m.type);
      const tAnswered = performance.now();
      prop.push(await untilApplied(B().url, await headOf(db), tAnswered));
    }
    log(`propagation, API enrolment answered by A → applied by B: p50 ${f1(median(prop))} ms, max ${f1(Math.max(...prop))} ms`);
    out.push(
      `propagation, 10 API enrolments one at a time (A's answer → applied to B's index): p50 ${f1(median(prop))} ms, max ${f1(Math.max(...prop))} ms`,
    );

    if (WRITERS > 0 && CHANGES > 0) {
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const x = await propagationUnderWriters(cluster.databaseUrl, B().url, WRITERS, CHANGES, `${r}`);
        log(
          `propagation under ${WRITERS} writers (${x.n} changes, ${f1(x.commitsPerS)} commits/s, B polled every ${f1(x.pollMs)} ms): p50 ${f1(x.p50)} ms, p99 ${f1(x.p99)} ms, max ${f1(x.max)} ms`,
        );
        runs.push(x);
      }
      out.push(
        `propagation under ${WRITERS} writers, ${CHANGES} changes a run (COMMIT → applied to B's index): p50 ${list(
          runs.map((x) => x.p50),
          f1,
        )} ms, ` +
          `p99 ${list(
            runs.map((x) => x.p99),
            f1,
          )} ms, max ${list(
            runs.map((x) => x.max),
            f1,
          )} ms; ${list(
            runs.map((x) => x.commitsPerS),
            (v) => v.toFixed(0),
          )} commits/s; B polled every ${list(
            runs.map((x) => x.pollMs),
            f1,
          )} ms`,
      );
    }

    for (const n of CATCHUP) {
      const resume: number[] = [];
      const restart: { serving: number; all: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        resume.push(await catchUpByResume(cluster, db, n, `F${n}_${r}`));
        const gallery = await faces(a.url);
        restart.push(await catchUpByRestart(cluster, db, n, `K${n}_${r}`));
        log(
          `${n} changes behind: resume (SIGCONT) → all applied ${s2(resume.at(-1)!)} s; restart (gallery ${gallery + n}) → serving ${s2(restart.at(-1)!.serving)} s, all applied ${s2(restart.at(-1)!.all)} s`,
        );
      }
      out.push(
        `${n} changes behind, frozen (SIGSTOP) then resumed → all applied from the feed: ${list(resume, s2)} s; ` +
          `killed then restarted → serving ${list(
            restart.map((x) => x.serving),
            s2,
          )} s, all applied ${list(
            restart.map((x) => x.all),
            s2,
          )} s (gallery ${await faces(a.url)} after the last)`,
      );
    }

    if (STARTUP > 0) {
      // B started again with an inspector, to collect the garbage and see what the replica keeps.
      const settledRss = async () => {
        B().process.kill('SIGTERM');
        await B().exited;
        const ib = await cluster.startReplica(1, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() });
        await untilApplied(ib.url, await headOf(db), performance.now());
        const before = rss(ib.process.pid!).rss;
        await collectGarbage(ib.output());
        return { before, after: rss(ib.process.pid!).rss };
      };
      const gallery0 = await faces(a.url);
      const settled0 = await settledRss();
      log(
        `B restarted with an inspector, ${gallery0} encodings: RSS ${settled0.before.toFixed(0)} MiB, ${settled0.after.toFixed(0)} MiB after a full garbage collection`,
      );
      const have = await faces(a.url);
      if (have < STARTUP) {
        const t = performance.now();
        await bulkInsert(db, STARTUP - have, 'M');
        log(`bulk insert of ${STARTUP - have} faces (feed trigger, ANALYZE): ${s2(performance.now() - t)} s`);
      }
      const gallery = await faces(a.url);
      await untilApplied(a.url, await headOf(db), performance.now());
      const starts: number[] = [];
      const mem: { rss: number; hwm: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        const b = B();
        b.process.kill('SIGTERM');
        await b.exited;
        const t0 = performance.now();
        const nb = await cluster.startReplica(1);
        starts.push(performance.now() - t0);
        await untilApplied(nb.url, await headOf(db), t0);
        mem.push(rss(nb.process.pid!));
        log(
          `start-up with ${gallery} encodings: ${s2(starts.at(-1)!)} s to serving; RSS ${mem.at(-1)!.rss.toFixed(0)} MiB (peak ${mem.at(-1)!.hwm.toFixed(0)} MiB)`,
        );
      }
      const settled1 = await settledRss();
      log(
        `B restarted with an inspector, ${gallery} encodings: RSS ${settled1.before.toFixed(0)} MiB, ${settled1.after.toFixed(0)} MiB after a full garbage collection`,
      );
      const perMillion = ((settled1.after - settled0.after) / (gallery - gallery0)) * 1e6;
      // A took the same rows through the feed in batches (no whole snapshot in JavaScript at once).
      const memA = rss(a.process.pid!);
      log(`replica A, which followed the bulk load through the feed: RSS ${memA.rss.toFixed(0)} MiB (peak ${memA.hwm.toFixed(0)} MiB)`);
      const p = await profileSnapshot(cluster.databaseUrl);
      log(
        `snapshot read in this process: readEncodings() into an index ${s2(p.encodingsMs)} s for ${p.rows} rows, fileNames() ${s2(p.fileNamesMs)} s`,
      );
      out.push(
        `start-up of a replica with ${gallery} encodings in PostgreSQL (process start → serving, snapshot included): ${list(starts, s2)} s; ` +
          `RSS serving ${list(
            mem.map((m) => m.rss),
            (v) => v.toFixed(0),
          )} MiB, peak ${list(
            mem.map((m) => m.hwm),
            (v) => v.toFixed(0),
          )} MiB` +
          `; after a full garbage collection (another start, with an inspector) ${settled1.after.toFixed(0)} MiB (${settled1.before.toFixed(0)} before it), ` +
          `against ${settled0.after.toFixed(0)} MiB with ${gallery0} encodings: ${perMillion.toFixed(0)} MiB per million encodings; ` +
          `(A, which followed the load through the feed: ${memA.rss.toFixed(0)} MiB, peak ${memA.hwm.toFixed(0)} MiB); ` +
          `in-process: readEncodings() into an index ${s2(p.encodingsMs)} s, fileNames() ${s2(p.fileNamesMs)} s`,
      );
    }
    out.push(
      `load average at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(out.join('\n'));
  } finally {
    await db.end();
    await cluster.stop();
    agent.destroy();
  }
}
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
