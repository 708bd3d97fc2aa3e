// Photo collections benchmark (`npm run bench:collection -- --lfw <lfw-deepfunneled dir> [--analyses <file.jsonl>]
// [--import-photos N] [--skip-import]`), printing markdown on stdout (progress on stderr):
//  1. grouping quality on every LFW photo's main face: the service's groupAll (faces placed one at a time, the
//     default rule) against dlib's chinese whispers at 0.5 and 0.4 (the Python peer, over the same encodings) and
//     our addon's cluster(); pairwise and BCubed precision and recall (bench/collection/metrics.ts);
//  2. speed: groupAll over all of them (median of --runs, default 3); one new face grouped among 100,000 unnamed
//     faces in memory and through a SQLite gallery (importPhoto) (bench/collection/speed.ts; --skip-store skips
//     the gallery, --store-photos its photos, default 30);
//  3. import throughput: Collection.importPhoto over the first --import-photos (default 1000) LFW photos with the
//     whole thread budget, against face_recognition's batch loop with 1 and 2 processes (--import-runs, default 1);
//  4. import by folder: every LFW person with two or more photos (the first --folder-people, default all) as that
//     person, then again, which must add nothing.
// --skip-import skips parts 3 and 4. The analyses (every face of every photo with the service's default detector) are
// read from --analyses, which bench/lfw/analyse.ts writes when it is missing or incomplete. The Python peer is
// bench/peers/face_recognition_collection.py in .bench-venv (bash bench/peers/setup-python-peer.sh).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lfwPhotos } from './lfw/analyse.js';
import { enrolFaces, readAnalyses } from './lfw/data.js';
import { arg, flag, int, log, machine, PYTHON, ROOT, service } from './collection/common.js';
import { byFolderPart, throughputPart, type ThroughputResult } from './collection/imports.js';
import { groupingQualityPart } from './collection/quality.js';
import { speedPart, WARM_UP } from './collection/speed.js';

async function main(): Promise<void> {
  const lfw = arg('lfw');
  const analyses = arg('analyses', path.join(os.tmpdir(), 'face-bench-lfw-analyses.jsonl'));
  const importPhotos = Number(arg('import-photos', '1000'));
  const importRuns = Number(arg('import-runs', '1'));
  const runs = Number(arg('runs', '3'));
  const folderPeople = Number(arg('folder-people', 'Infinity'));
  const storePhotos = Number(arg('store-photos', '30'));
  const started = new Date();
  const t0 = Date.now();
  const header = [`Run ${started.toISOString()} by \`npm run bench:collection\` (bench/collection.ts) on ${machine()}.`];

  const files = lfwPhotos(lfw);
  let photos = fs.existsSync(analyses) ? readAnalyses(analyses) : [];
  if (photos.length < files.length) {
    log(`analysing LFW into ${analyses} (${photos.length} of ${files.length} photos there)`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/lfw/analyse.ts'), '--lfw', lfw, '--out', analyses], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('the analysis of LFW failed');
    photos = readAnalyses(analyses);
  }
  const chosen = enrolFaces(photos);
  const main = [...chosen.values()].sort((a, b) => a.file.localeCompare(b.file));
  const faces = { files: main.map((f) => f.file), truth: main.map((f) => f.person), encodings: main.map((f) => f.encoding) };
  const s = service();
  header.push(
    '',
    `LFW deep-funneled: ${int(files.length)} photos of ${int(new Set(files.map((f) => f.split('/')[0])).size)} people; analyses from ${analyses} ` +
      `(the service's default detector, CNN with MIN_FACE_PX 20); ${int(main.length)} photos have a face the service would choose. ` +
      `The service's thread budget: ${s.core.threads}.`,
  );

  log('part 1: grouping quality');
  const quality = await groupingQualityPart(faces, s.core, runs);

  log('part 2: speed');
  // Photos for the 100,000-face gallery: the first of LFW's file order (their people stay among the 100,000) and the
  // last (their people held out, with every tenth person), taking turns.
  const half = Math.ceil((storePhotos + WARM_UP) / 2);
  const personOf = (file: string) => file.split('/')[0]!;
  const knownPhotos = files.slice(0, half);
  const newPhotos = files.slice(-half);
  const everyone = [...new Set(faces.truth)].sort();
  const heldOut = new Set([...everyone.filter((_, i) => i % 10 === 5), ...newPhotos.map(personOf)]);
  for (const f of knownPhotos) heldOut.delete(personOf(f));
  const storeList = newPhotos.flatMap((f, i) => [
    { file: f, known: false },
    { file: knownPhotos[i]!, known: true },
  ]);
  const speed = await speedPart({
    s,
    lfw: faces.encodings,
    truth: faces.truth,
    heldOut,
    groupAllSeconds: quality.groupAllSeconds,
    faces: main.length,
    photos: storeList.map((p) => ({ ...p, bytes: fs.readFileSync(path.join(lfw, p.file)) })),
    skipStore: flag('skip-store'),
  });

  let throughput: ThroughputResult | undefined;
  let byFolder: string[] = ['Skipped (--skip-import).'];
  if (!flag('skip-import')) {
    log('part 3: import throughput');
    throughput = await throughputPart(s, lfw, files.slice(0, importPhotos), importRuns);
    log('part 4: import by folder');
    const people = new Map<string, string[]>();
    for (const f of files) people.set(f.split('/')[0]!, [...(people.get(f.split('/')[0]!) ?? []), f]);
    byFolder = await byFolderPart(s, lfw, people, folderPeople);
  }

  const python = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const v = throughput?.peerVersions;
  const peer = v
    ? `face_recognition ${v.face_recognition} on dlib ${v.dlib} (PyPI's dlib-bin wheel; AVX ${v.build.avx ? 'on' : 'off'}, BLAS ${v.build.blas ? 'on' : 'off'}, CUDA ${v.build.cuda ? 'on' : 'off'}), numpy ${v.numpy}, ${python}`
    : `dlib ${quality.dlibVersion}, ${python}`;
  console.log(
    [
      ...header,
      `The Python peer: ${peer} (bench/peers/face_recognition_collection.py). ${((Date.now() - t0) / 1000 / 60).toFixed(1)} minutes in all; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}.`,
      '',
      '### Grouping quality',
      '',
      ...quality.lines,
      '',
      '### Grouping speed',
      '',
      ...speed,
      '',
      '### Import throughput',
      '',
      ...(throughput?.lines ?? ['Skipped (--skip-import).']),
      '',
      '### Import by folder',
      '',
      ...byFolder,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
