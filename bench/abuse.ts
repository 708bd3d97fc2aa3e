// Hostile-input benchmark (`npm run bench:abuse`): for each attack class, the worst latency of an ordinary
// searchFace running beside it, and what the attack was answered. The server runs in a child process with the
// service's defaults, five enrolled johns and one person with 100 photos; this process sends the attacks (4 at a
// time, for a few seconds each) and, one after another, an ordinary search of a johns photo. Then duplicate
// deletions: people of 4 photos each deleted by two requests at once, counting the photos left on disk or served.
// Prints a markdown table on stdout; progress goes to stderr.
//   npm run bench:abuse -- [--seconds 8]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { canvas, encodePng } from '../test/fixtures/bmp.js';
import { gql, upload, type GraphQLResponse } from '../test/fixtures/graphql-client.js';
import { johnName, johnNames, johnPhotos } from '../test/fixtures/photos.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const SECONDS = Number(arg('seconds', '8'));
const ATTACKERS = 4;
const log = (line: string) => process.stderr.write(`${line}\n`);

const SEARCH = 'query($file: Upload!) { searchFace(file: $file) { status fullName } }';
const ADD =
  'mutation($file: Upload!, $firstName: String!, $surName: String!) { addPerson(file: $file, firstName: $firstName, surName: $surName) { imageId url person { id } } }';
const DELETE_PERSON = 'mutation($id: ID!) { deletePerson(id: $id) { deleted removedFaces } }';
const DELETION_TRIALS = Number(arg('deletion-trials', '50'));

/**
 * Enrols a person with 4 photos, sends two deletePerson for them at once, and counts what is left of the 4 photos:
 * files in images/ under any name, and URLs still answering 200.
 */
async function duplicateDeletions(
  url: string,
  dataDir: string,
): Promise<{ trials: number; answers: Map<string, number>; left: number; served: number }> {
  const answers = new Map<string, number>();
  let left = 0;
  let served = 0;
  for (let trial = 0; trial < DELETION_TRIALS; trial++) {
    const added: { imageId: string; url: string; person: { id: string } }[] = [];
    for (let i = 0; i < 4; i++) {
      added.push(
        (await upload(url, ADD, { firstName: 'Deleted', surName: `Twice ${trial}` }, { file: johnPhotos('John_Schneider')[i]! })).data.addPerson,
      );
    }
    const both = await Promise.all([0, 1].map(() => gql(url, DELETE_PERSON, { id: added[0]!.person.id })));
    for (const r of both) {
      const a = r.data?.deletePerson ? `deleted ${r.data.deletePerson.removedFaces}` : answerOf(r);
      answers.set(a, (answers.get(a) ?? 0) + 1);
    }
    const files = fs.readdirSync(path.join(dataDir, 'images'));
    left += files.filter((f) => added.some((a) => f.includes(a.imageId))).length;
    for (const a of added) if ((await fetch(url + a.url)).status === 200) served++;
  }
  return { trials: DELETION_TRIALS, answers, left, served };
}

interface Attack {
  name: string;
  send(url: string): Promise<GraphQLResponse>;
}

function attacks(manyPhotosId: string): Attack[] {
  const john = johnPhotos('John_Salley')[6]!;
  const hugePng = encodePng(canvas(6300, 6300, [128, 128, 128]));
  log(`6300×6300 grey PNG: ${(hugePng.length / 1024).toFixed(0)} KB`);
  const tooBig = Buffer.alloc(20 * 1024 * 1024, 0xff);
  return [
    {
      name: 'query 300 levels deep (Person.faces → Face.person)',
      send: (url) => gql(url, `{ personById(id: "1") { ${'faces { person { '.repeat(300)}id${' } }'.repeat(300)} } }`),
    },
    {
      name: 'query text 3,000 brackets deep',
      send: (url) => gql(url, `{ ${'health { '.repeat(3000)}people${' }'.repeat(3000)} }`),
    },
    {
      name: 'Person.faces → Face.person → Person.faces, three deep, on a 100-photo person',
      send: (url) => gql(url, `{ personById(id: "${manyPhotosId}") { faces { person { faces { person { faces { imageId } } } } } } }`),
    },
    {
      name: '1,000 searchFace aliases on one photo',
      send: (url) =>
        upload(
          url,
          `query($file: Upload!) { ${Array.from({ length: 1000 }, (_, i) => `a${i}: searchFace(file: $file) { status }`).join(' ')} }`,
          {},
          { file: john },
        ),
    },
    {
      name: '50 addPerson aliases on one photo',
      send: (url) =>
        upload(
          url,
          `mutation($file: Upload!) { ${Array.from({ length: 50 }, (_, i) => `a${i}: addPerson(file: $file, firstName: "Alias", surName: "P${i}") { imageId }`).join(' ')} }`,
          {},
          { file: john },
        ),
    },
    {
      name: '3 searchFace aliases on one photo (within the cost limit)',
      send: (url) =>
        upload(
          url,
          `query($file: Upload!) { a: searchFace(file: $file) { status } b: searchFace(file: $file) { status } c: searchFace(file: $file) { status } }`,
          {},
          { file: john },
        ),
    },
    {
      name: `6300×6300 PNG of ${(hugePng.length / 1024).toFixed(0)} KB (just under the pixel limit)`,
      send: (url) => upload(url, SEARCH, {}, { file: { bytes: hugePng, filename: 'huge.png' } }),
    },
    { name: '20 MB photo (over MAX_UPLOAD_MB)', send: (url) => upload(url, SEARCH, {}, { file: { bytes: tooBig, filename: 'big.jpg' } }) },
  ];
}

