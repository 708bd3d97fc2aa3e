// Benchmark of the local cluster (`npm run bench:cluster`): startCluster() — private PostgreSQL, SeaweedFS, two
// replicas, the round-robin front — against one replica alone on SQLite, with the same gallery (random unit
// encodings inserted through the store, ~1.4 from any real face, plus Debian's johns enrolled through the API).
// Measures searchFace requests/s and p50/p95 at 1/4/16 clients (median over runs), propagation (enrol on A →
// counted on B), and a replica's restart with 1,000 changes behind. Everything shares this machine's cores.
//
//   npm run bench:cluster -- [--runs 3] [--size 10000]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { startCluster, startServiceProcess, type ClusterProcess } from '../src/cluster/cluster.js';
import { openStore } from '../src/store/store.js';

const JOHNS_DIR = '/usr/share/doc/libdlib19.1/examples/johns';
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('runs', '3'));
const SIZE = Number(arg('size', '10000'));
const log = (s: string) => process.stderr.write(s + '\n');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function multipart(query: string, variables: Record<string, unknown>, bytes: Buffer): { body: Buffer; type: string } {
  const b = `----bench${randomUUID()}`;
  const part = (n: string, v: string) => `--${b}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  const head = part('operations', JSON.stringify({ query, variables: { ...variables, file: null } })) + part('map', '{"0":["variables.file"]}') +
    `--${b}\r\nContent-Disposition: form-data; name="0"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${b}--\r\n`)]), type: `multipart/form-data; boundary=${b}` };
}
function post(url: string, body: Buffer, type: string): Promise<any> {
  const u = new URL(`${url}/graphql`);
  return new Promise((resolve, reject) => {
    const r = http.request({ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': type, 'content-length': body.length, 'apollo-require-preflight': 'true' } }, (res) => {
      const c: Buffer[] = [];
      res.on('data', (d: Buffer) => c.push(d));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString())));
    });
    r.on('error', reject);
    r.end(body);
  });
}
const json = (url: string, query: string) => post(url, Buffer.from(JSON.stringify({ query })), 'application/json');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => pct(xs, 50);

const SEARCH = 'query($file: Upload!) { searchFace(file: $file) { status } }';
const ADD = 'mutation($file: Upload!, $firstName: String!, $surName: String!) { addPerson(file: $file, firstName: $firstName, surName: $surName) { imageId } }';
const johns = fs.readdirSync(JOHNS_DIR).sort();
const photos = (j: string) => fs.readdirSync(path.join(JOHNS_DIR, j)).sort().map((f) => fs.readFileSync(path.join(JOHNS_DIR, j, f)));
const searches = johns.flatMap((j) => photos(j).slice(5).map((b) => multipart(SEARCH, {}, b)));

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
      await store.faces.insert({ imageId, personId: person, fileName: `${imageId}.jpg`, box: { x: 0, y: 0, width: 100, height: 100 }, encoding: randomUnit() });
    }
  });
  await store.close();
}
async function enrolJohns(url: string): Promise<number> {
  let n = 0;
  for (const j of johns) for (const b of photos(j).slice(0, 5)) {
    const [firstName, surName] = j.split('_');
    const r = await post(url, ...Object.values(multipart(ADD, { firstName, surName }, b)) as [Buffer, string]);
    if (!r.errors) n++;
  }
  return n;
}

async function load(url: string, clients: number, total: number) {
  const lat: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (issued < total) {
      const s = searches[issued++ % searches.length]!;
      const t = performance.now();
      const r = await post(url, s.body, s.type);
      if (r.data?.searchFace?.status !== 'MATCH') throw new Error(`not a MATCH: ${JSON.stringify(r)}`);
      lat.push(performance.now() - t);
    }
  }));
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

async function main(): Promise<void> {
  log(`bench:cluster on ${os.cpus().length} cores, gallery ${SIZE} synthetic + johns, ${RUNS} runs`);
  // One replica alone on SQLite.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-single-'));
  await insertSynthetic({ dataDir: dir }, SIZE, 'S');
  const single = await startServiceProcess('replica', { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', API_KEYS: '', DATABASE_URL: '', PHOTO_STORE: '' });
  await enrolJohns(single.url);
  log(`single replica (SQLite), ${await faces(single.url)} faces:`);
  const one = await throughput(single.url);
  single.process.kill('SIGTERM');
  await single.exited;
  fs.rmSync(dir, { recursive: true, force: true });

  const cluster = await startCluster({ replicaWorkers: false });
  try {
    await insertSynthetic({ dataDir: cluster.dir, databaseUrl: cluster.databaseUrl }, SIZE, 'C');
    await enrolJohns(cluster.url);
    const [a, b] = cluster.replicas as [ClusterProcess, ClusterProcess];
    while ((await faces(b.url)) !== (await faces(a.url))) await new Promise((r) => setTimeout(r, 100));
    log(`cluster (2 replicas behind the front, PostgreSQL + SeaweedFS), ${await faces(a.url)} faces:`);
    const two = await throughput(cluster.url);
    log('replica B alone, in the cluster:');
    const bAlone = await throughput(b.url);

    // Propagation: enrol on A, poll B's face count.
    const prop: number[] = [];
    const extra = photos(johns[0]!)[10]!;
    for (let i = 0; i < 10; i++) {
      const before = await faces(b.url);
      const m = multipart(ADD, { firstName: 'Prop', surName: `P${i}` }, extra);
      const t0 = performance.now();
      await post(a.url, m.body, m.type);
      const tAnswered = performance.now();
      while ((await faces(b.url)) <= before) await new Promise((r) => setTimeout(r, 1));
      prop.push(performance.now() - tAnswered);
      void t0;
    }
    log(`propagation (A's answer → counted on B): p50 ${median(prop).toFixed(1)} ms, max ${Math.max(...prop).toFixed(1)} ms`);

    // Restart with 1,000 changes behind.
    const restarts: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      b.process.kill('SIGKILL');
      await cluster.replicas[1]!.exited;
      await insertSynthetic({ dataDir: cluster.dir, databaseUrl: cluster.databaseUrl }, 1000, `R${r}`);
      const want = await faces(a.url);
      const t0 = performance.now();
      const nb = await cluster.startReplica(1);
      while ((await faces(nb.url)) !== want) await new Promise((res) => setTimeout(res, 5));
      restarts.push(performance.now() - t0);
      Object.assign(b, nb);
    }
    log(`restart with 1,000 changes behind → serving all: ${restarts.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);
    const f = (x: number) => x.toFixed(1);
    const rows = [1, 4, 16].map((c) => `| ${c} | ${f(one[c]!.rps)} | ${f(one[c]!.p50)} / ${f(one[c]!.p95)} | ${f(two[c]!.rps)} | ${f(two[c]!.p50)} / ${f(two[c]!.p95)} | ${f(bAlone[c]!.rps)} | ${f(bAlone[c]!.p50)} / ${f(bAlone[c]!.p95)} |`);
    console.log(['| clients | one replica, SQLite: req/s | p50 / p95 ms | 2 replicas + front: req/s | p50 / p95 ms | one replica of the cluster: req/s | p50 / p95 ms |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
    console.log(`\npropagation: p50 ${f(median(prop))} ms, max ${f(Math.max(...prop))} ms (10 enrolments)`);
    console.log(`restart with 1,000 changes behind: median ${(median(restarts) / 1000).toFixed(2)} s (${restarts.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
  } finally {
    await cluster.stop();
    agent.destroy();
  }
}
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
