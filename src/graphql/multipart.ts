// Multipart uploads with a file limit per operation: a photo operation stops storing its file at MAX_UPLOAD_MB,
// only recognizeVideo may send up to MAX_VIDEO_MB. The spec puts the operations field first, so it is read (and
// put back) before graphql-upload starts writing the file to its temp folder.
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
