// Recognises the people of a video against the gallery: the native core tracks faces and encodes each track
// on its first N usable frames; each track's identity is then decided by VOTE or FUSION over those encodings.
import { recognizeVideo, type FaceCore, type VideoOptions, type VideoStats, type VideoTrack } from '../core/index.js';
import { fullName, type GalleryView } from '../gallery/index.js';
import type { PersonRow } from '../store/people.js';
import { decide, type Decision, type DecisionMethod } from './decide.js';

/** Checked options (the caller's layer checks them against the limits): how to track, and how to decide. */
export interface VideoRecognitionOptions extends VideoOptions {
  decision: DecisionMethod;
  /** Distance within which a face is a known person. */
  tolerance: number;
  /** N: encodings taken per track. */
  framesToDecide: number;
}

export interface RecognizedTrack {
  track: VideoTrack;
  /** null when the track was never large enough to encode. */
  decision: Decision | null;
  person: PersonRow | null;
}

export interface RecognizedVideo {
  tracks: RecognizedTrack[];
  stats: VideoStats;
  decision: DecisionMethod;
  tolerance: number;
  framesToDecide: number;
}

export type RecognitionEvent =
  | { type: 'progress'; frame: number; totalFrames: number; progress: number | null }
  | { type: 'identified'; frame: number; recognized: RecognizedTrack };

export async function recognizeInGallery(
  core: FaceCore,
  gallery: GalleryView,
  source: string,
  options: VideoRecognitionOptions,
  onEvent?: (event: RecognitionEvent) => void,
): Promise<{ result: Promise<RecognizedVideo>; cancel(): void }> {
  const { decision: method, tolerance, ...videoOptions } = options;
  const match = (encoding: Float32Array) => gallery.nearestFace(encoding);
  const recognize = async (track: VideoTrack): Promise<RecognizedTrack> => {
    if (track.encodings.length === 0) return { track, decision: null, person: null };
    const decision = await decide(track.encodings, method, tolerance, match);
    const person = decision.faceId === null ? null : ((await gallery.personOfFace(decision.faceId)) ?? null);
    return { track, decision, person };
  };

  // Identified tracks are looked up in the gallery as they come; the result waits for the last of those answers.
  const announced: Promise<void>[] = [];
  const run = await recognizeVideo(core, source, videoOptions, (e) => {
    if (!onEvent) return;
    if (e.type === 'progress') onEvent({ ...e, progress: e.totalFrames > 0 ? Math.min(1, (e.frame + 1) / e.totalFrames) : null });
    else
      announced.push(
        recognize(e.track).then(
          (recognized) => onEvent({ type: 'identified', frame: e.frame, recognized }),
          () => undefined,
        ),
      );
  });
  const result = run.result.then(async ({ tracks, stats }) => {
    const recognized = await Promise.all(tracks.map(recognize));
    await Promise.all(announced);
    return { tracks: recognized, stats, decision: method, tolerance, framesToDecide: videoOptions.framesToDecide };
  });
  return { result, cancel: run.cancel };
}

/** "John Salley", "Unknown" (recognised, nobody within tolerance), or "Too small" (never large enough to recognise). */
export function labelOf(t: RecognizedTrack): string {
  if (t.person) return fullName(t.person);
  return t.decision ? 'Unknown' : 'Too small';
}
