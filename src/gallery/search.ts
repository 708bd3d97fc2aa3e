// The answer to "who is in this photo?" from its analysis: each face's quality verdict, the person each recognisable
// face is (MATCH_FPIR shared between them), and one status for the photo.
import { RECOGNISABLE_FACE_PX, type Box } from '../core/index.js';
import { fullName } from './names.js';
import { faceQuality } from './quality.js';
import {
  MULTIPLE_KNOWN_FACES_MESSAGE,
  NO_FACE_MESSAGE,
  UNKNOWN_MESSAGE,
  unrecognisableMessage,
  type AnalysedPhoto,
  type DetectedFaceOutcome,
  type FaceMatchOutcome,
  type SearchOutcome,
} from './results.js';

/** Whether a face is too small to recognise (RECOGNISABLE_FACE_PX on its box's larger side). */
export const isTooSmall = (box: Box): boolean => Math.max(box.width, box.height) < RECOGNISABLE_FACE_PX;

/** The person one face is, or null, at a share of strangers named (GalleryLookups.identify). */
export type IdentifyFace = (encoding: Float32Array, targetFpir: number) => Promise<FaceMatchOutcome | null>;

/**
 * Every recognisable face of the analysed photo identified at `matchFpir` shared between them, and the photo's
 * status: MATCH (one person), MULTIPLE_KNOWN_FACES, UNKNOWN or NO_FACE_FOUND. `tolerance` is the one reported.
 */
export async function searchOutcome(analysis: AnalysedPhoto, matchFpir: number, tolerance: number, identify: IdentifyFace): Promise<SearchOutcome> {
  const verdicts = analysis.faces.map((f) => faceQuality(f, analysis.width, analysis.height, analysis.detector));
  // MATCH_FPIR is the share of strangers' *photos* named: a photo of several faces gives each its share of it.
  const recognisable = verdicts.filter((v) => v.recognisable).length;
  const targetFpir = matchFpir / Math.max(1, recognisable);
  const faces: DetectedFaceOutcome[] = await Promise.all(
    analysis.faces.map(async (f, i) => ({
      box: f.box,
      score: f.score,
      quality: verdicts[i]!,
      tooSmall: isTooSmall(f.box),
      match: verdicts[i]!.recognisable ? await identify(f.encoding, targetFpir) : null,
    })),
  );
  const matched = faces.map((f) => f.match).filter((m): m is FaceMatchOutcome => m !== null);
  const persons = new Set(matched.map((m) => m.person.id));
  const base = { tolerance, faces, best: null };
  if (faces.length === 0) return { ...base, status: 'NO_FACE_FOUND', message: NO_FACE_MESSAGE };
  if (verdicts.every((v) => !v.recognisable)) {
    return { ...base, status: 'NO_FACE_FOUND', message: unrecognisableMessage(verdicts, RECOGNISABLE_FACE_PX) };
  }
  if (persons.size === 0) return { ...base, status: 'UNKNOWN', message: UNKNOWN_MESSAGE };
  if (persons.size > 1) return { ...base, status: 'MULTIPLE_KNOWN_FACES', message: MULTIPLE_KNOWN_FACES_MESSAGE };
  const best = matched.reduce((a, b) => (b.distance < a.distance ? b : a));
  return { ...base, status: 'MATCH', message: fullName(best.person), best };
}
