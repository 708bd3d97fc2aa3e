// FaceCore: the typed, promise-based API over the native face core. Each stage (decode, detect, landmarks, align,
// encode) is a documented public method that can be used alone, or all at once through analyze(); the models stay
// loaded between calls and release() frees them until the next call. Arguments are checked here first, against
// limits.ts, so every mistake gets one message shape and the code INVALID_ARGUMENT; errors from the addon are
// already FaceCoreErrors (binding.ts registers the class) and pass through untouched.
import { binding, type ModelsHandle, type NativeBinding } from './binding.js';
import { invalidArgument, timedOut } from './errors.js';
import {
  checkRange,
  DEFAULT_ENCODER,
  DEFAULT_MODELS_DIR,
  defaultThreads,
  DEFAULTS,
  ENCODERS,
  optional,
  RANGES,
  RECOGNISABLE_FACE_PX,
  resolveDetectOptions,
  type Detector,
  type EncoderEngine,
} from './limits.js';
import { cnnModelsMissing, readTfjsWeights, resolveModelPaths } from './models.js';
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
   * The thread budget, default os.availableParallelism(): at most this many native jobs of this FaceCore run at once
   * (the rest wait in a queue here, not in libuv's pool), and the addon is told it through setThreads() — the
   * threads one index search or one video job's detection look-ahead may use, and OpenCV's and OpenBLAS's thread
   * counts. The addon's budget is process-wide: the last FaceCore constructed sets it.
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

/** A native job waiting for a slot: how many pixels it will work on, and since when it waits. */
interface WaitingJob {
  resolve: () => void;
  pixels: number;
  since: number;
}

/** A job that has waited this long is started next, however large (among those that may start). */
const QUEUE_AGE_MS = 5000;

/**
 * A job on more pixels than this is large: the size detection itself works at (native detect.h, max_detect_pixels),
 * past which the decoding and shrinking alone take seconds. With two or more threads, large jobs hold at most all
 * slots but one, so an ordinary photo always has a slot within the time of another ordinary photo.
 */
export const LARGE_JOB_PIXELS = 4_000_000;

export class FaceCore {
  readonly modelsDir: string;
  readonly maxPixels: number;
  readonly threads: number;
  readonly encoder: EncoderEngine;
  private native: NativeBinding;
  private models: ModelsEntry | null = null;
  private running = 0;
  private runningLarge = 0;
  private waiting: WaitingJob[] = [];

  constructor(options: FaceCoreOptions = {}) {
    checkOptions(options);
    if (options.modelsDir !== undefined && (typeof options.modelsDir !== 'string' || options.modelsDir === '')) {
      throw invalidArgument('modelsDir', 'a directory path', options.modelsDir);
    }
    if (options.encoder !== undefined && !ENCODERS.includes(options.encoder)) throw invalidArgument('encoder', "'opencv' or 'dlib'", options.encoder);
    this.modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
    this.maxPixels = optional('maxPixels', options.maxPixels, RANGES.maxPixels, DEFAULTS.maxPixels);
    this.threads = options.threads === undefined ? defaultThreads() : checkRange('threads', options.threads, RANGES.threads);
    this.encoder = options.encoder ?? DEFAULT_ENCODER;
    this.native = binding();
    this.native.setThreads(this.threads);
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
      if (detect.detector === 'cnn') return this.useModels((models) => this.native.detect(image, { ...detect, maxPixels: this.maxPixels, models }), 'cnn');
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

  /** Stage 4: one aligned chip (150x150 by default, padding 0.25) per face's landmarks. */
  align(image: ImageInput, landmarks: Point[][], options: { size?: number; padding?: number } = {}): Promise<RgbImage[]> {
    return checked(() => {
      checkImage(image);
      if (!Array.isArray(landmarks)) throw invalidArgument('landmarks', 'an array with one array of points per face', landmarks);
      checkOptions(options);
      return this.job(() => this.native.align(image, landmarks, { size: options.size, padding: options.padding, maxPixels: this.maxPixels }));
    });
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
      if (options.tryRotations !== undefined && typeof options.tryRotations !== 'boolean') throw invalidArgument('tryRotations', 'a boolean', options.tryRotations);
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

  // Runs native work when one of this FaceCore's `threads` slots is free. Queued jobs wait here rather than in
  // libuv's thread pool (UV_THREADPOOL_SIZE, default 4), so when `threads` is below the pool size, the pool keeps
  // threads free for file I/O and other addons; at or above it, they share the pool with everything else.
  // A free slot goes to the waiting job with the fewest pixels, so an ordinary photo does not wait behind a queue of
  // huge ones; a job that has waited QUEUE_AGE_MS goes first whatever its size, so none waits for ever. Large jobs
  // (LARGE_JOB_PIXELS) never hold the last slot while there are two or more.
  private async job<T>(run: () => Promise<T>, pixels = 0): Promise<T> {
    if (this.mayStart(pixels)) this.take(pixels);
    else await new Promise<void>((resolve) => this.waiting.push({ resolve, pixels, since: performance.now() })); // startNext takes the slot for it
    try {
      return await run();
    } finally {
      this.running--;
      if (pixels > LARGE_JOB_PIXELS) this.runningLarge--;
      this.startNext();
    }
  }

  private mayStart(pixels: number): boolean {
    if (this.running >= this.threads) return false;
    return pixels <= LARGE_JOB_PIXELS || this.threads === 1 || this.runningLarge < this.threads - 1;
  }

  private take(pixels: number): void {
    this.running++;
    if (pixels > LARGE_JOB_PIXELS) this.runningLarge++;
  }

  private startNext(): void {
    const now = performance.now();
    let pick = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const job = this.waiting[i]!;
      if (!this.mayStart(job.pixels)) continue;
      if (now - job.since >= QUEUE_AGE_MS) {
        pick = i; // the oldest that may start (the queue is in arrival order)
        break;
      }
      if (pick < 0 || job.pixels < this.waiting[pick]!.pixels) pick = i;
    }
    if (pick < 0) return;
    const [job] = this.waiting.splice(pick, 1);
    this.take(job!.pixels);
    job!.resolve();
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
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65535 || height > 65535) {
    throw invalidArgument('image size', 'integer width and height from 1 to 65535', `${width}x${height}`);
  }
  if (pixels.length !== width * height * 3) throw invalidArgument('pixels', `${width * height * 3} bytes (RGB)`, `${pixels.length} bytes`);
}
