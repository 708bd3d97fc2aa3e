// Objects in an S3-compatible bucket under one key prefix: the few calls the photo store and the video outputs
// need (put, streamed get with ranges, delete, list), with every failure to reach the storage turned into one
// coded error, StorageUnavailableError.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StorageUnavailableError } from './errors.js';

export { StorageUnavailableError };

/** Where the objects are and how to reach them (PHOTO_STORE, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, AWS_*). */
export interface S3Settings {
  /** s3://bucket/prefix */
  url: string;
  /** e.g. http://127.0.0.1:8333; absent: AWS itself. */
  endpoint?: string;
  region: string;
  /** bucket in the path (http://host/bucket/key) rather than in the host name; what self-hosted servers want. */
  forcePathStyle: boolean;
  /** Absent: the SDK's own chain (shared credentials file, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export const S3_URL_RE = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** The bucket and the key prefix ("" or ending in "/") of an s3:// URL. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = S3_URL_RE.exec(url);
  if (!m) throw new Error(`Expected s3://bucket/prefix but received ${JSON.stringify(url)}`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: m[1] as string, prefix: prefix ? `${prefix}/` : '' };
}

/** An object being read: its bytes as a stream, and which of them (a range answers 206). */
export interface ObjectRead {
  body: Readable;
  /** Bytes in this answer. */
  length: number;
  /** e.g. "bytes 0-99/1000" when a range was asked for. */
  contentRange?: string;
  etag?: string;
  lastModified?: Date;
}

export interface ListedObject {
  /** The key after the listed prefix. */
  name: string;
  lastModified: Date;
}

interface S3Failure {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const statusOf = (err: unknown): number | undefined => (err as S3Failure | null)?.$metadata?.httpStatusCode;
const isMissing = (err: unknown): boolean => {
  const e = err as S3Failure | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (statusOf(err) === 404 && e?.name !== 'NoSuchBucket');
};

export class S3Objects {
  readonly bucket: string;
  /** "" or ending in "/"; every key this object uses starts with it. */
  readonly prefix: string;
  private readonly client: S3Client;
  private closed = false;

  constructor(
    readonly settings: S3Settings,
    /** A sub-folder under the URL's prefix (e.g. "images/"). */
    under = '',
  ) {
    const { bucket, prefix } = parseS3Url(settings.url);
    this.bucket = bucket;
    this.prefix = prefix + under;
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint && { endpoint: settings.endpoint }),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.credentials && { credentials: settings.credentials }),
      // Checksums only where S3 requires them: self-hosted servers do not all take the newer trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 60_000 },
    });
  }

  /** For messages: s3://bucket/prefix. */
  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  keyOf(name: string): string {
    return this.prefix + name;
  }

  /** Writes an object whole: S3 makes it visible complete or not at all. */
  async put(name: string, bytes: Buffer, contentType?: string): Promise<void> {
    await this.call(`write ${name}`, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name), Body: bytes, ContentType: contentType })),
    );
  }

  /** Uploads a local file, streamed (one request: up to 5 GB). */
  async putFile(name: string, file: string, contentType?: string): Promise<void> {
    const { size } = await fs.promises.stat(file);
    await this.call(`write ${name}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(name),
          Body: fs.createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
        }),
      ),
    );
  }

  /**
   * Opens an object for reading, all of it or the HTTP `range` ("bytes=0-99"); undefined when there is no such
   * object. A range outside the object throws RangeNotSatisfiableError.
   */
  async get(name: string, range?: string): Promise<ObjectRead | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name), Range: range }));
      return {
        body: out.Body as Readable,
        length: out.ContentLength ?? 0,
        contentRange: out.ContentRange,
        etag: out.ETag,
        lastModified: out.LastModified,
      };
    } catch (err) {
      if (isMissing(err)) return undefined;
      if (statusOf(err) === 416) throw new RangeNotSatisfiableError(await this.sizeOf(name));
      throw this.unavailable(`read ${name}`, err);
    }
  }

  /** The whole object, or undefined when there is none. */
  async read(name: string): Promise<Buffer | undefined> {
    const got = await this.get(name);
    if (!got) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of got.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async sizeOf(name: string): Promise<number | undefined> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name) })).catch(() => undefined);
    return head?.ContentLength;
  }

  /** Deletes an object; a missing one is not an error. */
  async delete(name: string): Promise<void> {
    await this.call(`delete ${name}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name) })));
  }

  /**
   * Objects whose key starts with `under`, every page. With `direct`, only those right in that folder (no "/" after
   * it): what a folder listing shows.
   */
  async list(under = '', direct = false): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(`list ${under || '/'}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keyOf(under), ContinuationToken: token, ...(direct && { Delimiter: '/' }) }),
        ),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) out.push({ name: o.Key.slice(this.prefix.length), lastModified: o.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Deletes every object whose key starts with `under`. */
  async deleteUnder(under: string): Promise<number> {
    const objects = await this.list(under);
    for (const o of objects) await this.delete(o.name);
    return objects.length;
  }

  /** Closes the client's connections; closing again does nothing (the photo store and its owner may both close it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw this.unavailable(what, err);
    }
  }

  private unavailable(what: string, err: unknown): StorageUnavailableError {
    const e = err as S3Failure | null;
    const status = statusOf(err);
    const reason = [e?.name ?? e?.code, status && `HTTP ${status}`, e?.message].filter(Boolean).join(': ');
    return new StorageUnavailableError(`Could not ${what} in ${this.location}: ${reason || String(err)}`, { cause: err });
  }
}

/** The asked range lies outside the object (HTTP 416). */
export class RangeNotSatisfiableError extends Error {
  override name = 'RangeNotSatisfiableError';
  constructor(readonly size: number | undefined) {
    super('The requested range is not satisfiable.');
  }
}
