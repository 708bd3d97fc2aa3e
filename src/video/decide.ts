// Deciding who a tracked face is from its N encodings (facelib's two ways, found to perform alike):
// Each encoding is identified by the gallery's open-set rule (gallery/open-set.ts), and within the job's tolerance.
//  - VOTE: each encoding's nearest known person (within tolerance) is one vote, "unknown" included;
//    the most-voted wins and the confidence is its share of the votes.
//  - FUSION: the N encodings are averaged into one and matched once; the confidence comes from that distance.
import { distanceToConfidence, type NearestFace } from '../gallery/index.js';

export const DECISION_METHODS = ['VOTE', 'FUSION'] as const;
export type DecisionMethod = (typeof DECISION_METHODS)[number];

/** The nearest known person for one encoding, or null when the gallery is empty. */
export type Matcher = (encoding: Float32Array) => Promise<NearestFace | null>;

export interface Decision {
  /** null = unknown (nobody within tolerance). */
  personId: number | null;
  faceId: number | null;
  /** VOTE: share of votes for the winner; FUSION: confidence from the fused distance. */
  confidence: number;
  /** FUSION: the fused encoding's distance; VOTE: the winner's mean distance over its votes (null when unknown). */
  distance: number | null;
  votes: number;
  frames: number;
}

export async function decide(encodings: Float32Array, method: DecisionMethod, tolerance: number, match: Matcher): Promise<Decision> {
  const frames = encodings.length / 128;
  if (frames < 1 || !Number.isInteger(frames)) throw new RangeError('Expected at least one 128-d encoding');
  const at = (i: number) => encodings.subarray(i * 128, (i + 1) * 128);

  if (method === 'FUSION') {
    const mean = new Float32Array(128);
    for (let i = 0; i < frames; i++) for (let d = 0; d < 128; d++) mean[d] += at(i)[d] / frames;
    const best = await match(mean);
    const known = best !== null && best.known && best.distance <= tolerance;
    return {
      personId: known ? best.personId : null,
      faceId: known ? best.faceId : null,
      distance: best?.distance ?? null,
      confidence: best ? (known ? distanceToConfidence(best.distance, tolerance) : 1 - distanceToConfidence(best.distance, tolerance)) : 1,
      votes: frames,
      frames,
    };
  }

  // VOTE: key 'unknown' or the person id.
  const tally = new Map<string, { votes: number; distance: number; faceId: number | null; personId: number | null }>();
  for (let i = 0; i < frames; i++) {
    const best = await match(at(i));
    const known = best !== null && best.known && best.distance <= tolerance;
    const key = known ? String(best.personId) : 'unknown';
    const entry = tally.get(key) ?? { votes: 0, distance: 0, faceId: known ? best.faceId : null, personId: known ? best.personId : null };
    entry.votes++;
    entry.distance += best?.distance ?? 0;
    tally.set(key, entry);
  }
  // Most votes wins; a tie goes to the smaller mean distance, and "unknown" loses ties to a person.
  const [key, winner] = [...tally.entries()].sort(
    ([ka, a], [kb, b]) => b.votes - a.votes || Number(ka === 'unknown') - Number(kb === 'unknown') || a.distance / a.votes - b.distance / b.votes,
  )[0];
  return {
    personId: key === 'unknown' ? null : winner.personId,
    faceId: key === 'unknown' ? null : winner.faceId,
    distance: key === 'unknown' ? null : winner.distance / winner.votes,
    confidence: winner.votes / frames,
    votes: winner.votes,
    frames,
  };
}