function answerOf(r: GraphQLResponse | Error): string {
  if (r instanceof Error) return `error: ${r.message.slice(0, 60)}`;
  const codes = [...new Set((r.errors ?? []).map((e) => e.extensions?.code ?? '?'))];
  return `HTTP ${r.status}${codes.length ? ` ${codes.join(', ')}` : ' data'}`;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-bench-abuse-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', API_KEYS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`the server stopped: ${out}`)));
  });
  try {
    for (const name of johnNames()) await upload(url, ADD, johnName(name), { file: johnPhotos(name)[0]! });
    log('enrolling one person with 100 photos');
    let manyPhotosId = '';
    for (let i = 0; i < 100; i++) {
      const r = await upload(url, ADD, { firstName: 'Many', surName: 'Photos' }, { file: johnPhotos('John_Salley')[i % 11]! });
      manyPhotosId = r.data.addPerson.person.id;
    }
    const probePhoto = johnPhotos('John_Simm')[4]!;
    const probe = async () => {
      const t0 = performance.now();
      const r = await upload(url, SEARCH, {}, { file: probePhoto });
      if (r.data?.searchFace?.status !== 'MATCH') throw new Error(`the ordinary search failed: ${JSON.stringify(r)}`);
      return performance.now() - t0;
    };
    const quiet: number[] = [];
    for (let i = 0; i < 10; i++) quiet.push(await probe());
    quiet.sort((a, b) => a - b);
    const rows = [`| alone (no attack) | – | ${quiet[4]!.toFixed(0)} | ${quiet.at(-1)!.toFixed(0)} |`];
    for (const attack of attacks(manyPhotosId)) {
      log(`attack: ${attack.name}`);
      const answers = new Map<string, number>();
      let running = true;
      const attackers = Array.from({ length: ATTACKERS }, async () => {
        while (running) {
          const r = await attack.send(url).catch((e: Error) => e);
          const a = answerOf(r);
          answers.set(a, (answers.get(a) ?? 0) + 1);
        }
      });
      const latencies: number[] = [];
      const until = performance.now() + SECONDS * 1000;
      while (performance.now() < until) latencies.push(await probe());
      running = false;
      await Promise.all(attackers);
      latencies.sort((a, b) => a - b);
      const answered = [...answers].map(([a, n]) => `${n}× ${a}`).join('; ');
      rows.push(`| ${attack.name} | ${answered} | ${latencies[latencies.length >> 1]!.toFixed(0)} | ${latencies.at(-1)!.toFixed(0)} |`);
    }
    // Memory after heavy requests: RSS after 10 and after 100 searches of a 12-megapixel photo, one at a time.
    const rssMb = () => Number(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
    const heavy = encodePng(canvas(4000, 3000, [90, 120, 150]));
    const rssAt: number[] = [];
    for (let i = 1; i <= 100; i++) {
      const r = await upload(url, SEARCH, {}, { file: { bytes: heavy, filename: 'heavy.png' } });
      if (r.errors) throw new Error(`a heavy search failed: ${JSON.stringify(r.errors)}`);
      if (i === 10 || i === 100) rssAt.push(rssMb());
    }
    log(`RSS after 10 heavy requests ${rssAt[0]!.toFixed(0)} MB, after 100 ${rssAt[1]!.toFixed(0)} MB`);
    const rss = String(rssMb() * 1024);
    log(`duplicate deletions: ${DELETION_TRIALS} trials`);
    const deletions = await duplicateDeletions(url, dataDir);
    console.log(
      [
        `Memory: server RSS after 10 searches of a 12-megapixel PNG ${rssAt[0]!.toFixed(0)} MB, after 100 ${rssAt[1]!.toFixed(0)} MB (${(((rssAt[1]! - rssAt[0]!) / rssAt[0]!) * 100).toFixed(1)}%).`,
        '',
        `Each attack sent by ${ATTACKERS} clients at once, over and over, for ${SECONDS} s, while one client runs an ordinary searchFace (a johns photo, 5 people enrolled) again and again. Server: \`src/main.ts\` with the default settings, ${os.availableParallelism()} cores. Server RSS at the end: ${rss ? `${(Number(rss) / 1024).toFixed(0)} MB` : 'unknown'}.`,
        '',
        '| attack | how it was answered (count × answer) | ordinary search p50 ms | ordinary search worst ms |',
        '|---|---|---|---|',
        ...rows,
        '',
        `Duplicate deletions: ${deletions.trials} people of 4 photos, each deleted by two deletePerson at once; answers ${[...deletions.answers].map(([a, n]) => `${n}× ${a}`).join(', ')}; ` +
          `photos left in images/ afterwards: ${deletions.left}; photo URLs still answering 200: ${deletions.served}.`,
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
