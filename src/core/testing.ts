// Entry points for tests and benchmarks only, kept off the public surface (index.ts): the addon exports them
// under `testing`.
import { binding, type NativeVideoWriter, type VideoWriterOptions } from './binding.js';
import type { RgbImage } from './types.js';

export type { VideoWriterOptions } from './binding.js';

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
