// Multipart uploads with a file limit per operation: a photo operation stops storing its file at MAX_UPLOAD_MB,
// only recognizeVideo may send up to MAX_VIDEO_MB. The spec puts the operations field first, so it is read (and
// put back) before graphql-upload starts writing the file to its temp folder.
// A temp folder that refuses the file (full disk, no rights) fails the upload at once, with its temp file removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Request } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import processRequest, { type FileUpload } from 'graphql-upload/processRequest.mjs';
import Upload from 'graphql-upload/Upload.mjs';
import { isStorageFull } from '../store/errors.js';

/** graphql-upload's limit on a field (the operations JSON): 1 MB. */
const MAX_FIELD_BYTES = 1_000_000;

/** Reads the request up to the end of its first part (at most `limit` bytes) and puts the bytes back. */
async function peekFirstPart(req: Readable, boundary: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  try {
    while (size < limit) {
      const chunk: Buffer | null = req.read();
      if (chunk === null) {
        if (req.readableEnded) break;
        const more = await new Promise<boolean>((resolve) => {
          const onReadable = () => done(true);
          const onEnd = () => done(false);
          const done = (v: boolean) => {
            req.off('readable', onReadable).off('end', onEnd).off('error', onEnd);
            resolve(v);
          };
          req.on('readable', onReadable).on('end', onEnd).on('error', onEnd);
        });
        if (!more) break;
        continue;
      }
      chunks.push(chunk);
      size += chunk.length;
      if (Buffer.concat(chunks).includes(delimiter)) break;
    }
  } finally {
    if (chunks.length > 0) req.unshift(Buffer.concat(chunks));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The temp folder refused an upload's file: a full disk (`full`), or another system error (no rights, no folder). */
export class UploadTempError extends Error {
  override name = 'UploadTempError';
  /** The system error's code, e.g. ENOSPC. */
  readonly code: string | undefined;
  constructor(
    readonly dir: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(`The upload could not be written to the temp folder ${dir}: ${cause.message}`, { cause });
    this.code = cause.code;
  }

  get full(): boolean {
    return isStorageFull(this);
  }
}

/** What graphql-upload's file holds beside its public fields: fs-capacitor 8's WriteStream, and the internals used here. */
interface Capacitor extends Writable {
  _fd: number | null;
  _pos: number;
  _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
}

type Logger = Pick<Console, 'warn'>;

/**
 * Makes a failure of the temp file reach whoever reads the upload. fs-capacitor's WriteStream does not destroy
 * itself when a write fails (autoDestroy: false): it only emits 'error', so its readers wait forever for bytes that
 * never come, and its 0-byte temp file stays until the response ends (and, with a reader waiting, for good).
 * Here the first error destroys it with that error: every reader fails at once, the temp file is closed and
 * removed, and createReadStream throws the same error. A short write (some bytes fit, the rest did not) is
 * completed or fails with the reason, instead of leaving a hole that readers wait on.
 */
function failFast(file: FileUpload, dir: string, logger: Logger): void {
  const capacitor = (file as FileUpload & { capacitor?: Capacitor }).capacitor;
  if (!capacitor) return;
  let failure: UploadTempError | undefined;
  const fail = (err: unknown) => {
    // graphql-upload destroys the capacitor itself, with an HTTP error, for a file over its limit or a broken
    // request; those reach the readers already. Only the temp file's own (system) errors are handled here.
    if (failure || typeof (err as NodeJS.ErrnoException | null)?.syscall !== 'string') return;
    failure = new UploadTempError(dir, err as NodeJS.ErrnoException);
    logger.warn(
      `uploads: ${failure.message}${failure.full ? ' (the disk is full)' : ''}; the request is answered ${failure.full ? 'STORAGE_FULL' : 'with an internal error'}`,
    );
    capacitor.destroy(failure);
  };
  capacitor.on('error', fail);
  if (capacitor.errored) fail(capacitor.errored);

  capacitor._write = function writeAll(chunk, encoding, callback) {
    if (typeof capacitor._fd !== 'number') {
      capacitor.once('ready', () => capacitor._write(chunk, encoding, callback));
      return;
    }
    const fd = capacitor._fd;
    const from = (offset: number): void => {
      fs.write(fd, chunk, offset, chunk.length - offset, capacitor._pos + offset, (error, written) => {
        if (error) return callback(error);
        if (written === 0) return callback(Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }));
        if (offset + written < chunk.length) return from(offset + written);
        capacitor._pos += chunk.length;
        capacitor.emit('write');
        callback();
      });
    };
    from(0);
  };

  const createReadStream = file.createReadStream;
  file.createReadStream = (options) => {
    if (failure) throw failure;
    return createReadStream(options);
  };
}

/** Every Upload placed in the operations (at the paths the map names), found without recursion. */
function uploadsIn(operations: unknown): Set<Upload> {
  const found = new Set<Upload>();
  const stack: unknown[] = [operations];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value instanceof Upload) found.add(value);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stack.push(v);
  }
  return found;
}

/** Files one importPhotos request may carry (every other operation: one). */
export const MAX_IMPORT_FILES = 20;

/** Multipart requests whose uploaded file has arrived whole (written to its temp file). */
const filesReceived = new WeakSet<object>();

/** Whether a multipart request's file has all arrived: its resolvers may be running although its body has not ended. */
export const uploadReceived = (req: object): boolean => filesReceived.has(req);

/** graphql-upload's middleware, with the file limit of the operation the request carries. */
export function multipartUploads(limits: { photoBytes: number; videoBytes: number }, logger: Logger = console) {
  return graphqlUploadExpress({
    maxFiles: 1,
    maxFieldSize: MAX_FIELD_BYTES,
    processRequest: async (req, res, options) => {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec((req as Request).headers['content-type'] ?? '');
      const head = boundary ? await peekFirstPart(req as Readable, boundary[1] ?? boundary[2]!, MAX_FIELD_BYTES + 64 * 1024) : '';
      const video = /recognizeVideo/.test(head);
      const maxFiles = /importPhotos/.test(head) ? MAX_IMPORT_FILES : 1;
      const operations = await processRequest(req, res, { ...options, maxFiles, maxFileSize: video ? limits.videoBytes : limits.photoBytes });
      // The file's temp file is opened and written asynchronously: this runs before its first write can fail.
      const dir = os.tmpdir();
      const uploads = uploadsIn(operations);
      let arriving = uploads.size;
      for (const upload of uploads) {
        upload.promise.then(
          (file) => {
            failFast(file, dir, logger);
            (file as FileUpload & { capacitor?: Capacitor }).capacitor?.once('finish', () => {
              if (--arriving === 0) filesReceived.add(req);
            });
          },
          () => undefined,
        );
      }
      return operations;
    },
  });
}

/** graphql-upload's temp files (fs-capacitor's names, in the system temp folder). */
const UPLOAD_TEMP_RE = /^capacitor-[0-9a-f]+\.tmp$/;
/** A temp file untouched this long belongs to no live request: the process that wrote it was killed. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

/** Removes upload temp files a killed process left behind (untouched for an hour); returns how many. */
export function removeStaleUploads(dir: string, now = Date.now()): number {
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!UPLOAD_TEMP_RE.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || now - st.mtimeMs < STALE_UPLOAD_MS) continue;
      fs.rmSync(file, { force: true });
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
