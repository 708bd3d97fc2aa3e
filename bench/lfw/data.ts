// LFW as the benchmark reads it: the analyses bench/lfw/analyse.ts wrote, each photo's face chosen the way the
// service chooses the face to enrol (quality verdict, then the main face), people grouped, and the identity folds
// that keep the calibration's people apart from the people it is measured on.
import fs from 'node:fs';
import type { Point } from '../../src/core/index.js';
import { faceQuality } from '../../src/gallery/quality.js';
import { mainFace } from '../../src/gallery/main-face.js';
import type { AnalysedPhoto } from './analyse.js';

export interface LfwFace {
  file: string;
  person: string;
  /** Which of the photo's analysed faces. */
  faceIndex: number;
  /** The face's encoding as a search computes it. */
  encoding: Float32Array;
  /** As an enrolment stores it (with the enrolment jitter), for photos a gallery enrols: bench/lfw/enrolled.ts. */
  enrolled?: Float32Array;
}

export function readAnalyses(file: string): AnalysedPhoto[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AnalysedPhoto);
}

const points = (flat: number[]): Point[] => Array.from({ length: flat.length / 2 }, (_, i) => ({ x: flat[2 * i]!, y: flat[2 * i + 1]! }));

/**
 * The face the service would enrol from each photo (recognisable, then the main one; an ambiguous photo takes the
 * first of its candidates, as a caller choosing by index would), or nothing when no face qualifies.
 */
export function enrolFaces(photos: AnalysedPhoto[]): Map<string, LfwFace> {
  const out = new Map<string, LfwFace>();
  for (const p of photos) {
    const ok = p.faces.flatMap((f, i) => (faceQuality({ ...f, landmarks: points(f.landmarks) }, p.width, p.height, 'cnn').recognisable ? [i] : []));
    const choice = mainFace(
      p.faces.map((f) => f.box),
      ok,
      p.width,
      p.height,
    );
    if (!choice) continue;
    const index = 'index' in choice ? choice.index : choice.ambiguous[0]!;
    out.set(p.file, { file: p.file, person: p.file.split('/')[0]!, faceIndex: index, encoding: Float32Array.from(p.faces[index]!.encoding) });
  }
  return out;
}

/** Photos by person, each person's photos in file order. */
export function byPerson(faces: Map<string, LfwFace>): Map<string, LfwFace[]> {
  const people = new Map<string, LfwFace[]>();
  for (const f of [...faces.values()].sort((a, b) => a.file.localeCompare(b.file))) {
    people.set(f.person, [...(people.get(f.person) ?? []), f]);
  }
  return people;
}

/** Fold A or B of a person: alternate people in name order, so each fold holds half of every kind of person. */
export function foldOf(person: string, sortedPeople: string[]): 'A' | 'B' {
  return sortedPeople.indexOf(person) % 2 === 0 ? 'A' : 'B';
}

/** A seeded source of uniform numbers in [0, 1) (mulberry32): the same seed, the same numbers. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic shuffle (mulberry32), so every run draws the same galleries. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
