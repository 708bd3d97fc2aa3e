// The single home of the face core's option ranges and defaults. FaceCore, FaceIndex callers and video recognition
// check their options here, and another layer (the GraphQL API, the configuration) can reuse the same ranges with its
// own error through `violation()`/`describeRange()`. TypeScript passes every option resolved from the defaults
// below. Where the addon itself refuses past a number to guard memory or its own invariants (the thread budget,
// upsampling, chip size and padding, the raw image side, the CNN's smallest face), the range's end is read from the
// addon's `limits` (native/napi/settings.cc) rather than copied here.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binding, type NativeLimits } from './binding.js';
import { invalidArgument } from './errors.js';

export type { NativeLimits } from './binding.js';

/**
 * The limits the addon enforces. Read when first needed, never when this module loads: loading the addon loads
 * OpenBLAS, which reads its kernel then (src/config.ts names it first).
 */
export function nativeLimits(): NativeLimits {
  return binding().limits;
}

/** A closed range unless an end is marked exclusive; every value must be a finite number (an integer if `integer`). */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

/** Images (and video frames) with more pixels are refused before decoding. Written here only. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** The face encoder's engine: OpenCV's DNN module (default) or dlib's own forward pass; same encodings. */
export type EncoderEngine = 'opencv' | 'dlib';
export const DEFAULT_ENCODER: EncoderEngine = 'opencv';
export const ENCODERS: readonly EncoderEngine[] = ['opencv', 'dlib'];

/**
 * The face detector: 'cnn' (MTCNN, weights from ONNX files; finds small, turned and tilted faces) or 'hog' (dlib's HOG
 * frontal face detector; fast, faces of about 80 px and up unless the image is upsampled). The core's default stays
 * 'hog' (it needs no model files); the service's default is 'cnn' (src/config.ts).
 */
export type Detector = 'cnn' | 'hog';
export const DETECTORS: readonly Detector[] = ['cnn', 'hog'];
export const DEFAULT_DETECTOR: Detector = 'hog';
export const DEFAULT_SERVICE_DETECTOR: Detector = 'cnn';

/** The service's smallest face to look for (MIN_FACE_PX): the CNN's pyramid goes down to it, HOG is upsampled to reach it. */
export const DEFAULT_MIN_FACE_PX = 20;
/**
 * Faces smaller than this (larger box side, pixels) are found but not recognised: they are reported as too small, never
 * matched or enrolled. Measured on the johns photos shrunk and encoded through the CNN (docs/benchmarks.md, "Small faces").
 */
export const RECOGNISABLE_FACE_PX = 40;
/** The smallest face (pixels) dlib's HOG detector finds without upsampling. */
export const HOG_SMALLEST_FACE_PX = 80;

/** The HOG upsampling that reaches faces of `minFace` pixels: ceil(log2(80 / minFace)), from 0 to 2. */
export function hogUpsampleFor(minFace: number): number {
  if (!(minFace > 0)) return 2;
  return Math.min(2, Math.max(0, Math.ceil(Math.log2(HOG_SMALLEST_FACE_PX / minFace))));
}

/** Where dlib's own model files may be put: <project>/models. */
export const DEFAULT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

