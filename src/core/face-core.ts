// FaceCore: the typed, promise-based API over the native face core. Each stage (decode, detect, landmarks, align,
// encode) is a documented public method that can be used alone, or all at once through analyze(); the models stay
// loaded between calls and release() frees them until the next call; native work waits for one of its slots
// (slots.ts). Arguments are checked here first, against limits.ts, so every mistake gets one message shape and the
// code INVALID_ARGUMENT; errors from the addon are already FaceCoreErrors (binding.ts registers the class) and pass
// through untouched.
import { binding, type ModelsHandle, type NativeBinding } from './binding.js';
import { invalidArgument, timedOut } from './errors.js';
import {
  checkRange,
  DEFAULT_ENCODER,
  DEFAULT_MODELS_DIR,
  DEFAULTS,
  ENCODERS,
  inRange,
  nativeLimits,
  optional,
  RANGES,
  RECOGNISABLE_FACE_PX,
  resolveDetectOptions,
  type Detector,
  type EncoderEngine,
} from './limits.js';
import { cnnModelsMissing, readTfjsWeights, resolveModelPaths } from './models.js';
import { Slots } from './slots.js';
import type {
  AnalyzeOptions,
  AnalyzeResult,
  Box,
  DetectedFace,
  DetectOptions,
  EncodeOptions,
  ImageFormat,
  ImageInfo,
  Point,
  RgbImage,
} from './types.js';

export interface FaceCoreOptions {
  /** Where dlib's own model files may be put (default <project>/models, limits.ts DEFAULT_MODELS_DIR). */
  modelsDir?: string;
  /** Images and video frames with more pixels are refused before decoding; default DEFAULT_MAX_PIXELS (40 megapixels). */
  maxPixels?: number;
  /**
   * At most this many native jobs of this FaceCore run at once (the rest wait in its queue, slots.ts, not in libuv's
   * pool); default the process's thread budget (threadBudget()). The threads each job may use are that budget's,
   * set once for the process by setThreadBudget() (src/config.ts exportNativeSettings), never by making a FaceCore.
   */
  threads?: number;
  /** Which code runs the face encoder's network: 'opencv' (default, faster) or 'dlib'; both give the same encodings. */
  encoder?: EncoderEngine;
}

export interface LoadedModels {
  landmarks: string;
  landmarkPoints: number;
  /** 'tfjs' for @vladmandic/face-api's weights, else the path of dlib's .dat file. */
  encoder: string;
  /** The engine running the encoder's network. */
  engine: EncoderEngine;
  /** The folder of the CNN detector's ONNX files, or null when they are missing (then only 'hog' works). */
  cnnDetector: string | null;
}

type ImageInput = Buffer | RgbImage;

// One load of the models. Calls hold it while they run, so release() frees it only once they are done.
interface ModelsEntry {
  ready: Promise<{ handle: ModelsHandle; info: LoadedModels; cnnDir: string }>;
  inflight: number;
  released: boolean;
  loaded: boolean;
}

/** Face crops' defaults: 160 pixels square, the face with half its size around it, JPEG quality 85 (about 6 KB). */
export const FACE_CROP = { size: 160, maxSize: 256, padding: 0.5, quality: 85 } as const;

export class FaceCore {
  readonly modelsDir: string;
  readonly maxPixels: number;
  readonly threads: number;
  readonly encoder: EncoderEngine;
  private native: NativeBinding;
  private models: ModelsEntry | null = null;
  private slots: Slots;

  constructor(options: FaceCoreOptions = {}) {
    checkOptions(options);
    if (options.modelsDir !== undefined && (typeof options.modelsDir !== 'string' || options.modelsDir === '')) {
      throw invalidArgument('modelsDir', 'a directory path', options.modelsDir);
    }
    if (options.encoder !== undefined && !ENCODERS.includes(options.encoder)) throw invalidArgument('encoder', "'opencv' or 'dlib'", options.encoder);
    this.modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
    this.maxPixels = optional('maxPixels', options.maxPixels, RANGES.maxPixels, DEFAULTS.maxPixels);
    this.native = binding();
    this.threads = options.threads === undefined ? this.native.threadBudget() : checkRange('threads', options.threads, RANGES.threads);
    this.encoder = options.encoder ?? DEFAULT_ENCODER;
    // A job on more pixels than detection looks at is large: past it, the decoding and shrinking alone take seconds.
    this.slots = new Slots({ slots: this.threads, largeJobPixels: nativeLimits().maxDetectPixels });
  }

  /** Native jobs of this FaceCore running now, and waiting for one of its `threads` slots. */
  get jobs(): { running: number; queued: number } {
    return { running: this.slots.running, queued: this.slots.queued };
  }

