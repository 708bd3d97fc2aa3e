// The face core's public surface: the FaceCore stages, the thread budget, the FaceIndex gallery, video, errors, limits
// and data types.
// Test-only entry points (VideoWriter) live in testing.ts, not here.
export { FACE_CROP, FaceCore, type FaceCoreOptions, type LoadedModels } from './face-core.js';
export { setThreadBudget, threadBudget } from './threads.js';
export { FaceIndex } from './face-index.js';
export { detectorKernels, useDetectorKernels, KERNEL_CHOICES, KERNEL_TOLERANCE, type DetectorKernels } from './kernels.js';
export { FaceCoreError, type FaceCoreErrorCode } from './errors.js';
export * from './video.js';
export * from './limits.js';
export { resolveModelPaths, type ModelPaths } from './models.js';
export * from './types.js';
