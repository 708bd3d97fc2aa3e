// Loads the compiled addon (build/Release/face_core.node), types everything it exports, and registers
// FaceCoreError as the class of every error it throws or rejects with.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AnalyzeResult, Box, DetectedFace, ImageFormat, ImageInfo, IndexMatch, Point, RgbImage, SearchOptions } from './types.js';
import type { EncoderEngine, DetectOptionsResolved, VideoOptionsResolved } from './limits.js';
import type { VideoBox, VideoEvent, VideoResult } from './video.js';
import { FaceCoreError, type FaceCoreErrorCode } from './errors.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const addonPath = path.join(projectRoot, 'build', 'Release', 'face_core.node');

type ImageArg = Buffer | RgbImage;

export interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface NativeFaceIndex {
  add(id: number, encoding: Float32Array): void;
  addMany(ids: ArrayLike<number>, encodings: Float32Array): void;
  reserve(count: number): void;
  remove(id: number): boolean;
  has(id: number): boolean;
  clear(): void;
  search(encoding: Float32Array, options?: SearchOptions): Promise<IndexMatch[]>;
  searchSync(encoding: Float32Array, options?: SearchOptions): IndexMatch[];
  readonly size: number;
  readonly memoryBytes: number;
}

/** An opaque handle to one loaded model set (a tagged External). */
export type ModelsHandle = { readonly __models: unique symbol };

/** Every option is passed resolved: the addon has no defaults and checks no ranges (see limits.ts). */
export interface NativeVideoOptions extends VideoOptionsResolved {
  maxPixels: number;
  everyFrame: boolean;
}

export interface NativeVideoWriter {
  write(frame: RgbImage): void;
  close(): void;
}

export interface VideoWriterOptions {
  fps: number;
  width: number;
  height: number;
  /** Four characters: 'mp4v' (default), 'avc1', 'MJPG', 'VP80'. */
  codec?: string;
}

/**
 * The limits the addon enforces itself, read from the constants its checks use (native/napi/settings.cc); frozen.
 * limits.ts builds its ranges on them, so TypeScript refuses what the addon would, with its own message.
 */
export interface NativeLimits {
  /** The largest thread budget setThreads() takes (native/face/threads.h). */
  readonly maxThreads: number;
  /** The most times an image may be doubled before HOG detection (each step quadruples its pixels). */
  readonly maxUpsample: number;
  /** The smallest face the CNN's pyramid looks for (P-Net's 12x12 window): a smaller minimum is raised to it. */
  readonly minCnnFace: number;
  /** The CNN's pyramid bottom when detection is given no minFaceSize (0). */
  readonly defaultCnnMinFace: number;
  /** Detection looks at no more pixels than this: a larger image is searched on a reduced copy. */
  readonly maxDetectPixels: number;
  /** The widest and tallest raw RGB image ({width, height, pixels}) the addon takes. */
  readonly maxImageSide: number;
  /** The aligned chip's side by default (the encoder's input), and the sides align() takes. */
  readonly chipSize: number;
  readonly minChipSize: number;
  readonly maxChipSize: number;
  /** The margin around the face in an aligned chip, by default and at most (a share of the face's size). */
  readonly chipPadding: number;
  readonly maxChipPadding: number;
}

