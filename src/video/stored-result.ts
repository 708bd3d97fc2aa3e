// A finished job's result as it is stored (JSON in the video_jobs row): its tracks and the core's stats.
import type { VideoBox, VideoStats } from '../core/index.js';
import type { DecisionMethod } from './decide.js';
import { labelOf, type RecognizedVideo } from './recognize.js';

/** One tracked face in a stored result. */
export interface StoredTrack {
  id: number;
  /** The person it was recognised as, when known (the person may have been deleted since). */
  personId: number | null;
  /** The person's full name when it ran, "Unknown", or "Too small". */
  label: string;
  confidence: number | null;
  distance: number | null;
  framesRecognized: number;
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  boxes: VideoBox[];
  /** Whether track-<id>.jpg was written. */
  thumbnail: boolean;
}

/** The core's stats; `truncated` also covers a cancelled run (it stopped before the end). */
export type StoredStats = Omit<VideoStats, 'cancelled'>;

export interface StoredResult {
  decision: DecisionMethod;
  tolerance: number;
  framesToDecide: number;
  tracks: StoredTrack[];
  stats: StoredStats;
}

/** The result to store for a recognised video; a track has a thumbnail when the core gave it one. */
export function toStoredResult(video: RecognizedVideo): StoredResult {
  const tracks = video.tracks.map((t): StoredTrack => {
    const { track, decision, person } = t;
    return {
      id: track.id,
      personId: person?.id ?? null,
      label: labelOf(t),
      confidence: decision?.confidence ?? null,
      distance: decision?.distance ?? null,
      framesRecognized: decision?.frames ?? 0,
      firstFrame: track.firstFrame,
      lastFrame: track.lastFrame,
      firstTime: track.firstTime,
      lastTime: track.lastTime,
      boxes: track.boxes,
      thumbnail: track.thumbnail.length > 0,
    };
  });
  const { cancelled, ...stats } = video.stats;
  return {
    decision: video.decision,
    tolerance: video.tolerance,
    framesToDecide: video.framesToDecide,
    tracks,
    stats: { ...stats, truncated: stats.truncated || cancelled },
  };
}

export const parseResult = (row: { resultJson: string | null }): StoredResult | null =>
  row.resultJson ? (JSON.parse(row.resultJson) as StoredResult) : null;
