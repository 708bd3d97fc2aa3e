// Loads the compiled addon (build/Release/face_core.node) and describes what it exports.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AnalyzeResult, Box, DetectedFace, ImageInfo, IndexMatch, Point, RgbImage } from './types.js';
import { FaceCoreError } from './errors.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const addonPath = path.join(projectRoot, 'build', 'Release', 'face_core.node');

type ImageArg = Buffer | RgbImage;
interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface NativeFaceIndex {
  add(id: number, encoding: Float32Array): void;
  addMany(ids: ArrayLike<number>, encodings: Float32Array): void;
  remove(id: number): boolean;
  has(id: number): boolean;
  clear(): void;
  search(encoding: Float32Array, options?: { k?: number; maxDistance?: number }): Promise<IndexMatch[]>;
  searchSync(encoding: Float32Array, options?: { k?: number; maxDistance?: number }): IndexMatch[];
  readonly size: number;
  readonly memoryBytes: number;
}

/** An opaque handle to one loaded model set (a tagged External). */
export type ModelsHandle = { readonly __models: unique symbol };

export interface NativeBinding {
  info(bytes: Buffer): ImageInfo;
  decode(bytes: Buffer, options?: { maxPixels?: number }): Promise<RgbImage>;
  detect(image: ImageArg, options?: object): Promise<DetectedFace[]>;
  landmarks(models: ModelsHandle, image: ImageArg, boxes: Box[], options?: object): Promise<Point[][]>;
  align(image: ImageArg, landmarks: Point[][], options?: object): Promise<RgbImage[]>;
  encode(models: ModelsHandle, chips: RgbImage[], options?: object): Promise<Float32Array>;
  analyze(models: ModelsHandle, image: ImageArg, options?: object): Promise<AnalyzeResult>;
  cluster(encodings: Float32Array, threshold: number): Promise<Uint32Array>;
  loadModels(options: { landmarksPath: string; recognitionPath?: string; tensors?: WeightTensor[] }): Promise<{
    handle: ModelsHandle;
    landmarks: string;
    landmarkPoints: number;
    encoder: string;
  }>;
  releaseModels(models: ModelsHandle): void;
  releaseDetectors(): void;
  FaceIndex: new () => NativeFaceIndex;
}

let loaded: NativeBinding | undefined;

/**
 * OpenBLAS does dlib's convolutions. On CPUs it does not recognise (common in VMs, whose model name is generic)
 * it falls back to its Prescott (SSE3) kernels, which made encoding 1.5x slower here than the Haswell (AVX2+FMA)
 * or SkylakeX (AVX-512) kernels the CPU can run. Name the kernel from the CPU's flags unless the user has.
 * OpenBLAS reads the variable once, when the addon loads it.
 */
export function chooseBlasCore(cpuinfo: string): string | undefined {
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))) return 'SkylakeX';
  if (['avx2', 'fma'].every((f) => flags.has(f))) return 'Haswell';
  return undefined;
}

function configureBlas(): void {
  if (process.env.OPENBLAS_CORETYPE || process.platform !== 'linux' || process.arch !== 'x64') return;
  try {
    const core = chooseBlasCore(readFileSync('/proc/cpuinfo', 'utf8'));
    if (core) process.env.OPENBLAS_CORETYPE = core;
  } catch {
    // no /proc: OpenBLAS detects the CPU itself
  }
}

export function binding(): NativeBinding {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    throw new FaceCoreError('MODEL_NOT_FOUND', `The native face core is not built (${addonPath} is missing). Run \`npm run setup\`.`);
  }
  configureBlas();
  loaded = createRequire(import.meta.url)(addonPath) as NativeBinding;
  return loaded;
}
