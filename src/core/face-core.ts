// FaceCore: the typed, promise-based API over the native face core. Each stage can be used alone or as one
// pipeline (analyze); the models stay loaded between calls and release() frees them until the next call.
// Arguments are checked here first so every mistake gets one message shape and the code INVALID_ARGUMENT.
import os from 'node:os';
import { binding, type ModelsHandle, type NativeBinding } from './binding.js';
import { FaceCoreError, invalidArgument } from './errors.js';
import { defaultModelsDir, readTfjsWeights, resolveModelPaths } from './models.js';
import type {
  AnalyzeOptions,
  AnalyzeResult,
  Box,
  DetectedFace,
  DetectOptions,
  EncodeOptions,
  ImageInfo,
  Point,
  RgbImage,
} from './types.js';

export interface FaceCoreOptions {
  /** Where dlib's own model files may be put (FACE_MODELS_DIR, default ./models). */
  modelsDir?: string;
  /** Images with more pixels are refused before decoding; default 40 megapixels (FACE_MAX_PIXELS). */
  maxPixels?: number;
  /** Native jobs running at once; the rest wait in a queue. Default: the number of CPUs. */
  concurrency?: number;
}

export interface LoadedModels {
  landmarks: string;
  landmarkPoints: number;
  /** 'tfjs' for @vladmandic/face-api's weights, else the path of dlib's .dat file. */
  encoder: string;
}

type ImageInput = Buffer | RgbImage;

// One load of the models. Calls hold it while they run, so release() frees it only once they are done.
interface ModelsEntry {
  ready: Promise<{ handle: ModelsHandle; info: LoadedModels }>;
  inflight: number;
  released: boolean;
  loaded: boolean;
}

export class FaceCore {
  readonly modelsDir: string;
  readonly maxPixels: number;
  readonly concurrency: number;
  private native: NativeBinding;
  private models: ModelsEntry | null = null;
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(options: FaceCoreOptions = {}) {
    this.modelsDir = options.modelsDir ?? defaultModelsDir();
    this.maxPixels = options.maxPixels ?? (Number(process.env.FACE_MAX_PIXELS) || 40_000_000);
    this.concurrency = options.concurrency ?? Math.max(1, os.availableParallelism());
    if (!Number.isSafeInteger(this.maxPixels) || this.maxPixels < 1) throw invalidArgument('maxPixels', 'a positive integer', this.maxPixels);
    if (!Number.isSafeInteger(this.concurrency) || this.concurrency < 1) throw invalidArgument('concurrency', 'a positive integer', this.concurrency);
    this.native = binding();
  }

