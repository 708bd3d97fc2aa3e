import type { Detector } from './limits.js';

// Plain data that crosses the boundary between the native face core and TypeScript.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'gif' | 'tiff';

/** A decoded image: tightly packed 8-bit RGB rows, EXIF orientation already applied. */
export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes */
  pixels: Buffer;
  /** Format sniffed from the bytes (absent for images built from raw pixels). */
  format?: ImageFormat;
}

/** What sniffing the header says, without decoding pixels. */
export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

export interface DetectedFace {
  /** For the CNN: its box mapped to the square framing of dlib's HOG boxes (what the landmark model was trained on). */
  box: Box;
  /** HOG: detector score, higher is more face-like; CNN: face probability from 0 to 1. */
  score: number;
}

export interface AnalyzedFace extends DetectedFace {
  /** 68 (or 5) landmark points in image pixels. */
  landmarks: Point[];
  /** 128 floats: dlib's ResNet face descriptor. */
  encoding: Float32Array;
  /** Face size in pixels: the larger side of the box. */
  size: number;
  /**
   * Variance of the Laplacian of the aligned 150×150 chip's grey levels over its central half: in the hundreds for
   * a face in focus, a few units for a blurred region.
   */
  sharpness: number;
}

export interface AnalyzeResult {
  width: number;
  height: number;
  /** Sniffed from the bytes by the decode itself (always set for a Buffer; absent for raw pixels). */
  format?: ImageFormat;
  /** Largest first (by box area), as detect() returns them. */
  faces: AnalyzedFace[];
  /**
   * Clockwise degrees (0, 90, 270 or 180) the image was turned to find its faces upright (tryRotations). Boxes and
   * landmarks are in the image's own coordinates either way.
   */
  rotation: number;
}

/** Ranges and defaults of every option: limits.ts (RANGES, DEFAULTS). */
export interface DetectOptions {
  /** 'hog' (default: dlib's HOG detector) or 'cnn' (MTCNN; needs models/mtcnn, see `npm run setup`). */
  detector?: Detector;
  /** HOG: times the image is doubled before detection (dlib pyramid_up); default 0. Doubling stops before 16 megapixels; images over 4 megapixels are searched on a 4-megapixel copy. */
  upsample?: number;
  /** Faces smaller than this (pixels, larger box side) are dropped; default 0. The CNN also searches down to it (20 px when 0). */
  minFaceSize?: number;
  /** Detector threshold adjustment; lower finds more faces. Default 0. */
  adjustThreshold?: number;
}

export interface EncodeOptions {
  /** Re-encode each chip this many times with random jitter and average; default 0. */
  jitter?: number;
}

export interface AnalyzeOptions extends DetectOptions, EncodeOptions {
  /** Only the largest `maxFaces` faces go through landmarks and encoding; default all. */
  maxFaces?: number;
  /**
   * For photos without an EXIF orientation (default true): when no face is found, try the image turned by 90, 270 and
   * 180 degrees; when most faces the CNN finds are themselves sideways, use the copy that makes them upright. Faces
   * in a turned copy count from RECOGNISABLE_FACE_PX (40 px).
   */
  tryRotations?: boolean;
  /**
   * Milliseconds the analysis may take from this call, waiting for a slot included; past it the call rejects with
   * TIMEOUT and the native work stops at its next step (after decoding, between the CNN's pyramid levels, before
   * each turned copy, before landmarks and encoding). Default: no limit.
   */
  timeoutMs?: number;
}

export interface IndexMatch {
  id: number;
  distance: number;
}

export interface SearchOptions {
  /** How many neighbours; default 1. */
  k?: number;
  /** Drop neighbours farther than this; default Infinity. */
  maxDistance?: number;
}
