// What runs the face detector's nets: the core's own kernels, compiled for each instruction set and chosen for the CPU
// when the addon loads, or OpenCV's DNN module, the reference they are checked against (FACE_CORE_KERNELS).
import { binding, type DetectorKernels } from './binding.js';

export type { DetectorKernels } from './binding.js';

/** The names useDetectorKernels takes on any CPU; 'avx512', 'avx2', 'sse4', 'ssse3', 'neon', 'scalar' where it runs them. */
export const KERNEL_CHOICES = ['auto', 'baseline', 'opencv'] as const;

/**
 * How far the kernels' outputs may be from OpenCV's DNN on the same ONNX nets and inputs (face probability, box
 * regression, landmarks), on every instruction set: the tests hold each one to it. Measured: at most 3.5e-6.
 */
export const KERNEL_TOLERANCE = 1e-5;

/** The path in use and the ones this CPU runs. */
export function detectorKernels(): DetectorKernels {
  return binding().kernels();
}

/**
 * Chooses what runs the detector's nets for the whole process: 'auto' (the best kernels this CPU runs), 'baseline' (the
 * most widely supported vector kernels: SSSE3 on x86-64, NEON on aarch64), 'opencv', or a name from
 * detectorKernels().available. Returns the path now in use; throws FaceCoreError INVALID_ARGUMENT naming the choices.
 */
export function useDetectorKernels(name: string): string {
  return binding().setKernels(name);
}
