// Recognises the people of a video against the gallery: the native core tracks faces and encodes each track
// on its first N usable frames; each track's identity is then decided by VOTE or FUSION over those encodings.
import { FaceCore, recognizeVideo, type FaceIndex, type VideoOptions, type VideoStats, type VideoTrack } from '../core/index.js';
import type { PersonRow } from '../store/people.js';
import { decide, type Decision, type DecisionMethod, type Matcher } from './decide.js';

/** What recognition needs of the gallery: its index and who each face belongs to. */
export interface GalleryView {
  index: FaceIndex;
  personOfFace(faceId: number): PersonRow | undefined;
}

export interface VideoRecognitionOptions extends VideoOptions {
  decision?: DecisionMethod;
  /** Distance within which a face is a known person (default 0.6). */
  tolerance?: number;
  /** The face core to run on (default: a new FaceCore). */
  core?: FaceCore;
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

export function matcherFor(gallery: GalleryView): Matcher {
  return (encoding) => {
    const [hit] = gallery.index.searchSync(encoding, { k: 1 });
    if (!hit) return null;
    const person = gallery.personOfFace(hit.id);
    return person ? { personId: person.id, faceId: hit.id, distance: hit.distance } : null;
  };
}

export async function recognizeInGallery(
  gallery: GalleryView,
  source: string,
  options: VideoRecognitionOptions = {},
  onEvent?: (event: RecognitionEvent) => void,
): Promise<{ result: Promise<RecognizedVideo>; cancel(): void }> {
  const { decision: method = 'VOTE', tolerance = 0.6, core = new FaceCore(), ...videoOptions } = options;
  if (method !== 'VOTE' && method !== 'FUSION') throw new RangeError(`Expected decision VOTE or FUSION but received ${String(method)}`);
  if (!(typeof tolerance === 'number' && tolerance > 0 && tolerance <= 1)) throw new RangeError(`Expected a tolerance in (0, 1] but received ${tolerance}`);
  const match = matcherFor(gallery);
  const recognize = (track: VideoTrack): RecognizedTrack => {
    if (track.encodings.length === 0) return { track, decision: null, person: null };
    const decision = decide(track.encodings, method, tolerance, match);
    const person = decision.faceId === null ? null : gallery.personOfFace(decision.faceId) ?? null;
    return { track, decision, person };
  };

  const run = await recognizeVideo(core, source, videoOptions, (e) => {
    if (!onEvent) return;
    if (e.type === 'progress') onEvent({ ...e, progress: e.totalFrames > 0 ? Math.min(1, (e.frame + 1) / e.totalFrames) : null });
    else onEvent({ type: 'identified', frame: e.frame, recognized: recognize(e.track) });
  });
  const result = run.result.then(({ tracks, stats }) => ({
    tracks: tracks.map(recognize),
    stats,
    decision: method,
    tolerance,
    framesToDecide: videoOptions.framesToDecide ?? 5,
  }));
  return { result, cancel: run.cancel };
}

/** "John Salley", "Unknown" (recognised, nobody within tolerance), or "Too small" (never large enough to recognise). */
export function labelOf(t: RecognizedTrack): string {
  if (t.person) return `${t.person.firstName} ${t.person.surName}`;
  return t.decision ? 'Unknown' : 'Too small';
}
