// Multipart uploads with a file limit per operation: a photo operation stops storing its file at MAX_UPLOAD_MB,
// only recognizeVideo may send up to MAX_VIDEO_MB. The spec puts the operations field first, so it is read (and
// put back) before graphql-upload starts writing the file to its temp folder.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import processRequest from 'graphql-upload/processRequest.mjs';

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

/** graphql-upload's middleware, with the file limit of the operation the request carries. */
export function multipartUploads(limits: { photoBytes: number; videoBytes: number }) {
  return graphqlUploadExpress({
    maxFiles: 1,
    maxFieldSize: MAX_FIELD_BYTES,
    processRequest: async (req, res, options) => {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec((req as Request).headers['content-type'] ?? '');
      const head = boundary ? await peekFirstPart(req as Readable, boundary[1] ?? boundary[2]!, MAX_FIELD_BYTES + 64 * 1024) : '';
      const video = /recognizeVideo/.test(head);
      return processRequest(req, res, { ...options, maxFileSize: video ? limits.videoBytes : limits.photoBytes });
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
