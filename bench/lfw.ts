// LFW benchmark (`npm run bench:lfw -- --lfw <lfw-deepfunneled dir> --pairs <pairs.txt> [--analyses <file.jsonl>]`):
//  - verification: the 6,000 pairs of pairs.txt in its 10 folds (threshold picked on 9 folds, applied to the
//    tenth), accuracy ± standard deviation, TAR at FAR 1 % and 0.1 %, and the ROC curve's points;
//  - with --peer: face_recognition (bench/peers/face_recognition_lfw.py, .bench-venv) on the pairs and the 1,000-person
//    protocol's photos, verification and identification by its own rule (tolerance 0.6), cached in --peer-analyses;
//  - with --api: the 1,000-person protocol again through a running service with its defaults (addPerson, then
//    searchFace over HTTP; bench/lfw/api.ts), which takes several minutes;
//  - open-set identification (NIST's 1:N measures): galleries of 10, 100, 1,000 and every person with two or more
//    photos (one photo each), and the people with four or more photos (up to three each, probe photo 4); DIR and
//    wrong-person rate at the FPIR the rule gives, for the service's open-set rule and the fixed tolerance 0.6.
// Every photo is analysed once with the service's default detector and settings (bench/lfw/analyse.ts; the file
// given with --analyses is reused, and written when missing), and each photo's face is the one the service enrols
// (quality verdict, then the main face). Strangers are fold B's one-photo people, whom the calibration
// (bench/lfw/calibrate.ts, fold A) never saw. Prints markdown on stdout.
// Get LFW (not shipped with the project): the deep-funneled images from github braun-steven/dfi-tensorflow
// (data/lfw-deepfunneled) and pairs.txt from github davidsandberg/facenet (data/pairs.txt, sha256 ea42330c…1592).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { byPerson, foldOf, shuffled } from './lfw/data.js';
import { lfwPeople } from './lfw/enrolled.js';
import { identify } from './lfw/identification.js';
import { identifyThroughApi } from './lfw/api.js';
import { peerIdentification, runPeer } from './lfw/peer.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAIRS_SHA256 = 'ea42330c62c92989f9d7c03237ed5d591365e89b3e649747777b70e692dc1592';
const arg = (name: string, dflt?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`--${name} is required (see the top of bench/lfw.ts)`);
  return dflt;
};
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;

interface Pair {
  a: string;
  b: string;
  same: boolean;
  fold: number;
}

/** pairs.txt: a header "10 300", then per fold 300 same-person lines (name i j) and 300 different (n1 i n2 j). */
function readPairs(file: string): Pair[] {
  const text = fs.readFileSync(file, 'utf8');
  if (createHash('sha256').update(text).digest('hex') !== PAIRS_SHA256) throw new Error(`${file} is not the LFW pairs.txt (sha256 differs)`);
  const name = (n: string, i: string) => `${n}/${n}_${i.padStart(4, '0')}.jpg`;
  const lines = text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/));
  return lines.map((p, k) => ({
    a: name(p[0]!, p[1]!),
    b: p.length === 3 ? name(p[0]!, p[2]!) : name(p[2]!, p[3]!),
    same: p.length === 3,
    fold: Math.floor(k / 600),
  }));
}

const distance = (x: Float32Array, y: Float32Array) => Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0));