  /** Format and stored size from the header alone (synchronous, no pixels decoded). */
  info(bytes: Buffer): ImageInfo {
    if (!Buffer.isBuffer(bytes)) throw invalidArgument('bytes', 'a Buffer of encoded image bytes', bytes);
    return this.native.info(bytes);
  }

  /** Stage 1: encoded bytes (JPEG, PNG, WebP, BMP, GIF, TIFF) to RGB pixels, EXIF orientation applied. */
  decode(bytes: Buffer): Promise<RgbImage & { format: ImageFormat }> {
    if (!Buffer.isBuffer(bytes)) return Promise.reject(invalidArgument('bytes', 'a Buffer of encoded image bytes', bytes));
    return this.job(() => this.native.decode(bytes, { maxPixels: this.maxPixels }));
  }

  /**
   * Stage 2: face detection, HOG (default) or CNN. Faces come largest first (by box area; ties keep the detector's
   * order). The CNN's nets load with the other models; MODEL_NOT_FOUND names the set-up command when they are missing.
   */
  detect(image: ImageInput, options: DetectOptions = {}): Promise<DetectedFace[]> {
    return checked(() => {
      checkImage(image);
      checkOptions(options);
      const detect = resolveDetectOptions(options);
      if (detect.detector === 'cnn')
        return this.useModels((models) => this.native.detect(image, { ...detect, maxPixels: this.maxPixels, models }), 'cnn');
      return this.job(() => this.native.detect(image, { ...detect, maxPixels: this.maxPixels }));
    });
  }

  /** Stage 3: 68 (or 5) landmark points for each face box. */
  landmarks(image: ImageInput, boxes: Box[]): Promise<Point[][]> {
    return checked(() => {
      checkImage(image);
      if (!Array.isArray(boxes)) throw invalidArgument('boxes', 'an array of {x, y, width, height}', boxes);
      return this.useModels((models) => this.native.landmarks(models, image, boxes, { maxPixels: this.maxPixels }));
    });
  }

  /** Stage 4: one aligned chip (150x150 by default, padding 0.25: DEFAULTS.chipSize, chipPadding) per face's landmarks. */
  align(image: ImageInput, landmarks: Point[][], options: { size?: number; padding?: number } = {}): Promise<RgbImage[]> {
    return checked(() => {
      checkImage(image);
      if (!Array.isArray(landmarks)) throw invalidArgument('landmarks', 'an array with one array of points per face', landmarks);
      checkOptions(options);
      const size = optional('size', options.size, RANGES.chipSize, DEFAULTS.chipSize);
      const padding = optional('padding', options.padding, RANGES.chipPadding, DEFAULTS.chipPadding);
      return this.job(() => this.native.align(image, landmarks, { size, padding, maxPixels: this.maxPixels }));
    });
  }

  /**
   * Small aligned face crops as JPEG (for lists of faces): one per face's landmarks, `size` pixels square with a
   * margin of `padding` (a share of the face's size). The JPEG encoding of such a small image (under a millisecond)
   * runs on the calling thread; larger sizes are refused.
   */
  async faceCrops(image: ImageInput, landmarks: Point[][], options: { size?: number; padding?: number; quality?: number } = {}): Promise<Buffer[]> {
    const size = options.size ?? FACE_CROP.size;
    if (!Number.isInteger(size) || size < RANGES.chipSize.min || size > FACE_CROP.maxSize) {
      throw invalidArgument('size', `an integer from ${RANGES.chipSize.min} to ${FACE_CROP.maxSize}`, size);
    }
    const chips = await this.align(image, landmarks, { size, padding: options.padding ?? FACE_CROP.padding });
    return chips.map((chip) => this.native.testing.encodeJpeg(chip, options.quality ?? FACE_CROP.quality));
  }

  /** Stage 5: 128-d encodings for aligned chips, in batches of `batchSize` (default 16). */
  async encode(chips: RgbImage[], options: EncodeOptions & { batchSize?: number } = {}): Promise<Float32Array[]> {
    if (!Array.isArray(chips)) throw invalidArgument('chips', 'an array of face chips', chips);
    checkOptions(options);
    chips.forEach(checkRgbImage);
    const jitter = optional('jitter', options.jitter, RANGES.jitter, DEFAULTS.jitter);
    const batchSize = optional('batchSize', options.batchSize, RANGES.batchSize, DEFAULTS.batchSize);
    if (chips.length === 0) return [];
    const flat = await this.useModels((models) => this.native.encode(models, chips, { jitter, batchSize }));
    return Array.from({ length: chips.length }, (_, i) => flat.slice(i * 128, (i + 1) * 128));
  }

