// The quality verdict: whether a detected face is a real, whole face the encoder can be trusted with. A face that
// fails is reported (box, score, the reasons) but never matched, enrolled, or counted toward MULTIPLE_KNOWN_FACES.
//
// Each line was set on the service's own analyses of LFW (13,233 photos, the face nearest the centre of each) and of
// the 43 annotated faces in Debian's dlib examples, so that together they turn away under 0.5 % of real faces
// (docs/benchmarks.md, "Trustworthy answers"): what fails them are half-faces cut by the border, blurred background
// regions, clothing folds and faces seen from the side.
import type { AnalyzedFace, Box, Point } from '../core/index.js';
import { RECOGNISABLE_FACE_PX } from '../core/index.js';

/** Why a face is not recognisable. */
export type QualityIssue = 'TOO_SMALL' | 'PARTIAL' | 'LOW_SCORE' | 'BLURRED' | 'TURNED';

export interface FaceQuality {
  recognisable: boolean;
  /** Empty when recognisable. */
  issues: QualityIssue[];
}

/**
 * The CNN's face probability below which a detection is not trusted as a face. LFW's faces score 0.978 and more
 * (99.9 % of them); a shirt fold scored 0.74, a blurred background region 0.84. HOG scores are another scale: none.
 */
export const MIN_CNN_SCORE = 0.9;
/** A box reaching this share of its side past an image border may be a face cut by it (see isPartial). */
export const MAX_OUTSIDE_SHARE = 0.02;
/**
 * Past a border, a face is cut when its nose tip is nearer that border than this share of its distance to the face's
 * far edge (the jaw end or chin opposite): half the face is missing. A whole face that fills the frame (a tight
 * crop) reaches past several borders but keeps its nose near the middle, and is not cut.
 */
export const MIN_NOSE_TO_BORDER = 0.6;
/** Room (as a share of the box side) on the side opposite a cut border that marks a face cut, not cropped tight. */
export const MIN_ROOM_OPPOSITE = 0.1;
/** Sharpness (the chip's Laplacian variance) under which a face is too blurred to encode. */
export const MIN_SHARPNESS = 3;
/** Ratio of the nose tip's distances to the two ends of the jaw line past which a face is turned too far. */
export const MAX_TURN_RATIO = 8;

/**
 * Whether the face is cut by the photo's border: its box reaches past a border, and either the box has room on the
 * opposite side (the face sits at the border, not filling the frame) or its nose tip lies near that border compared
 * with the face's far edge on the other side (68-point landmarks: jaw ends 0 and 16, chin 8,
 * eyebrows 19 and 24, nose tip 30). Without landmarks, reaching past a border is enough.
 */
export function isPartial(box: Box, landmarks: Point[], width: number, height: number): boolean {
  const side = Math.max(1, Math.min(box.width, box.height));
  const past = { left: -box.x, top: -box.y, right: box.x + box.width - width, bottom: box.y + box.height - height };
  const cutSides = (Object.keys(past) as (keyof typeof past)[]).filter((k) => past[k] / side > MAX_OUTSIDE_SHARE);
  if (cutSides.length === 0) return false;
  // A tight crop of a whole face reaches past opposite borders alike; a face cut by one border has room on the other.
  const opposite = { left: 'right', right: 'left', top: 'bottom', bottom: 'top' } as const;
  if (cutSides.some((k) => -past[opposite[k]] / side > MIN_ROOM_OPPOSITE)) return true;
  if (landmarks.length < 68) return true;
  const nose = landmarks[30]!;
  const brow = (landmarks[19]!.y + landmarks[24]!.y) / 2;
  const toBorder = { left: nose.x, top: nose.y, right: width - 1 - nose.x, bottom: height - 1 - nose.y };
  const farEdge = { left: landmarks[16]!.x - nose.x, top: landmarks[8]!.y - nose.y, right: nose.x - landmarks[0]!.x, bottom: nose.y - brow };
  return cutSides.some((k) => toBorder[k] < MIN_NOSE_TO_BORDER * Math.max(1, farEdge[k]));
}

/**
 * How far the face is turned: the larger over the smaller of the nose tip's distances to the two ends of the jaw
 * line (68-point landmarks 30, 0 and 16). 1 for a frontal face; a profile has its nose near one end.
 */
export function turnRatio(landmarks: Point[]): number {
  if (landmarks.length < 68) return 1;
  const nose = landmarks[30]!;
  const left = Math.hypot(nose.x - landmarks[0]!.x, nose.y - landmarks[0]!.y);
  const right = Math.hypot(nose.x - landmarks[16]!.x, nose.y - landmarks[16]!.y);
  return Math.max(left, right) / Math.max(1e-6, Math.min(left, right));
}

/** The verdict on one analysed face of an image `width` × `height`, found by `detector`. */
export function faceQuality(
  face: Pick<AnalyzedFace, 'box' | 'score' | 'landmarks' | 'sharpness'>,
  width: number,
  height: number,
  detector: 'cnn' | 'hog',
): FaceQuality {
  const issues: QualityIssue[] = [];
  if (Math.max(face.box.width, face.box.height) < RECOGNISABLE_FACE_PX) issues.push('TOO_SMALL');
  if (isPartial(face.box, face.landmarks, width, height)) issues.push('PARTIAL');
  if (detector === 'cnn' && face.score < MIN_CNN_SCORE) issues.push('LOW_SCORE');
  if (face.sharpness < MIN_SHARPNESS) issues.push('BLURRED');
  if (turnRatio(face.landmarks) > MAX_TURN_RATIO) issues.push('TURNED');
  return { recognisable: issues.length === 0, issues };
}