/** The thread budget (the process's, and FaceCore's `threads`): the number of CPUs Node may use. */
export function defaultThreads(): number {
  return Math.min(RANGES.threads.max, Math.max(1, os.availableParallelism()));
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Ranges of the FaceCore options, the stage options, the gallery's tolerance and detection settings. */
export const RANGES = {
  /** Distance within which two faces are the same person. */
  tolerance: { min: 0, max: 1, minExclusive: true },
  /** The open-set rule's target share of strangers named; its calibration resolves rates from 0.001. */
  matchFpir: { min: 0.001, max: 0.5 },
  /** Times the image is doubled before detection; the addon holds no more than its maxUpsample doublings. */
  upsample: {
    min: 0,
    get max() {
      return nativeLimits().maxUpsample;
    },
    integer: true,
  },
  /**
   * Faces smaller than this (pixels, larger box side) are dropped; 0 drops none. The CNN's pyramid also stops at it,
   * but never looks below the addon's minCnnFace (a smaller value only filters).
   */
  minFaceSize: { min: 0, max: Infinity },
  /**
   * The smallest face photos are searched for (the gallery's minFacePx, MIN_FACE_PX): from the CNN's own smallest
   * (the addon's minCnnFace), so the setting means what it says for both detectors.
   */
  minFacePx: {
    get min() {
      return nativeLimits().minCnnFace;
    },
    max: 1000,
    integer: true,
  },
  /** Detector threshold adjustment; lower finds more faces. */
  adjustThreshold: { min: -Infinity, max: Infinity },
  /** Jittered copies averaged per face. */
  jitter: { min: 0, max: 100, integer: true },
  /** Only the largest maxFaces faces are encoded. */
  maxFaces: { min: 0, max: MAX_SAFE, integer: true },
  /** Milliseconds an analysis may take from the call, waiting for a slot included. */
  timeoutMs: { min: 0, max: MAX_SAFE, minExclusive: true },
  /** Chips per encoder batch. */
  batchSize: { min: 1, max: 256, integer: true },
  /** Faces closer than this are linked when clustering. */
  clusterThreshold: { min: 0, max: 10, minExclusive: true, maxExclusive: true },
  /** FaceCore: pixel limit for images and video frames. */
  maxPixels: { min: 1, max: MAX_SAFE, integer: true },
  /** The thread budget (setThreadBudget), and a FaceCore's native jobs at once: up to the addon's maxThreads. */
  threads: {
    min: 1,
    get max() {
      return nativeLimits().maxThreads;
    },
    integer: true,
  },
  /** align(): the chip's side in pixels. */
  chipSize: {
    get min() {
      return nativeLimits().minChipSize;
    },
    get max() {
      return nativeLimits().maxChipSize;
    },
    integer: true,
  },
  /** align(): the margin around the face, as a share of its size. */
  chipPadding: {
    min: 0,
    get max() {
      return nativeLimits().maxChipPadding;
    },
  },
  /** Raw RGB images ({width, height, pixels}): their width and height. */
  imageSide: {
    min: 1,
    get max() {
      return nativeLimits().maxImageSide;
    },
    integer: true,
  },
} as const satisfies Record<string, Range>;

export const DEFAULTS = {
  tolerance: 0.6,
  matchFpir: 0.01,
  upsample: 0,
  minFaceSize: 0,
  adjustThreshold: 0,
  jitter: 0,
  /** all faces */
  maxFaces: MAX_SAFE,
  batchSize: 16,
  clusterThreshold: 0.5,
  maxPixels: DEFAULT_MAX_PIXELS,
  /** The encoder's input side (the addon's chipSize). */
  get chipSize() {
    return nativeLimits().chipSize;
  },
  /** dlib's face-chip margin (the addon's chipPadding). */
  get chipPadding() {
    return nativeLimits().chipPadding;
  },
} as const satisfies Partial<Record<keyof typeof RANGES, number>>;

/** Ranges of the video options (recognizeVideo). */
export const VIDEO_RANGES = {
  /** Run the detector on every k-th frame. */
  sampleEvery: { min: 1, max: 1000, integer: true },
  /** N: encodings per track before it is only tracked. */
  framesToDecide: { min: 1, max: 1000, integer: true },
  /** Detector upsampling for video frames. */
  upsample: { min: 0, max: 2, integer: true },
  /** Frame limit; 0 = none. */
  maxFrames: { min: 0, max: 1e9, integer: true },
  /** Duration limit in seconds; 0 = none. */
  maxDuration: { min: 0, max: Infinity },
  /** SORT: matched detections before a track counts. */
  minHits: { min: 1, max: 100, integer: true },
  /** SORT: detection rounds without a match before a track dies. */
  maxAge: { min: 0, max: 1000, integer: true },
  /** SORT: IoU to match a detection to a track. */
  iouThreshold: { min: 0, max: 1, minExclusive: true, maxExclusive: true },
  /** Faces smaller than this are tracked but not encoded. */
  minFaceSize: { min: 0, max: Infinity },
} as const satisfies Record<string, Range>;

export const VIDEO_DEFAULTS = {
  sampleEvery: 1,
  framesToDecide: 5,
  upsample: 0,
  maxFrames: 0,
  maxDuration: 0,
  minHits: 3,
  maxAge: 3,
  iouThreshold: 0.3,
  minFaceSize: 40,
} as const satisfies Record<keyof typeof VIDEO_RANGES, number>;

/** The expected-text of a range, as in "Expected <text> for <name> but received ...". */
export function describeRange(range: Range): string {
  const { min, max, integer, minExclusive, maxExclusive } = range;
  if (integer) {
    if (max >= MAX_SAFE) return min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`;
    return `an integer from ${min} to ${max}`;
  }
  if (min === -Infinity && max === Infinity) return 'a finite number';
  if (max === Infinity) return min === 0 ? (minExclusive ? 'a positive number' : 'a non-negative number') : `a number of at least ${min}`;
  if (minExclusive && maxExclusive) return `a number between ${min} and ${max}`;
  if (minExclusive) return `a number greater than ${min} and at most ${max}`;
  if (maxExclusive) return `a number from ${min} and less than ${max}`;
  return `a number from ${min} to ${max}`;
}

/** Whether `value` is a number within `range`. */
export function inRange(range: Range, value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (range.integer && !Number.isInteger(value)) return false;
  if (range.minExclusive ? value <= range.min : value < range.min) return false;
  if (range.maxExclusive ? value >= range.max : value > range.max) return false;
  return true;
}

/**
 * The expected-text when `value` is outside the range `name` has in `table` (RANGES by default), else null.
 * For other layers: `const why = violation('tolerance', v); if (why) throw new MyError(`Expected ${why} for tolerance ...`)`.
 */
export function violation<T extends Record<string, Range> = typeof RANGES>(name: keyof T & string, value: unknown, table?: T): string | null {
  const range = ((table ?? RANGES) as Record<string, Range>)[name];
  if (!range) throw new TypeError(`No range is known for ${name}`);
  return inRange(range, value) ? null : describeRange(range);
}

/** Throws FaceCoreError INVALID_ARGUMENT ("Expected <range> for <name> but received ...") unless value is in range. */
export function checkRange(name: string, value: unknown, range: Range): number {
  if (!inRange(range, value)) throw invalidArgument(name, describeRange(range), value);
  return value;
}

/** checkRange for an option that may be left out: its default then. */
export function optional(name: string, value: unknown, range: Range, fallback: number): number {
  return value === undefined ? fallback : checkRange(name, value, range);
}

export interface DetectOptionsResolved {
  detector: Detector;
  upsample: number;
  minFaceSize: number;
  adjustThreshold: number;
}

/** A detector name checked against DETECTORS, or the default when left out. */
export function resolveDetector(value: unknown, fallback: Detector = DEFAULT_DETECTOR): Detector {
  if (value === undefined) return fallback;
  if (!DETECTORS.includes(value as Detector)) throw invalidArgument('detector', "'cnn' or 'hog'", value);
  return value as Detector;
}

/** The detector's options, each checked and defaulted. */
export function resolveDetectOptions(options: {
  detector?: unknown;
  upsample?: unknown;
  minFaceSize?: unknown;
  adjustThreshold?: unknown;
}): DetectOptionsResolved {
  return {
    detector: resolveDetector(options.detector),
    upsample: optional('upsample', options.upsample, RANGES.upsample, DEFAULTS.upsample),
    minFaceSize: optional('minFaceSize', options.minFaceSize, RANGES.minFaceSize, DEFAULTS.minFaceSize),
    adjustThreshold: optional('adjustThreshold', options.adjustThreshold, RANGES.adjustThreshold, DEFAULTS.adjustThreshold),
  };
}

/** Video keeps HOG as its default detector: speed matters more there. */
export const VIDEO_DEFAULT_DETECTOR: Detector = 'hog';

export type VideoOptionsResolved = { -readonly [K in keyof typeof VIDEO_DEFAULTS]: number } & { detector: Detector };

/** Every video option checked against VIDEO_RANGES and defaulted from VIDEO_DEFAULTS. */
export function resolveVideoOptions(options: Partial<Record<keyof typeof VIDEO_RANGES | 'detector', unknown>>): VideoOptionsResolved {
  const out = { detector: resolveDetector(options.detector, VIDEO_DEFAULT_DETECTOR) } as VideoOptionsResolved;
  for (const name of Object.keys(VIDEO_RANGES) as (keyof typeof VIDEO_RANGES)[]) {
    out[name] = optional(name, options[name], VIDEO_RANGES[name], VIDEO_DEFAULTS[name]);
  }
  return out;
}
