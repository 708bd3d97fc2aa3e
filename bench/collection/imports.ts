// Parts 3 and 4 of bench:collection: import throughput (the service's Collection.importPhoto over LFW photos with
// the whole thread budget, against face_recognition's own batch loop in the Python peer), and importing by folder
// (each LFW person's folder as that person), then the same again, which must add nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GalleryError } from '../../src/gallery/errors.js';
import type { PersonName } from '../../src/gallery/names.js';
import { folderPerson } from '../../src/collection/folders.js';
import type { ImportStatus } from '../../src/collection/collection.js';
import { int, loadNow, log, median, openGallery, pool, runPeer, timed, type Service } from './common.js';

interface PeerImport {
  photos: number;
  faces: number;
  seconds: number;
  cpuSeconds: number;
  photosPerSecond: number;
  processes: number;
  versions: { dlib: string; face_recognition: string; numpy: string };
  build: { avx: boolean; blas: boolean; cuda: boolean };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  faces: number;
  kept?: number;
}

/** The service's import of these photos into a fresh gallery, `threads` at a time. */
async function ourImport(s: Service, dir: string, files: string[], concurrency: number): Promise<Run> {
  const g = await openGallery(s);
  try {
    let faces = 0;
    let kept = 0;
    const { seconds, cpuSeconds } = await timed(() =>
      pool(files, concurrency, async (file) => {
        const bytes = await fs.promises.readFile(path.join(dir, file));
        const out = await g.gallery.collection.importPhoto({ bytes, filename: path.basename(file) }, file);
        faces += out.facesFound;
        kept += out.named.length + out.unnamed.length;
      }),
    );
    return { seconds, cpuSeconds, faces, kept };
  } finally {
    await g.close();
  }
}

export interface ThroughputResult {
  lines: string[];
  peerVersions?: PeerImport['versions'] & { build: PeerImport['build'] };
}

export async function throughputPart(s: Service, dir: string, files: string[], runs: number): Promise<ThroughputResult> {
  // The peer walks a folder: one of symlinks to the same photos.
  const links = fs.mkdtempSync(path.join(os.tmpdir(), 'face-bench-import-'));
  for (const f of files) fs.symlinkSync(path.resolve(dir, f), path.join(links, path.basename(f)));
  const threads = s.core.threads;
  const ours: Run[] = [];
  const twice: Run[] = [];
  const peer = new Map<number, PeerImport[]>([
    [1, []],
    [2, []],
  ]);
  const loads: string[] = [loadNow()];
  try {
    for (let r = 0; r < runs; r++) {
      for (const [list, concurrency] of [
        [ours, threads],
        [twice, 2 * threads],
      ] as const) {
        log(`import run ${r + 1}/${runs}: ours (${files.length} photos, ${concurrency} at a time)`);
        list.push(await ourImport(s, dir, files, concurrency));
        log(`  ${(files.length / list.at(-1)!.seconds).toFixed(1)} photos/s`);
      }
      for (const processes of [1, 2]) {
        log(`import run ${r + 1}/${runs}: face_recognition, ${processes} process(es)`);
        peer.get(processes)!.push(runPeer<PeerImport>(['import', '--folder', links, '--processes', String(processes)]));
      }
      loads.push(loadNow());
    }
  } finally {
    fs.rmSync(links, { recursive: true, force: true });
  }
  const n = files.length;
  const med = (xs: Run[]) => ({
    seconds: median(xs.map((x) => x.seconds)),
    cpu: median(xs.map((x) => x.cpuSeconds)),
    faces: xs[0]!.faces,
    kept: xs[0]!.kept,
    facesVary: new Set(xs.map((x) => x.faces)).size > 1,
  });
  const o = med(ours);
  const o2 = med(twice);
  const p = [1, 2].map((k) => med(peer.get(k)!.map((x) => ({ seconds: x.seconds, cpuSeconds: x.cpuSeconds, faces: x.faces }))));
  const row = (name: string, par: string, m: ReturnType<typeof med>, faces: string) =>
    `| ${name} | ${par} | ${(n / m.seconds).toFixed(1)} | ${m.seconds.toFixed(1)} | ${m.cpu.toFixed(1)} | ${((m.cpu / n) * 1000).toFixed(0)} | ${(n / m.cpu).toFixed(2)} | ${faces} |`;
  const v = peer.get(1)![0]!;
  const lines = [
    `The first ${int(n)} LFW photos (file order, ${files[0]} to ${files.at(-1)}), ${runs} run${runs > 1 ? 's' : ''} of each, taking turns ` +
      `(ours with ${threads} then ${2 * threads} photos in flight, then the peer with 1 and 2 processes); medians. ` +
      `Load average (1 min) before and after each round: ${loads.join(', ')}.`,
    '',
    '| import | in parallel | photos/s | wall s | CPU s | CPU ms per photo | photos per CPU second | faces |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    row(
      "**ours**: Collection.importPhoto, a fresh SQLite gallery, the service's defaults (CNN detector, MIN_FACE_PX 20)",
      `${threads} photos at a time (the thread budget: ${os.availableParallelism()} cores)`,
      o,
      `${int(o.faces)} found, ${int(o.kept ?? 0)} kept (recognisable)`,
    ),
    row('ours, more photos in flight than the budget', `${2 * threads} photos at a time`, o2, `${int(o2.faces)} found, ${int(o2.kept ?? 0)} kept`),
    ...[1, 2].map((k, i) =>
      row(
        `face_recognition ${v.versions.face_recognition}: load_image_file → face_locations(img, 1) (HOG) → face_encodings`,
        k === 1 ? '1 process' : `${k} processes (multiprocessing.Pool, as its CLI's --cpus)`,
        p[i]!,
        `${int(p[i]!.faces)} encoded`,
      ),
    ),
    '',
    `Ours against face_recognition with 2 processes: **${(p[1]!.seconds / o.seconds).toFixed(2)}×** the photos per second ` +
      `(${(p[0]!.seconds / o.seconds).toFixed(2)}× against 1 process); per core (CPU seconds per photo): ${(p[1]!.cpu / o.cpu).toFixed(2)}× ` +
      `(${(p[0]!.cpu / o.cpu).toFixed(2)}× against 1 process). Ours does more per photo: the quality verdict, identification against the named ` +
      `faces, a crop per kept face (JPEG), the rows in SQLite and the grouping; the peer keeps its encodings in memory.` +
      (o.facesVary ? ' (Our face counts varied between runs.)' : ''),
  ];
  return { lines, peerVersions: { ...v.versions, build: v.build } };
}

