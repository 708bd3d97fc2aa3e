// What the gallery answers: enrolment and search outcomes, and the original service's messages.
import type { AnalyzeResult, Box, Detector, ImageFormat } from '../core/index.js';
import type { FaceQuality } from './quality.js';

/** A photo's analysis and the detector that found its faces (HOG when the CNN found none and HOG did). */
export type AnalysedPhoto = AnalyzeResult & { format: ImageFormat; detector: Detector };
import type { FaceRow } from '../store/faces.js';
import type { PersonRow } from '../store/people.js';

export const NO_FACE_MESSAGE = 'No human face found. Upload a clear picture of a person with the face looking at the camera.';
export const UNKNOWN_MESSAGE = 'Image Unknown';
export const tooSmallMessage = (minPx: number) =>
  `Only faces too small to recognise were found (under ${minPx} pixels). Upload a closer or larger picture of the face.`;
export const MULTIPLE_KNOWN_FACES_MESSAGE = 'Found More Known Faces';
/** Why a photo whose faces are all unrecognisable gave no face: too small, or not usable for another reason. */
export const unrecognisableMessage = (verdicts: FaceQuality[], minPx: number): string =>
  verdicts.every((v) => v.issues.includes('TOO_SMALL')) ? tooSmallMessage(minPx) : UNRECOGNISABLE_MESSAGE;

export const UNRECOGNISABLE_MESSAGE =
  'No face in this photo can be recognised: the faces found are cut by the border, blurred, turned away or not clearly faces. Upload a clear picture of a person with the face looking at the camera.';

export interface EnrolResult {
  person: PersonRow;
  face: FaceRow;
  facesDetected: number;
  /** Which of the photo's faces (largest first, as a search lists them) was enrolled. */
  faceIndex: number;
  createdPerson: boolean;
}

export interface FaceMatchOutcome {
  person: PersonRow;
  face: FaceRow;
  distance: number;
  confidence: number;
  /** Estimated share of strangers that would match this well against a gallery of this size (open-set.ts). */
  strangerChance: number;
}

export interface DetectedFaceOutcome {
  box: Box;
  score: number;
  /** Whether the face can be recognised, and why not: only recognisable faces are matched or enrolled. */
  quality: FaceQuality;
  /** Smaller than a recognisable face (RECOGNISABLE_FACE_PX): found, never matched or enrolled. */
  tooSmall: boolean;
  match: FaceMatchOutcome | null;
}

export type SearchStatus = 'MATCH' | 'UNKNOWN' | 'MULTIPLE_KNOWN_FACES' | 'NO_FACE_FOUND';

export interface SearchOutcome {
  status: SearchStatus;
  message: string;
  /** The closest match when status is MATCH. */
  best: FaceMatchOutcome | null;
  tolerance: number;
  /** Every detected face, largest first. */
  faces: DetectedFaceOutcome[];
}

/** The nearest enrolled face of an encoding. */
export interface NearestFace {
  faceId: number;
  personId: number;
  distance: number;
  /** The open-set rule names this person (open-set.ts). */
  known: boolean;
  strangerChance: number;
}

/** What video recognition needs of a gallery: the nearest enrolled face, and whose it is. */
export interface GalleryView {
  nearestFace(encoding: Float32Array): Promise<NearestFace | null>;
  personOfFace(faceId: number): Promise<PersonRow | undefined>;
}

/** What start-up found: temp files removed, pending enrolments finished or removed, and what it kept as it was. */
export interface ReconcileReport {
  tempFiles: number;
  finished: number;
  abandoned: number;
  /** Marks left alone because they are too recent: another replica may still be writing (S3 only). */
  recentMarks: number;
  photosWithoutRow: number;
  rowsWithoutPhoto: number;
}