/** 10-fold verification: a pair with a photo where `encodingOf` has no face counts as "different". */
function verification(pairs: Pair[], encodingOf: (file: string) => Float32Array | undefined) {
  const d = pairs.map((p) => {
    const [a, b] = [encodingOf(p.a), encodingOf(p.b)];
    return a && b ? distance(a, b) : Infinity;
  });
  const missing = d.filter((x) => x === Infinity).length;
  const accuracyAt = (t: number, idx: number[]) => idx.filter((i) => d[i]! <= t === pairs[i]!.same).length / idx.length;
  const thresholds = Array.from({ length: 400 }, (_, i) => 0.3 + i * 0.001);
  const folds = Array.from({ length: 10 }, (_, f) => {
    const train = pairs.flatMap((p, i) => (p.fold !== f ? [i] : []));
    const testIdx = pairs.flatMap((p, i) => (p.fold === f ? [i] : []));
    const best = thresholds.reduce((a, t) => (accuracyAt(t, train) > accuracyAt(a, train) ? t : a), thresholds[0]!);
    return { threshold: best, accuracy: accuracyAt(best, testIdx) };
  });
  const mean = folds.reduce((s, f) => s + f.accuracy, 0) / 10;
  const std = Math.sqrt(folds.reduce((s, f) => s + (f.accuracy - mean) ** 2, 0) / 10);
  const genuine = d.filter((_, i) => pairs[i]!.same).sort((x, y) => x - y);
  const impostor = d.filter((_, i) => !pairs[i]!.same).sort((x, y) => x - y);
  const tarAt = (far: number) => {
    const t = impostor[Math.max(0, Math.floor(far * impostor.length) - 1)]!;
    return { threshold: t, tar: genuine.filter((x) => x < t).length / genuine.length };
  };
  const roc = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3].map((far) => ({ far, ...tarAt(far) }));
  return {
    mean,
    std,
    missing,
    thresholds: folds.map((f) => f.threshold),
    at06: accuracyAt(
      0.6,
      pairs.map((_, i) => i),
    ),
    roc,
  };
}