interface Outcome {
  status: ImportStatus | 'ERROR';
  code?: string;
  named: number;
}

export async function byFolderPart(s: Service, dir: string, people: Map<string, string[]>, maxPeople: number): Promise<string[]> {
  const folders = [...people.keys()]
    .filter((p) => people.get(p)!.length >= 2)
    .sort()
    .slice(0, maxPeople);
  const refused: string[] = [];
  const names = new Map<string, PersonName>();
  for (const f of folders) {
    try {
      names.set(f, folderPerson(f));
    } catch {
      refused.push(f);
    }
  }
  const jobs = folders.filter((f) => names.has(f)).flatMap((f) => people.get(f)!.map((file) => ({ folder: f, file })));
  const refusedPhotos = refused.reduce((a, f) => a + people.get(f)!.length, 0);
  const g = await openGallery(s);
  const store = g.store;
  const pass = async (): Promise<{ seconds: number; outcomes: Outcome[] }> => {
    const outcomes: Outcome[] = new Array<Outcome>(jobs.length);
    let done = 0;
    const { seconds } = await timed(() =>
      pool(jobs, s.core.threads, async (job, i) => {
        const bytes = await fs.promises.readFile(path.join(dir, job.file));
        try {
          const out = await g.gallery.collection.importPhoto({ bytes, filename: path.basename(job.file) }, job.file, {
            person: names.get(job.folder)!,
          });
          outcomes[i] = { status: out.status, named: out.named.length };
        } catch (err) {
          if (!(err instanceof GalleryError)) throw err;
          outcomes[i] = { status: 'ERROR', code: err.code, named: 0 };
        }
        if (++done % 1000 === 0) log(`  ${done}/${jobs.length} photos`);
      }),
    );
    return { seconds, outcomes };
  };
  try {
    log(`by folder: ${folders.length} people, ${jobs.length} photos`);
    const first = await pass();
    const expected = new Map<string, number>();
    jobs.forEach((j, i) => expected.set(j.folder, (expected.get(j.folder) ?? 0) + first.outcomes[i]!.named));
    const wrongCount: string[] = [];
    const missing: string[] = [];
    const empty: string[] = [];
    for (const f of names.keys()) {
      const n = names.get(f)!;
      const row = await store.people.findByName(n.firstName, n.surName);
      if (!row) {
        if (expected.get(f)! > 0) missing.push(f);
        continue;
      }
      const faces = await store.faces.countByPerson(row.id);
      if (faces === 0) empty.push(f);
      if (faces !== expected.get(f)) wrongCount.push(`${f} (${faces} faces, ${expected.get(f)} imported)`);
    }
    const people1 = await store.people.count();
    const faces1 = await store.faces.count();
    const unnamed1 = await store.faces.countUnnamed();
    const withFaces = [...expected.values()].filter((x) => x > 0).length;
    const tally = (outs: Outcome[]) => {
      const t = new Map<string, number>();
      for (const o of outs) {
        const key = o.status === 'ERROR' ? `error ${o.code}` : o.status;
        t.set(key, (t.get(key) ?? 0) + 1);
      }
      return [...t].map(([k, v]) => `${k} ${int(v)}`).join(', ');
    };
    const notChosen = jobs.flatMap((j, i) =>
      first.outcomes[i]!.named === 1 ? [] : [`${j.file} (${first.outcomes[i]!.code ?? first.outcomes[i]!.status})`],
    );
    log('by folder: the second pass');
    const second = await pass();
    const people2 = await store.people.count();
    const faces2 = await store.faces.count();
    const notAlready = jobs.flatMap((j, i) =>
      second.outcomes[i]!.status === 'ALREADY_IMPORTED' ? [] : [`${j.file} (${second.outcomes[i]!.code ?? second.outcomes[i]!.status})`],
    );
    const all = [...people.values()].filter((x) => x.length >= 2);
    return [
      `${maxPeople < Infinity ? `The first ${int(folders.length)} of the ${int(all.length)} LFW people with two or more photos` : `Every LFW person with two or more photos (${int(folders.length)})`}; ` +
        `each folder's person named by the service's folderPerson (src/collection/folders.ts: first word first name, the rest the surname, underscores → spaces), each photo imported with importPhoto(photo, { person }) into a fresh gallery, ${s.core.threads} at a time.`,
      '',
      `- Folders whose name the service refuses (one word: no surname): ${refused.length} (${int(refusedPhotos)} photos, not imported): ${refused.join(', ') || 'none'}.`,
      `- First pass: ${int(jobs.length)} photos in ${first.seconds.toFixed(0)} s (**${(jobs.length / first.seconds).toFixed(1)} photos/s**): ${tally(first.outcomes)}.`,
      `- People created: ${int(people1)}, for ${int(names.size)} folders imported, ${int(withFaces)} of them with a face chosen from at least one photo. ` +
        `Faces stored: ${int(faces1)} (${int(unnamed1)} unnamed), against ${int(first.outcomes.reduce((a, o) => a + o.named, 0))} photos the import reported a face enrolled from.`,
      `- Folders whose person has a face count other than the photos imported from it: ${wrongCount.length ? wrongCount.slice(0, 10).join('; ') : 'none'}; ` +
        `folders with a face imported but no person of that name: ${missing.length ? missing.join(', ') : 'none'}; people created without any face: ${empty.length ? `**${empty.length}** (${empty.slice(0, 10).join(', ')})` : 'none'}.`,
      `- Photos where no face was enrolled: ${int(notChosen.length)}${notChosen.length ? `: ${notChosen.slice(0, 12).join(', ')}${notChosen.length > 12 ? ', …' : ''}` : ''}.`,
      `- Second pass, the same photos again: ${second.seconds.toFixed(1)} s (${(jobs.length / second.seconds).toFixed(0)} photos/s): ${tally(second.outcomes)}; ` +
        `people ${int(people1)} → ${int(people2)}, faces ${int(faces1)} → ${int(faces2)}: ${people1 === people2 && faces1 === faces2 ? 'nothing added' : '**it added rows**'}. ` +
        `Photos not answered ALREADY_IMPORTED: ${notAlready.length ? `**${int(notAlready.length)}**: ${notAlready.slice(0, 8).join(', ')}${notAlready.length > 8 ? ', …' : ''}` : 'none'}.`,
    ];
  } finally {
    await g.close();
  }
}