  /**
   * Stage 6: the whole pipeline on one image. Faces come largest first (as detect()); for encoded bytes, `format` is
   * the one the decoder sniffed from the header, so a caller needs no separate info() call.
   */
  analyze(image: Buffer, options?: AnalyzeOptions): Promise<AnalyzeResult & { format: ImageFormat }>;
  analyze(image: ImageInput, options?: AnalyzeOptions): Promise<AnalyzeResult>;
  analyze(image: ImageInput, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    return checked(() => {
      checkImage(image);
      checkOptions(options);
      if (options.tryRotations !== undefined && typeof options.tryRotations !== 'boolean')
        throw invalidArgument('tryRotations', 'a boolean', options.tryRotations);
      const native = {
        ...resolveDetectOptions(options),
        jitter: optional('jitter', options.jitter, RANGES.jitter, DEFAULTS.jitter),
        maxFaces: optional('maxFaces', options.maxFaces, RANGES.maxFaces, DEFAULTS.maxFaces),
        maxPixels: this.maxPixels,
        tryRotations: options.tryRotations ?? true,
        // Faces found only in a turned copy count from a recognisable size: small face-like patches there are more
        // often false (dogs.jpg turned a quarter holds a 34 px one the CNN scores 0.9997).
        turnedMinFaceSize: RECOGNISABLE_FACE_PX,
      };
      const timeoutMs = optional('timeoutMs', options.timeoutMs, RANGES.timeoutMs, Infinity);
      const deadline = performance.now() + timeoutMs;
      const run = (models: ModelsHandle) => {
        // What is left of the limit once a slot is free (0 = none for the addon); none left: the job ends here.
        const left = deadline - performance.now();
        if (left <= 0) return Promise.reject(timedOut(timeoutMs));
        return this.native.analyze(models, image, { ...native, timeLimitMs: Number.isFinite(left) ? left : 0 });
      };
      return this.useModels(run, native.detector, this.pixelsOf(image));
    });
  }

  /** Stage 8: cluster labels (0..n-1, in order of first appearance); faces closer than `threshold` are linked. */
  async cluster(encodings: Float32Array[], threshold: number = DEFAULTS.clusterThreshold): Promise<number[]> {
    if (!Array.isArray(encodings)) throw invalidArgument('encodings', 'an array of Float32Array(128)', encodings);
    checkRange('threshold', threshold, RANGES.clusterThreshold);
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
  async useModels<T>(run: (models: ModelsHandle) => Promise<T>, detector?: Detector, pixels = 0): Promise<T> {
    const entry = this.currentModels();
    entry.inflight++;
    try {
      const { handle, info, cnnDir } = await entry.ready;
      if (detector === 'cnn' && !info.cnnDetector) throw cnnModelsMissing(cnnDir);
      return await this.job(() => run(handle), pixels);
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

  private async loadModels(): Promise<{ handle: ModelsHandle; info: LoadedModels; cnnDir: string }> {
    const paths = resolveModelPaths(this.modelsDir);
    const tensors = paths.recognitionPath ? undefined : readTfjsWeights(paths.tfjsManifestPath);
    const { handle, ...info } = await this.native.loadModels({
      landmarksPath: paths.landmarksPath,
      recognitionPath: paths.recognitionPath,
      tensors,
      encoder: this.encoder,
      cnn: paths.cnn,
    });
    return { handle, info, cnnDir: paths.cnnDir };
  }

  private free(entry: ModelsEntry): void {
    entry.ready.then(
      ({ handle }) => this.native.releaseModels(handle),
      () => undefined,
    );
  }

  // Runs native work when one of this FaceCore's `threads` slots is free (slots.ts: the fewest pixels first, the
  // longest waiting first past its age, large jobs kept from the last slot). Queued jobs wait here rather than in
  // libuv's thread pool (UV_THREADPOOL_SIZE, default 4), so when `threads` is below the pool size, the pool keeps
  // threads free for file I/O and other addons; at or above it, they share the pool with everything else.
  private job<T>(run: () => Promise<T>, pixels = 0): Promise<T> {
    return this.slots.run(run, pixels);
  }

  /** The pixels of an image, from its header alone (0 when the header cannot be read: the job will say why). */
  private pixelsOf(image: ImageInput): number {
    if (!Buffer.isBuffer(image)) return image.width * image.height;
    try {
      const { width, height } = this.native.info(image);
      return width * height;
    } catch {
      return 0;
    }
  }
}

// Turns a synchronous throw (an argument check, or the addon refusing an argument) into a rejected promise.
function checked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
}

function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidArgument('options', 'an options object', options);
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
  if (!inRange(RANGES.imageSide, width) || !inRange(RANGES.imageSide, height)) {
    throw invalidArgument('image size', `integer width and height from ${RANGES.imageSide.min} to ${RANGES.imageSide.max}`, `${width}x${height}`);
  }
  if (pixels.length !== width * height * 3) throw invalidArgument('pixels', `${width * height * 3} bytes (RGB)`, `${pixels.length} bytes`);
}