  /** Jobs running now and jobs waiting for a slot. */
  get counters(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /** Format and stored size from the header alone (synchronous, no pixels decoded). */
  info(bytes: Buffer): ImageInfo {
    if (!Buffer.isBuffer(bytes)) throw invalidArgument('bytes', 'a Buffer of encoded image bytes', bytes);
    return this.call(() => this.native.info(bytes));
  }

  /** Stage 1: encoded bytes (JPEG, PNG, WebP, BMP, GIF, TIFF) to RGB pixels, EXIF orientation applied. */
  decode(bytes: Buffer): Promise<RgbImage> {
    if (!Buffer.isBuffer(bytes)) return Promise.reject(invalidArgument('bytes', 'a Buffer of encoded image bytes', bytes));
    return this.job(() => this.native.decode(bytes, { maxPixels: this.maxPixels }));
  }

  /** Stage 2: HOG face detection, largest face first. */
  detect(image: ImageInput, options: DetectOptions = {}): Promise<DetectedFace[]> {
    return this.checked(() => {
      checkImage(image);
      return this.job(() => this.native.detect(image, { ...checkDetectOptions(options), maxPixels: this.maxPixels }));
    });
  }

  /** Stage 3: 68 (or 5) landmark points for each face box. */
  landmarks(image: ImageInput, boxes: Box[]): Promise<Point[][]> {
    return this.checked(() => {
      checkImage(image);
      if (!Array.isArray(boxes)) throw invalidArgument('boxes', 'an array of {x, y, width, height}', boxes);
      return this.useModels((models) => this.native.landmarks(models, image, boxes, { maxPixels: this.maxPixels }));
    });
  }

  /** Stage 4: one aligned chip (150x150 by default, padding 0.25) per face's landmarks. */
  align(image: ImageInput, landmarks: Point[][], options: { size?: number; padding?: number } = {}): Promise<RgbImage[]> {
    return this.checked(() => {
      checkImage(image);
      if (!Array.isArray(landmarks)) throw invalidArgument('landmarks', 'an array with one array of points per face', landmarks);
      return this.job(() => this.native.align(image, landmarks, { ...options, maxPixels: this.maxPixels }));
    });
  }

  /** Stage 5: 128-d encodings for aligned chips, in batches of `batchSize` (default 16). */
  async encode(chips: RgbImage[], options: EncodeOptions & { batchSize?: number } = {}): Promise<Float32Array[]> {
    if (!Array.isArray(chips)) throw invalidArgument('chips', 'an array of face chips', chips);
    checkOptions(options);
    chips.forEach(checkRgbImage);
    checkInteger('jitter', options.jitter, 0, 100);
    checkInteger('batchSize', options.batchSize, 1, 256);
    if (chips.length === 0) return [];
    const flat = await this.useModels((models) => this.native.encode(models, chips, { jitter: options.jitter, batchSize: options.batchSize }));
    return Array.from({ length: chips.length }, (_, i) => flat.slice(i * 128, (i + 1) * 128));
  }

  /** Stage 6: the whole pipeline on one image. */
  analyze(image: ImageInput, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    return this.checked(() => {
      checkImage(image);
      checkOptions(options);
      checkInteger('jitter', options.jitter, 0, 100);
      checkInteger('maxFaces', options.maxFaces, 0, Number.MAX_SAFE_INTEGER);
      const native = { ...checkDetectOptions(options), jitter: options.jitter, maxFaces: options.maxFaces, maxPixels: this.maxPixels };
      return this.useModels((models) => this.native.analyze(models, image, native));
    });
  }

  /** Stage 8: cluster labels (0..n-1, in order of first appearance); faces closer than `threshold` are linked. */
  async cluster(encodings: Float32Array[], threshold = 0.5): Promise<number[]> {
    if (!Array.isArray(encodings)) throw invalidArgument('encodings', 'an array of Float32Array(128)', encodings);
    if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 10)) throw invalidArgument('threshold', 'a number between 0 and 10', threshold);
    const flat = new Float32Array(encodings.length * 128);
    encodings.forEach((e, i) => {
      if (!(e instanceof Float32Array) || e.length !== 128) throw invalidArgument(`encodings[${i}]`, 'a Float32Array of 128 values', e);
      flat.set(e, i * 128);
    });
    return Array.from(await this.job(() => this.native.cluster(flat, threshold)));
  }

  /** Whether models are loaded and not released. */
  get loaded(): boolean {
    return this.models?.loaded === true;
  }

  /** Loads the models now (otherwise the first call that needs them does); concurrent calls share one load. */
  async load(): Promise<LoadedModels> {
    return (await this.currentModels().ready).info;
  }

  /** Stage 9: frees the models once the calls using them finish; the next call loads them again. */
  release(): void {
    const entry = this.models;
    this.models = null;
    this.native.releaseDetectors();
    if (!entry) return;
    entry.released = true;
    if (entry.inflight === 0) this.free(entry);
  }

  /**
   * Runs native work that needs the models (as a queued job), holding them until it settles: a release()
   * meanwhile waits for it. For native calls made outside this class, such as video recognition.
   */
  async useModels<T>(run: (models: ModelsHandle) => Promise<T>): Promise<T> {
    const entry = this.currentModels();
    entry.inflight++;
    try {
      const { handle } = await entry.ready;
      return await this.job(() => run(handle));
    } finally {
      entry.inflight--;
      if (entry.released && entry.inflight === 0) this.free(entry);
    }
  }

  private currentModels(): ModelsEntry {
    if (this.models) return this.models;
    const entry: ModelsEntry = { ready: this.loadModels(), inflight: 0, released: false, loaded: false };
    entry.ready.then(
      () => {
        entry.loaded = true;
      },
      () => {
        if (this.models === entry) this.models = null; // the next call tries again
      },
    );
    this.models = entry;
    return entry;
  }

  private async loadModels(): Promise<{ handle: ModelsHandle; info: LoadedModels }> {
    try {
      const paths = resolveModelPaths(this.modelsDir);
      const tensors = paths.recognitionPath ? undefined : readTfjsWeights(paths.tfjsManifestPath);
      const { handle, ...info } = await this.native.loadModels({ landmarksPath: paths.landmarksPath, recognitionPath: paths.recognitionPath, tensors });
      return { handle, info };
    } catch (e) {
      throw FaceCoreError.from(e);
    }
  }

  private free(entry: ModelsEntry): void {
    entry.ready.then(
      ({ handle }) => this.native.releaseModels(handle),
      () => undefined,
    );
  }

  // Runs native work when a slot is free; leaves libuv threads for file I/O while images are processed.
  private async job<T>(run: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await run();
    } catch (e) {
      throw FaceCoreError.from(e);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private call<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      throw FaceCoreError.from(e);
    }
  }

  private checked<T>(run: () => Promise<T>): Promise<T> {
    try {
      return run();
    } catch (e) {
      return Promise.reject(FaceCoreError.from(e));
    }
  }
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(name, `an integer from ${min} to ${max}`, value);
  }
}

function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidArgument('options', 'an options object', options);
}

function checkDetectOptions(options: DetectOptions): DetectOptions {
  checkOptions(options);
  checkInteger('upsample', options.upsample, 0, 3);
  if (options.minFaceSize !== undefined && !(typeof options.minFaceSize === 'number' && options.minFaceSize >= 0 && Number.isFinite(options.minFaceSize))) {
    throw invalidArgument('minFaceSize', 'a non-negative number', options.minFaceSize);
  }
  if (options.adjustThreshold !== undefined && !(typeof options.adjustThreshold === 'number' && Number.isFinite(options.adjustThreshold))) {
    throw invalidArgument('adjustThreshold', 'a finite number', options.adjustThreshold);
  }
  return { upsample: options.upsample, minFaceSize: options.minFaceSize, adjustThreshold: options.adjustThreshold };
}

function checkImage(image: unknown): void {
  if (Buffer.isBuffer(image)) return;
  checkRgbImage(image as RgbImage);
}

function checkRgbImage(image: RgbImage): void {
  if (typeof image !== 'object' || image === null || !Buffer.isBuffer(image.pixels)) {
    throw invalidArgument('image', 'a Buffer of encoded bytes or {width, height, pixels}', image);
  }
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65535 || height > 65535) {
    throw invalidArgument('image size', 'integer width and height from 1 to 65535', `${width}x${height}`);
  }
  if (pixels.length !== width * height * 3) throw invalidArgument('pixels', `${width * height * 3} bytes (RGB)`, `${pixels.length} bytes`);
}
