// Reads an `Upload` argument, turning every transport failure into a coded error: a photo into memory
// (bounded by MAX_UPLOAD_MB), a video onto disk (bounded by MAX_VIDEO_MB).
import fs from 'node:fs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type { Photo } from '../gallery/index.js';
import { isStorageFull } from '../store/errors.js';
import type { UploadArg } from './context.js';
import { userError } from './errors.js';
import { UploadTempError } from './multipart.js';

interface HttpishError {
  status?: number;
  message?: string;
  code?: unknown;
  syscall?: unknown;
}

const TEMP_FULL_MESSAGE =
  'The service has no disk space left in its temp folder (TMPDIR): the upload could not be received and nothing was stored. Try again later.';

/**
 * The coded error for a failed upload. The temp file graphql-upload writes it to failing (a system error, e.g.
 * ENOSPC) is the service's fault, not the request's: a full disk answers STORAGE_FULL (HTTP 503), anything else
 * is returned as it is, an internal error.
 */
function uploadError(err: unknown, maxMb: number): Error {
  const e = (err ?? {}) as HttpishError;
  if (err instanceof UploadTempError || (typeof e.syscall === 'string' && typeof e.code === 'string')) {
    if (isStorageFull(err)) return userError('STORAGE_FULL', TEMP_FULL_MESSAGE, 503);
    return err as Error;
  }
  if (e.status === 413 && /max file uploads/.test(e.message ?? ''))
    return userError('BAD_USER_INPUT', 'Expected one file per request but received more.');
  if (e.status === 413) return userError('FILE_TOO_LARGE', `The file is larger than the ${maxMb} MB limit.`);
  if (e.status === 400) return userError('BAD_USER_INPUT', e.message ?? 'The file is missing from the request.');
  // busboy's parse errors ("Unexpected end of form", ...) and a client that hung up: the request itself is bad.
  return userError('BAD_REQUEST', `The multipart request body is malformed: ${e.message ?? 'unreadable'}`, 400);
}

export async function readUpload(file: UploadArg, maxUploadMb: number): Promise<Photo> {
  const maxBytes = Math.floor(maxUploadMb * 1024 * 1024);
  try {
    const upload = await file;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of upload.createReadStream()) {
      const buf = chunk as Buffer;
      size += buf.length;
      // graphql-upload truncates at the larger of the photo and video limits; photos stop here at theirs.
      if (size > maxBytes) throw Object.assign(new Error('too large'), { status: 413 });
      chunks.push(buf);
    }
    return { bytes: Buffer.concat(chunks, size), filename: upload.filename ?? '' };
  } catch (err) {
    throw uploadError(err, maxUploadMb);
  }
}

/** The file part of an `Upload` argument, once it starts streaming: its name is known before any byte is read. */
export async function openUpload(file: UploadArg, maxMb: number): Promise<FileUpload> {
  try {
    return await file;
  } catch (err) {
    throw uploadError(err, maxMb);
  }
}

/**
 * Streams an upload into `destination` (a new file, flushed to disk), bounded by `maxMb`; resolves to its size
 * in bytes. On an error the partly written file stays for the caller to remove.
 */
export async function saveUpload(upload: FileUpload, destination: string, maxMb: number): Promise<number> {
  const maxBytes = Math.floor(maxMb * 1024 * 1024);
  const fh = await fs.promises.open(destination, 'wx');
  let size = 0;
  try {
    let writing = false;
    try {
      for await (const chunk of upload.createReadStream()) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > maxBytes) throw Object.assign(new Error('too large'), { status: 413 });
        writing = true;
        // A short write (the disk filling up) is completed, or fails with the reason.
        for (let done = 0; done < buf.length;) {
          const { bytesWritten } = await fh.write(buf, done, buf.length - done);
          if (bytesWritten === 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
          done += bytesWritten;
        }
        writing = false;
      }
    } catch (err) {
      // The destination's own errors (its disk full, say) are the caller's to report, not the upload's.
      throw writing ? err : uploadError(err, maxMb);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return size;
}

/**
 * The uploads of one request. A file part used by several fields (aliases, or one variable in several places)
 * is read and analysed once, and may be enrolled by one field only.
 */
export class RequestUploads {
  private readonly photos = new Map<UploadArg, Promise<Photo>>();
  private readonly enrolled = new Set<UploadArg>();

  /** The photo of an Upload argument, read once per request (bounded by MAX_UPLOAD_MB). */
  photo(file: UploadArg, maxUploadMb: number): Promise<Photo> {
    let photo = this.photos.get(file);
    if (!photo) {
      photo = readUpload(file, maxUploadMb);
      this.photos.set(file, photo);
    }
    return photo;
  }

  /** The photo, for a field that enrols it; BAD_USER_INPUT when another field of the request enrols the same file. */
  photoToEnrol(file: UploadArg, maxUploadMb: number): Promise<Photo> {
    if (this.enrolled.has(file)) {
      return Promise.reject(
        userError('BAD_USER_INPUT', 'Expected each uploaded file to be enrolled by one field only, but this request enrols it again.'),
      );
    }
    this.enrolled.add(file);
    return this.photo(file, maxUploadMb);
  }
}