/** An SVG plot of DIR against FPIR (log scale, 0.1 % to 100 %) for each named curve. */
function plot(curves: { name: string; colour: string; points: { fpir: number; dir: number }[] }[], title: string): string {
  const [w, h, left, bottom, top, right] = [640, 400, 60, 50, 30, 20];
  const x = (fpir: number) => left + ((Math.log10(Math.max(fpir, 0.001)) + 3) / 3) * (w - left - right);
  const y = (dir: number) => top + (1 - dir) * (h - top - bottom);
  const grid = [0.001, 0.01, 0.1, 1].map(
    (f) =>
      `<line x1="${x(f)}" y1="${top}" x2="${x(f)}" y2="${h - bottom}" stroke="#ddd"/><text x="${x(f)}" y="${h - bottom + 18}" text-anchor="middle">${f * 100} %</text>`,
  );
  const ygrid = [0, 0.25, 0.5, 0.75, 1].map(
    (d) =>
      `<line x1="${left}" y1="${y(d)}" x2="${w - right}" y2="${y(d)}" stroke="#ddd"/><text x="${left - 8}" y="${y(d) + 4}" text-anchor="end">${d * 100} %</text>`,
  );
  const lines = curves.map((c, i) => {
    const pts = c.points
      .filter((p) => p.fpir > 0)
      .sort((a, b) => a.fpir - b.fpir)
      .map((p) => `${x(p.fpir).toFixed(1)},${y(p.dir).toFixed(1)}`)
      .join(' ');
    return `<polyline fill="none" stroke="${c.colour}" stroke-width="2" points="${pts}"/><text x="${w - right - 8}" y="${h - bottom - 12 - 18 * i}" text-anchor="end" fill="${c.colour}">${c.name}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>`,
    ...grid,
    ...ygrid,
    `<text x="${w / 2}" y="${h - 10}" text-anchor="middle">strangers named (FPIR, log scale)</text>`,
    `<text transform="translate(16 ${h / 2}) rotate(-90)" text-anchor="middle">named correctly (DIR)</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}

async function main(): Promise<void> {
  const lfw = arg('lfw');
  const pairsFile = arg('pairs');
  const analyses = arg('analyses', path.join(os.tmpdir(), 'face-bench-lfw-analyses.jsonl'));
  const t0 = Date.now();
  const analyse = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/lfw/analyse.ts'), '--lfw', lfw, '--out', analyses], {
    stdio: 'inherit',
  });
  if (analyse.status !== 0) throw new Error('the analysis of LFW failed');
  const { photos, faces, people } = await lfwPeople(lfw, analyses, (line) => process.stderr.write(`${line}\n`));
  const pairs = readPairs(pairsFile);
  const v = verification(pairs, (f) => faces.get(f)?.encoding);

  const names = [...people.keys()].sort();
  const multi = names.filter((n) => people.get(n)!.length >= 2);
  const strangers = names.filter((n) => foldOf(n, names) === 'B' && people.get(n)!.length === 1).map((n) => people.get(n)![0]!);
  const rows: string[] = [];
  const protocols: { label: string; chosen: string[]; photos: number }[] = [
    ...[10, 100, 1000, multi.length].map((size) => ({
      label: `${size.toLocaleString('en')} people, 1 photo each`,
      chosen: shuffled(multi, 7).slice(0, size),
      photos: 1,
    })),
    ...[1, 2, 3].map((photos) => ({
      label: `people with ≥ 4 photos, ${photos} photo${photos > 1 ? 's' : ''} each (probe: photo 4)`,
      chosen: names.filter((n) => people.get(n)!.length >= 4),
      photos,
    })),
  ];
  for (const p of protocols) {
    const gallery = p.chosen.map((n) => ({ person: n, photos: people.get(n)!.slice(0, p.photos) }));
    const genuine = p.label.includes('probe') ? p.chosen.map((n) => people.get(n)![3]!) : p.chosen.flatMap((n) => people.get(n)!.slice(1));
    const cells = [0.01, 0.001].map((fpir) => identify(gallery, genuine, strangers, { targetFpir: fpir, tolerance: 0.6 }));
    const raw = identify(gallery, genuine, strangers, { tolerance: 0.6 });
    const fmt = (r: typeof raw) => `${pct(r.dir)} / ${pct(r.wrong, 2)} / ${pct(r.fpir, 2)}`;
    rows.push(
      `| ${p.label} (${gallery.length} people, ${cells[0]!.galleryFaces} photos; ${genuine.length} genuine probes) | ${fmt(cells[0]!)} | ${fmt(cells[1]!)} | ${fmt(raw)} |`,
    );
  }
  const noFace = photos.filter((p) => !faces.has(p.file)).length;
  const plotFile = process.argv.includes('--plot') ? arg('plot') : undefined;
  if (plotFile) {
    // DIR against FPIR at 1,000 people: the open-set rule over its target rates, the fixed tolerance over distances.
    const chosen = shuffled(multi, 7).slice(0, 1000);
    const gallery = chosen.map((n) => ({ person: n, photos: people.get(n)!.slice(0, 1) }));
    const genuine = chosen.flatMap((n) => people.get(n)!.slice(1));
    const openSet = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5].map((t) =>
      identify(gallery, genuine, strangers, { targetFpir: t, tolerance: 0.6 }),
    );
    const fixed = Array.from({ length: 13 }, (_, i) => identify(gallery, genuine, strangers, { tolerance: 0.3 + i * 0.025 }));
    fs.writeFileSync(
      plotFile,
      plot(
        [
          { name: 'open-set rule (MATCH_FPIR 0.1 %–50 %)', colour: '#1565c0', points: openSet },
          { name: 'fixed tolerance (0.30–0.60)', colour: '#c62828', points: fixed },
        ],
        'LFW, 1,000 people enrolled with one photo each',
      ),
    );
  }
  const peerLines: string[] = [];
  if (process.argv.includes('--peer')) {
    // face_recognition on the pairs' photos and the 1,000-person protocol's photos (first photo enrolled).
    const chosen = shuffled(multi, 7).slice(0, 1000);
    const filesOf = (n: string) =>
      photos
        .filter((p) => p.file.startsWith(`${n}/`))
        .map((p) => p.file)
        .sort();
    const gallery = chosen.map((n): [string, string] => [n, filesOf(n)[0]!]);
    const genuine = chosen.flatMap((n) =>
      filesOf(n)
        .slice(1)
        .map((f): [string, string] => [n, f]),
    );
    const strangerFiles = strangers.map((s) => s.file);
    const needed = [...new Set([...pairs.flatMap((p) => [p.a, p.b]), ...gallery.map((g) => g[1]), ...genuine.map((g) => g[1]), ...strangerFiles])];
    const t1 = Date.now();
    const peer = runPeer(lfw, needed, arg('peer-analyses', path.join(os.tmpdir(), 'face-bench-lfw-face_recognition.jsonl')));
    const pv = verification(pairs, (f) => peer.get(f)?.[0]);
    const pi = peerIdentification(peer, gallery, genuine, strangerFiles);
    peerLines.push(
      '',
      `**face_recognition** 1.2.3 (PyPI, dlib-bin 20.0.1; HOG upsample 1, the first face of each photo, tolerance 0.6) on the same photos (${needed.length.toLocaleString('en')}, ${((Date.now() - t1) / 1000).toFixed(0)} s with 2 processes, or read from its cache): ` +
        `verification **${pct(pv.mean, 2)} ± ${pct(pv.std, 2)}** (pairs with a photo where it finds no face: ${pv.missing}); at 1,000 people (its enrolment from the first photo file; ${pi.enrolled} enrolled): ` +
        `named correctly ${pct(pi.dir)}, wrong person or several ${pct(pi.wrong, 2)}, strangers named ${pct(pi.fpir, 2)}.`,
    );
  }
  const apiLines: string[] = [];
  if (process.argv.includes('--api')) {
    // The people of the 1,000-person row, enrolled from their first photo file; the same probes and strangers.
    const chosen = shuffled(multi, 7).slice(0, 1000);
    const all = byPerson(
      new Map(photos.map((p) => [p.file, { file: p.file, person: p.file.split('/')[0]!, faceIndex: 0, encoding: new Float32Array(0) }])),
    );
    const r = await identifyThroughApi(
      lfw,
      chosen.map((n) => [n, all.get(n)![0]!.file]),
      chosen.flatMap((n) =>
        all
          .get(n)!
          .slice(1)
          .map((f): [string, string] => [n, f.file]),
      ),
      strangers.map((s) => s.file),
      (line) => process.stderr.write(`${line}\n`),
    );
    apiLines.push(
      '',
      `**Through the API with its defaults** (1,000 people enrolled with addPerson from their first photo, ${r.genuine.toLocaleString('en')} searchFace of their other photos, ${r.strangers.toLocaleString('en')} of strangers; ${r.seconds.toFixed(0)} s): ` +
        `named correctly ${pct(r.named / r.genuine)}, MATCH with the wrong person ${pct(r.wrong / r.genuine, 2)}, MULTIPLE_KNOWN_FACES ${pct(r.multiple / r.genuine, 2)}, strangers answered MATCH or MULTIPLE_KNOWN_FACES ${pct(r.strangersNamed / r.strangers, 2)}. ` +
        `Enrolments refused (no recognisable face): ${r.refused}; ambiguous, enrolled with the first face offered: ${r.ambiguous}.`,
    );
  }
  console.log(
    [
      `LFW deep-funneled, ${photos.length.toLocaleString('en')} photos analysed with the service's defaults (CNN detector, MIN_FACE_PX 20); ${noFace} without a face the service would enrol. ${os.availableParallelism()} cores; ${((Date.now() - t0) / 1000).toFixed(0)} s in all.`,
      '',
      `**Verification** (pairs.txt, 10 folds): **${pct(v.mean, 2)} ± ${pct(v.std, 2)}**; at the fixed distance 0.6: ${pct(v.at06, 2)}; pairs with a photo without a usable face: ${v.missing}. Fold thresholds ${Math.min(...v.thresholds).toFixed(3)}–${Math.max(...v.thresholds).toFixed(3)}.`,
      '',
      '| FAR | TAR | distance threshold |',
      '|---:|---:|---:|',
      ...v.roc.map((r) => `| ${pct(r.far, 1)} | ${pct(r.tar, 2)} | ${r.threshold.toFixed(3)} |`),
      '',
      `**Open-set identification**, strangers: ${strangers.length.toLocaleString('en')} one-photo people of fold B. Each cell: DIR (named correctly) / wrong person / FPIR (strangers named).`,
      '',
      '| gallery | open-set rule, MATCH_FPIR 1 % (default) | MATCH_FPIR 0.1 % | fixed tolerance 0.6 (the earlier rule) |',
      '|---|---|---|---|',
      ...rows,
      ...peerLines,
      ...apiLines,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
