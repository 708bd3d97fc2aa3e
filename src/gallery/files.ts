// Uploaded files: which names are accepted, and which stored extension each image format gets.
import type { ImageFormat } from '../core/index.js';
import type { AnalysedPhoto } from './results.js';
import type { StoredExt } from '../store/images.js';
import { GalleryError } from './errors.js';

/** An uploaded photo: its bytes and the name the client gave it. */
export interface Photo {
  bytes: Buffer;
  filename: string;
  /** Its analysis by each detector, once asked for: however many fields search or enrol it, a photo is analysed
   *  at most once per detector. */
  analyses?: Map<string, Promise<{ analysis: AnalysedPhoto; ext: StoredExt }>>;
}

/**
 * File name extensions accepted for photos: every format the decoder reads. The name must be an image's;
 * the bytes decide the format the photo is stored as.
 */
export const PHOTO_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif', 'tif', 'tiff'];

/** File name extensions accepted for videos (the decoder checks the bytes). */
export const VIDEO_EXTENSIONS: readonly string[] = ['mp4', 'webm', 'avi', 'mov', 'mkv', 'm4v'];

const STORED_EXT: Record<ImageFormat, StoredExt> = { jpeg: 'jpg', png: 'png', webp: 'webp', bmp: 'bmp', gif: 'gif', tiff: 'tiff' };

/** The lower-cased extension of a file name ("" when it has none; ".jpg" alone has none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** UNSUPPORTED_FILE_TYPE unless the name ends in one of `allowed`. */
export function checkExtension(filename: string, allowed: readonly string[], what: 'a file' | 'a video'): string {
  const ext = extensionOf(filename);
  if (!allowed.includes(ext)) {
    throw new GalleryError('UNSUPPORTED_FILE_TYPE', `Expected ${what} named *.${allowed.join(', *.')} but received ${JSON.stringify(filename)}`);
  }
  return ext;
}

/** The extension a photo of this format is stored under. */
export const storedExtension = (format: ImageFormat): StoredExt => STORED_EXT[format];
