// Reads an `Upload` argument into memory, bounded by MAX_UPLOAD_MB, turning every transport failure into a coded error.
import type { GraphQLError } from 'graphql';
import type { Photo } from '../gallery.js';
import type { UploadArg } from './context.js';
import { userError } from './errors.js';

interface HttpishError {
  status?: number;
  message?: string;
}

function uploadError(err: unknown, maxUploadMb: number): GraphQLError {
  const e = (err ?? {}) as HttpishError;
  if (e.status === 413 && /max file uploads/.test(e.message ?? '')) return userError('BAD_USER_INPUT', 'Expected one file per request but received more.');
  if (e.status === 413) return userError('FILE_TOO_LARGE', `The file is larger than the ${maxUploadMb} MB limit.`);
  if (e.status === 400) return userError('BAD_USER_INPUT', e.message ?? 'The file is missing from the request.');
  // busboy's parse errors ("Unexpected end of form", ...) and a client that hung up.
  return userError('BAD_REQUEST', `The multipart request body is malformed: ${e.message ?? 'unreadable'}`);
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
      // graphql-upload already truncates at maxFileSize; this guards a caller that did not set it.
      if (size > maxBytes) throw Object.assign(new Error('too large'), { status: 413 });
      chunks.push(buf);
    }
    return { bytes: Buffer.concat(chunks, size), filename: upload.filename ?? '' };
  } catch (err) {
    throw uploadError(err, maxUploadMb);
  }
}
