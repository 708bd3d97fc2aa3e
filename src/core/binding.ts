// Loads the compiled addon (build/Release/face_core.node) and describes what it exports.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
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

export interface NativeBinding {
  info(bytes: Buffer): ImageInfo;
  decode(bytes: Buffer, options?: { maxPixels?: number }): Promise<RgbImage>;
  detect(image: ImageArg, options?: object): Promise<DetectedFace[]>;
  landmarks(image: ImageArg, boxes: Box[], options?: object): Promise<Point[][]>;
  align(image: ImageArg, landmarks: Point[][], options?: object): Promise<RgbImage[]>;
  encode(chips: RgbImage[], options?: object): Promise<Float32Array>;
  analyze(image: ImageArg, options?: object): Promise<AnalyzeResult>;
  cluster(encodings: Float32Array, threshold: number): Promise<Uint32Array>;
  loadModels(options: { landmarksPath: string; recognitionPath?: string; tensors?: WeightTensor[] }): Promise<{
    landmarks: string;
    landmarkPoints: number;
    encoder: string;
  }>;
  modelsLoaded(): boolean;
  release(): void;
  FaceIndex: new () => NativeFaceIndex;
}

let loaded: NativeBinding | undefined;

export function binding(): NativeBinding {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    throw new FaceCoreError('MODEL_NOT_FOUND', `The native face core is not built (${addonPath} is missing). Run \`npm run setup\`.`);
  }
  loaded = createRequire(import.meta.url)(addonPath) as NativeBinding;
  return loaded;
}
