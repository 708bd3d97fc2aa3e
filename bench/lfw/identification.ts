// Open-set identification on LFW, offline: galleries of the service's own encodings (one or up to three photos per
// person), searched with the service's rule (open-set.ts) and, beside it, the fixed-tolerance rule. NIST's 1:N
// measures: DIR (a person enrolled is named, correctly) and the wrong-person rate, at the FPIR the rule gives
// (strangers named).
import { FaceIndex } from '../../src/core/index.js';
import { decide, NEIGHBOURS, type OpenSetRule } from '../../src/gallery/open-set.js';
import type { LfwFace } from './data.js';

export interface IdentificationResult {
  gallery: number;
  galleryFaces: number;
  genuine: number;
  strangers: number;
  /** Share of genuine probes named correctly. */
  dir: number;
  /** Share of genuine probes named as someone else. */
  wrong: number;
  /** Share of strangers named. */
  fpir: number;
}

/** Runs one protocol: `enrolled` photos per gallery person, `genuine` probes of theirs, `strangers` never enrolled. */
export function identify(
  gallery: { person: string; photos: LfwFace[] }[],
  genuine: LfwFace[],
  strangers: LfwFace[],
  rule: OpenSetRule | { tolerance: number },
): IdentificationResult {
  const index = new FaceIndex();
  const personOf: number[] = [];
  const idOf = new Map<string, number>();
  gallery.forEach((g, pid) => {
    idOf.set(g.person, pid);
    for (const f of g.photos) {
      // Stored as an enrolment stores it, searched as a search computes it.
      index.add(personOf.length, f.enrolled ?? f.encoding);
      personOf.push(pid);
    }
  });
  const named = (probe: LfwFace): number | null => {
    if ('targetFpir' in rule) {
      const hits = index.searchSync(probe.encoding, { k: NEIGHBOURS });
      const d = decide(
        hits.map((h) => ({ faceId: h.id, personId: personOf[h.id]!, distance: h.distance })),
        { people: gallery.length, faces: personOf.length },
        rule,
      );
      return d?.known ? d.personId : null;
    }
    const [hit] = index.searchSync(probe.encoding, { k: 1, maxDistance: rule.tolerance });
    return hit ? personOf[hit.id]! : null;
  };
  let right = 0;
  let wrong = 0;
  for (const p of genuine) {
    const n = named(p);
    if (n === null) continue;
    if (n === idOf.get(p.person)) right++;
    else wrong++;
  }
  const strangersNamed = strangers.filter((s) => named(s) !== null).length;
  index.clear();
  return {
    gallery: gallery.length,
    galleryFaces: personOf.length,
    genuine: genuine.length,
    strangers: strangers.length,
    dir: right / genuine.length,
    wrong: wrong / genuine.length,
    fpir: strangersNamed / strangers.length,
  };
}
