// Benchmark of the GraphQL API (`npm run bench:api`).
//
// A server child process holds a gallery of 10,000 encodings: synthetic ones inserted through the
// store (random unit vectors, ~1.4 from any real face, so they never match) plus Debian's johns
// enrolled through addPerson. This process is the client: prebuilt multipart bodies over keep-alive
// HTTP. It measures searchFace requests/s and p50/p95 latency at 1, 4 and 16 concurrent clients
// (median over runs), addPerson per second, and, by timing faceCore.analyze and a FaceIndex search
// alone on the same photos, the share of a request spent outside the native pipeline.
// Prints a markdown report on stdout and writes it to docs/bench-api.md; progress goes to stderr.
//
//   npm run bench:api -- [--runs 5] [--size 10000] [--no-write] [--wait-quiet SECONDS]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JOHNS_DIR = '/usr/share/doc/libdlib19.1/examples/johns';
const ENROL_PHOTOS = 5; // photos 0..4 of each john are enrolled, 5..10 are searched for

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : dflt;
}
const log = (line: string) => process.stderr.write(line + '\n');

// ---------------------------------------------------------------- server child

/** Child mode: start the server on dataDir, add `synthetic` stored encodings, print {"url"} and wait. */
async function serve(dataDir: string, synthetic: number): Promise<void> {
  const { startServer } = await import('../src/graphql/server.js');
  const { coreOptions, exportNativeSettings, loadConfig } = await import('../src/config.js');
  const { FaceCore } = await import('../src/core/index.js');
  const quiet = { warn: () => undefined, error: (...a: unknown[]) => console.error(...a) };
  const config = loadConfig();
  exportNativeSettings(config);
  const server = await startServer({ port: 0, dataDir, logger: quiet, core: new FaceCore(coreOptions(config)) });
  const { gallery: g, store } = server;
  const randomUnit = (): Float32Array => {
    const v = Float32Array.from({ length: 128 }, () => {
      // Box-Muller: a Gaussian direction, then normalised.
      const u = 1 - Math.random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
    });
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const people: number[] = [];
  await store.transaction(async () => {
    for (let i = 0; i < synthetic; i++) {
      // Ten faces per synthetic person. No photo files: this server is never restarted on this folder.
      if (i % 10 === 0) people.push((await store.people.insert(`Synthetic${i / 10}`, 'Person')).id);
      const imageId = randomUUID();
      await store.faces.insert({
        imageId,
        personId: people.at(-1)!,
        fileName: `${imageId}.jpg`,
        box: { x: 0, y: 0, width: 100, height: 100 },
        encoding: randomUnit(),
      });
    }
  });
  await g.loadIndex();
  console.log(JSON.stringify({ url: server.url, size: g.size }));
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------- client

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A GraphQL multipart body (one file at variables.file) built once and sent many times. */
function multipart(query: string, variables: Record<string, unknown>, bytes: Buffer, filename: string): { body: Buffer; type: string } {
  const boundary = `----bench${randomUUID()}`;
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head =
    part('operations', JSON.stringify({ query, variables: { ...variables, file: null } })) +
    part('map', JSON.stringify({ 0: ['variables.file'] })) +
    `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

function post(url: string, req: { body: Buffer; type: string }): Promise<any> {
  const u = new URL(`${url}/graphql`);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': req.type, 'content-length': req.body.length, 'apollo-require-preflight': 'true' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Busy and total CPU time of the whole machine so far (from /proc/stat), in jiffies. */
function machineJiffies(): { busy: number; total: number } {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** How many cores other work keeps busy, measured over 3 s; with `waitS` > 0, waits up to that long for < 0.25. */
async function otherLoad(waitS: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const a = machineJiffies();
    await new Promise((r) => setTimeout(r, 3000));
    const b = machineJiffies();
    const busy = ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * os.availableParallelism();
    const waited = (performance.now() - t0) / 1000;
    if (busy < 0.25 || waited >= waitS) return busy;
    log(`waiting for a quiet machine (${busy.toFixed(2)} cores busy, ${waited.toFixed(0)} s of ${waitS} s)`);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Sends `total` requests from `clients` concurrent loops; returns wall time and each latency. */
async function load(clients: number, total: number, next: (i: number) => Promise<void>): Promise<{ wallMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        const i = issued++;
        const t = performance.now();
        await next(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { wallMs: performance.now() - t0, latencies };
}

const ADD_PERSON =
  'mutation($file: Upload!, $firstName: String!, $surName: String!) { addPerson(file: $file, firstName: $firstName, surName: $surName) { imageId person { id } } }';
const SEARCH = 'query($file: Upload!) { searchFace(file: $file) { status fullName distance faces { match { distance } } } }';

async function main(): Promise<void> {
  const runs = Math.max(1, Number(arg('runs', '5')));
  const size = Math.max(100, Number(arg('size', '10000')));
  const johns = fs.readdirSync(JOHNS_DIR).sort();
  const photos = johns.map((name) => {
    const files = fs
      .readdirSync(path.join(JOHNS_DIR, name))
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    const [firstName = '', surName = ''] = name.split('_');
    return { name: `${firstName} ${surName}`, firstName, surName, files: files.map((f) => fs.readFileSync(path.join(JOHNS_DIR, name, f))) };
  });
  // Enrolled twice (sequentially, then 4 at a time) to time addPerson on 2 × 25 photos.
  const enrolled = 2 * photos.length * ENROL_PHOTOS;

  const busyBefore = await otherLoad(Math.max(0, Number(arg('wait-quiet', '0'))));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-bench-api-'));
  let child: ChildProcess | undefined;
  try {
    log(`starting the server with ${size - enrolled} synthetic encodings ...`);
    child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dataDir, '--synthetic', String(size - enrolled)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const { url } = await new Promise<{ url: string }>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child!.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    });

    // addPerson: first sequentially (this also warms the models), then 4 clients at a time.
    const adds = photos.flatMap((p) =>
      p.files.slice(0, ENROL_PHOTOS).map((bytes) => multipart(ADD_PERSON, { firstName: p.firstName, surName: p.surName }, bytes, 'john.jpg')),
    );
    const check = (r: any) => {
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    };
    await post(url, adds[0]!).then(check); // warm-up (model load), not timed
    const seqAdd = await load(1, adds.length - 1, async (i) => check(await post(url, adds[i + 1]!)));
    const parAdd = await load(4, adds.length, async (i) => check(await post(url, adds[i]!)));
    log(
      `addPerson: ${(((adds.length - 1) / seqAdd.wallMs) * 1000).toFixed(1)}/s sequential, ${((adds.length / parAdd.wallMs) * 1000).toFixed(1)}/s with 4 clients`,
    );

    // searchFace: the johns' other photos, each must come back as the right person.
    const searches = photos.flatMap((p) =>
      p.files.slice(ENROL_PHOTOS).map((bytes) => ({ want: p.name, bytes, req: multipart(SEARCH, {}, bytes, 'query.jpg') })),
    );
    let wrong = 0;
    let asked = 0;
    const ask = async (i: number) => {
      const s = searches[i % searches.length]!;
      const r = await post(url, s.req);
      asked++;
      if (r.data?.searchFace?.status !== 'MATCH' || r.data.searchFace.fullName !== s.want) wrong++;
    };
    await load(2, 10, ask); // warm-up
    wrong = 0;
    asked = 0;
    const searchRows: { clients: number; rps: number; p50: number; p95: number; n: number }[] = [];
    for (const clients of [1, 4, 16]) {
      const n = Math.max(40, clients * 8);
      const rps: number[] = [];
      const p50: number[] = [];
      const p95: number[] = [];
      for (let r = 0; r < runs; r++) {
        const { wallMs, latencies } = await load(clients, n, ask);
        rps.push((n / wallMs) * 1000);
        p50.push(percentile(latencies, 50));
        p95.push(percentile(latencies, 95));
      }
      searchRows.push({ clients, rps: median(rps), p50: median(p50), p95: median(p95), n });
      log(`searchFace, ${clients} client(s): ${median(rps).toFixed(1)} req/s, p50 ${median(p50).toFixed(1)} ms, p95 ${median(p95).toFixed(1)} ms`);
    }

    // The native pipeline alone, in this process, on the same photos: analyze, then a search over `size` encodings.
    const { FaceCore, FaceIndex } = await import('../src/core/index.js');
    const faceCore = new FaceCore();
    await faceCore.analyze(searches[0]!.bytes);
    const analyzeMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      for (const s of searches) {
        const t = performance.now();
        await faceCore.analyze(s.bytes);
        analyzeMs.push(performance.now() - t);
      }
    }
    const index = new FaceIndex();
    const pack = new Float32Array(size * 128).map(() => Math.random() - 0.5);
    index.addMany(
      Array.from({ length: size }, (_, i) => i),
      pack,
    );
    const probe = (await faceCore.analyze(searches[0]!.bytes)).faces[0]!.encoding;
    const searchMs: number[] = [];
    for (let r = 0; r < 200; r++) {
      const t = performance.now();
      await index.search(probe, { k: 1, maxDistance: 0.6 });
      searchMs.push(performance.now() - t);
    }
    index.clear();

    const analyzeP50 = median(analyzeMs);
    const indexP50 = median(searchMs);
    const one = searchRows[0]!;
    const outside = Math.max(0, one.p50 - analyzeP50 - indexP50);
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    const f1 = (x: number) => x.toFixed(1);
    const lines = [
      '## GraphQL API (`npm run bench:api`)',
      '',
      `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. ` +
        `Gallery: ${size.toLocaleString('en')} stored encodings (${(size - enrolled).toLocaleString('en')} synthetic, ${enrolled} of Debian's johns enrolled through addPerson). ` +
        'Server and client are separate processes on the same machine; each request is a real multipart upload of a 150×150 johns JPEG over keep-alive HTTP. ' +
        `Figures are medians over ${runs} runs. Other work kept ${busyBefore.toFixed(2)} of the cores busy just before the run.`,
      '',
      '| searchFace, concurrent clients | requests/s | p50 latency (ms) | p95 latency (ms) | requests per run |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...searchRows.map((r) => `| ${r.clients} | ${f1(r.rps)} | ${f1(r.p50)} | ${f1(r.p95)} | ${r.n} |`),
      '',
      `Every search answered MATCH with the right name: ${asked - wrong} of ${asked}.`,
      '',
      '| addPerson | photos/s |',
      '| --- | ---: |',
      `| 1 client (sequential, ${adds.length - 1} photos) | ${f1(((adds.length - 1) / seqAdd.wallMs) * 1000)} |`,
      `| 4 concurrent clients (${adds.length} photos) | ${f1((adds.length / parAdd.wallMs) * 1000)} |`,
      '',
      "| Where a searchFace request's time goes (1 client, p50) | ms | share |",
      '| --- | ---: | ---: |',
      `| Whole request: HTTP, multipart, GraphQL, gallery, core, JSON | ${f1(one.p50)} | 100% |`,
      `| faceCore.analyze alone (decode, detect, landmarks, encode) | ${f1(analyzeP50)} | ${f1((analyzeP50 / one.p50) * 100)}% |`,
      `| FaceIndex search over ${size.toLocaleString('en')} encodings alone | ${indexP50.toFixed(2)} | ${f1((indexP50 / one.p50) * 100)}% |`,
      `| **Outside the native pipeline** (the JavaScript layer and HTTP) | ${f1(outside)} | **${f1((outside / one.p50) * 100)}%** |`,
      '',
    ];
    const report = lines.join('\n');
    process.stdout.write(report + '\n');
    if (!process.argv.includes('--no-write')) {
      fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'docs', 'bench-api.md'), report);
      log('written to docs/bench-api.md');
    }
    faceCore.release();
  } finally {
    agent.destroy();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  await serve(arg('serve', ''), Number(arg('synthetic', '0')));
} else {
  await main();
}
