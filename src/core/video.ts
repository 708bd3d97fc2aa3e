// Video through the native core: recognizeVideo runs decode -> detect every k-th frame -> SORT tracking ->
// encode each track on its first N usable frames, off the JavaScript thread, with progress events and cancel.
// Options are checked against limits.ts (VIDEO_RANGES) and passed to the addon fully resolved.
import { binding } from './binding.js';
import { invalidArgument } from './errors.js';
import type { FaceCore } from './face-core.js';
import { resolveVideoOptions, type Detector } from './limits.js';

/** Ranges and defaults: limits.ts VIDEO_RANGES and VIDEO_DEFAULTS. */
export interface VideoOptions {
  /** Run the detector on every k-th frame (k); tracks move by their Kalman velocity in between. Default 1. */
  sampleEvery?: number;
  /** Faces smaller than this (pixels, larger box side) are tracked but not encoded. Default 40. */
  minFaceSize?: number;
  /** N: a track is encoded on its first N usable frames, then only tracked. Default 5. */
  framesToDecide?: number;
  /** Detector upsampling (0-2, HOG only). Default 0. */
  upsample?: number;
  /** 'hog' (default: speed matters more in video) or 'cnn' (MTCNN: smaller and turned faces, slower). */
  detector?: Detector;
  /** Refuse files longer than this many frames; streams stop there. 0 = no limit. */
  maxFrames?: number;
  /** Refuse files longer than this many seconds; streams stop there. 0 = no limit. */
  maxDuration?: number;
  /** SORT: matched detections before a track counts (default 3), missed detection rounds before it dies (default 3), IoU to match (0.3). */
  minHits?: number;
  maxAge?: number;
  iouThreshold?: number;
  /** Baseline without tracking: encode every face on every sampled frame (for comparison). */
  everyFrame?: boolean;
}

export interface VideoBox {
  frame: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface VideoTrack {
  id: number;
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  largestFace: number;
  /** One box per processed frame (one per second for videos over 1800 frames). */
  boxes: VideoBox[];
  /** n*128 floats: the encodings taken on its first n ≤ N usable frames. */
  encodings: Float32Array;
  sampleFrames: number[];
  /** JPEG of the aligned chip from its best-scoring frame (empty when it was never encoded). */
  thumbnail: Buffer;
}

export interface VideoStats {
  framesDecoded: number;
  framesDetected: number;
  facesEncoded: number;
  totalFrames: number;
  width: number;
  height: number;
  fps: number;
  decodeSeconds: number;
  detectSeconds: number;
  trackSeconds: number;
  encodeSeconds: number;
  wallSeconds: number;
  framesPerSecond: number;
  truncated: boolean;
  cancelled: boolean;
}

export interface VideoResult {
  tracks: VideoTrack[];
  stats: VideoStats;
}

export type VideoEvent =
  { type: 'progress'; frame: number; totalFrames: number } | { type: 'decided'; frame: number; totalFrames: number; track: VideoTrack };

export interface VideoRun {
  result: Promise<VideoResult>;
  cancel(): void;
}

/**
 * Tracks and encodes the faces of a video file, stream URL (rtsp://, http://) or camera (/dev/video0 or "0").
 * `onEvent` hears progress and every track that has just got its N encodings.
 */
export async function recognizeVideo(
  core: FaceCore,
  source: string,
  options: VideoOptions = {},
  onEvent?: (e: VideoEvent) => void,
): Promise<VideoRun> {
  if (typeof source !== 'string' || source.length === 0) throw invalidArgument('source', 'a file path, stream URL or device', source);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidArgument('options', 'an options object', options);
  const resolved = { ...resolveVideoOptions(options), everyFrame: options.everyFrame === true, maxPixels: core.maxPixels };
  await core.load();
  // The job holds the models for its whole run; cancel() may come before the native job has started.
  let cancelled = false;
  let cancelNative: (() => void) | null = null;
  const result = core.useModels(async (models) => {
    const run = binding().recognizeVideo(models, source, resolved, onEvent);
    cancelNative = run.cancel;
    if (cancelled) run.cancel();
    return run.promise;
  }, resolved.detector);
  return {
    result,
    cancel: () => {
      cancelled = true;
      cancelNative?.();
    },
  };
}

/** Writes a copy of `source` with each track's boxes and label drawn; resolves to the number of frames written. */
export async function annotateVideo(
  source: string,
  destination: string,
  tracks: { label: string; boxes: VideoBox[] }[],
  codec = 'mp4v',
): Promise<number> {
  return binding().annotateVideo(source, destination, tracks, codec);
}
