// The face core's public surface: the FaceCore stages, the FaceIndex gallery, errors and data types.
import { FaceCore } from './face-core.js';

export { FaceCore, type FaceCoreOptions, type LoadedModels } from './face-core.js';
export { FaceIndex } from './face-index.js';
export { FaceCoreError, type FaceCoreErrorCode } from './errors.js';
export * from './video.js';
export { resolveModelPaths, type ModelPaths } from './models.js';
export * from './types.js';

/** Euclidean distance between two encodings. */
export function faceDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** The process-wide core, configured from the environment (FACE_MODELS_DIR, FACE_MAX_PIXELS). */
export const faceCore = new FaceCore();
