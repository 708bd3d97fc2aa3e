// Entry points for tests and benchmarks only, kept off the public surface (index.ts): the addon exports them
// under `testing`.
import { binding, type MtcnnKernelCheck, type NativeVideoWriter, type VideoWriterOptions } from './binding.js';
import type { RgbImage } from './types.js';

export type { MtcnnKernelCheck, NetAgreement, VideoWriterOptions } from './binding.js';

/** Encodes RGB frames into a video file with OpenCV (FFmpeg): codec 'mp4v' (MPEG-4), 'avc1' (H.264), 'MJPG', 'VP80'. */
export class VideoWriter {
  private writer: NativeVideoWriter;

  constructor(path: string, options: VideoWriterOptions) {
    this.writer = new (binding().testing.VideoWriter)(path, options);
  }

  write(frame: RgbImage): void {
    this.writer.write(frame);
  }

  close(): void {
    this.writer.close();
  }
}

/** The image as JPEG bytes (OpenCV's encoder), quality 1-100. */
export function encodeJpeg(image: RgbImage, quality = 90): Buffer {
  return binding().testing.encodeJpeg(image, quality);
}

/**
 * MTCNN's own kernels for one instruction set ('auto': the best this CPU runs) against OpenCV's DNN running the same
 * ONNX files (modelsDir/mtcnn): P-Net over the photo at three scales, R-Net and O-Net on `crops` square crops of it.
 */
export function checkMtcnnKernels(modelsDir: string, image: RgbImage, crops = 200, kernels = 'auto'): MtcnnKernelCheck {
  return binding().testing.checkMtcnnKernels(modelsDir, image, crops, kernels);
}

/**
 * The same comparison's inputs, the nets' weights and OpenCV's outputs as one file, for the check program built for
 * another CPU (native/check/mtcnn_kernels_check.cc), which runs the kernels alone on them.
 */
export function writeMtcnnCheckData(modelsDir: string, image: RgbImage, crops: number, file: string): void {
  binding().testing.writeMtcnnCheckData(modelsDir, image, crops, file);
}