export interface NativeBinding {
  /** Every later error of the addon is `new ctor(code, message)`. */
  setErrorClass(ctor: new (code: FaceCoreErrorCode, message: string) => Error): void;
  /** The thread budget, process-wide: index search threads, video look-ahead, OpenCV's and OpenBLAS's thread counts. */
  setThreads(threads: number): void;
  /** What runs the face detector's nets (native/napi/kernels_binding.h). */
  kernels(): DetectorKernels;
  setKernels(name: string): string;
  /** The budget last set, or the machine's hardware threads before any setThreads(). */
  threadBudget(): number;
  readonly limits: NativeLimits;
  info(bytes: Buffer): ImageInfo;
  decode(bytes: Buffer, options: { maxPixels: number }): Promise<RgbImage & { format: ImageFormat }>;
  /** `models` is required for the CNN detector (its nets are part of the loaded model set). */
  detect(image: ImageArg, options: DetectOptionsResolved & { maxPixels: number; models?: ModelsHandle }): Promise<DetectedFace[]>;
  landmarks(models: ModelsHandle, image: ImageArg, boxes: Box[], options: { maxPixels: number }): Promise<Point[][]>;
  align(image: ImageArg, landmarks: Point[][], options: { size?: number; padding?: number; maxPixels: number }): Promise<RgbImage[]>;
  encode(models: ModelsHandle, chips: RgbImage[], options: { jitter: number; batchSize: number }): Promise<Float32Array>;
  analyze(
    models: ModelsHandle,
    image: ImageArg,
    options: DetectOptionsResolved & {
      jitter: number;
      maxFaces: number;
      maxPixels: number;
      tryRotations: boolean;
      turnedMinFaceSize: number;
      timeLimitMs: number;
    },
  ): Promise<AnalyzeResult>;
  cluster(encodings: Float32Array, threshold: number): Promise<Uint32Array>;
  loadModels(options: {
    landmarksPath: string;
    recognitionPath?: string;
    tensors?: WeightTensor[];
    encoder: EncoderEngine;
    /** The CNN detector's ONNX files; left out, the model set has no CNN detector. */
    cnn?: { pnet: string; rnet: string; onet: string };
  }): Promise<{
    handle: ModelsHandle;
    landmarks: string;
    landmarkPoints: number;
    encoder: string;
    engine: EncoderEngine;
    /** The folder of the CNN detector's ONNX files, or null when they were not loaded. */
    cnnDetector: string | null;
  }>;
  releaseModels(models: ModelsHandle): void;
  releaseDetectors(): void;
  FaceIndex: new () => NativeFaceIndex;
  recognizeVideo(
    models: ModelsHandle,
    source: string,
    options: NativeVideoOptions,
    onEvent?: (e: VideoEvent) => void,
  ): { promise: Promise<VideoResult>; cancel(): void };
  annotateVideo(source: string, destination: string, tracks: { label: string; boxes: VideoBox[] }[], codec: string): Promise<number>;
  /** Entry points for tests and benchmarks only (see testing.ts), not part of the public surface. */
  testing: {
    VideoWriter: new (path: string, options: VideoWriterOptions) => NativeVideoWriter;
    encodeJpeg(image: RgbImage, quality: number): Buffer;
    checkMtcnnKernels(modelsDir: string, image: RgbImage, crops: number, kernels: string): MtcnnKernelCheck;
    writeMtcnnCheckData(modelsDir: string, image: RgbImage, crops: number, file: string): void;
  };
}

/**
 * What runs the face detector's nets: `path` is the core's kernels for one instruction set ('avx512', 'avx2', 'sse4',
 * 'ssse3', 'neon', 'scalar') or 'opencv' (OpenCV's DNN module, the reference); `available` lists what this CPU runs,
 * best kernels first, then 'baseline' and 'opencv'.
 */
export interface DetectorKernels {
  path: string;
  available: string[];
}

/** One MTCNN net through our kernels and through OpenCV's DNN on the same inputs (native/face/mtcnn_check.h). */
export interface NetAgreement {
  /** P-Net windows, or R-Net / O-Net crops. */
  compared: number;
  /** Of them scored as faces (≥ 0.7) by each side. */
  facesOurs: number;
  facesOpencv: number;
  maxScoreDiff: number;
  /** Box regression and (O-Net) landmarks. */
  maxOutputDiff: number;
}
export interface MtcnnKernelCheck {
  /** The kernels compared. */
  kernels: string;
  pnet: NetAgreement;
  rnet: NetAgreement;
  onet: NetAgreement;
}

let loaded: NativeBinding | undefined;

/** Whether the addon is loaded: settings native libraries read when they load (OpenBLAS's kernel) apply only before. */
export function bindingLoaded(): boolean {
  return loaded !== undefined;
}

export function binding(): NativeBinding {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    throw new FaceCoreError('MODEL_NOT_FOUND', `The native face core is not built (${addonPath} is missing). Run \`npm run setup\`.`);
  }
  const native = createRequire(import.meta.url)(addonPath) as NativeBinding;
  native.setErrorClass(FaceCoreError);
  loaded = native;
  return loaded;
}
