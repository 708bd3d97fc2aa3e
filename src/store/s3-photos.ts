// Stored photos in an S3-compatible bucket: `<prefix>images/<uuid>.<ext>`. S3 has no rename, so the marks are
// small objects beside the photos instead of names: `images/.pending/<name>` is written before the photo and
// deleted once its row is committed; `images/.deleted/<name>` is written before a photo's row is deleted and
// removed after the photo. A mark outlives the photo it marks (the photo goes first), so a mark without its photo
// only means the step had got that far. Each object is written whole (S3 shows it complete or not at all).
import { contentTypeOf, IMAGE_FILE_RE } from './images.js';
import type { FileSource, MarkedPhotos, PhotoMark, PhotoStore } from './photo-store.js';
import type { S3Objects } from './s3.js';

const PENDING = '.pending/';
const DELETED = '.deleted/';
/** Marks younger than this may belong to another replica still enrolling or deleting; a later start settles them. */
export const DEFAULT_SETTLE_AFTER_MS = 10 * 60 * 1000;

export interface S3PhotoStoreOptions {
  /** Marks at least this old are settled at start-up (default 10 minutes). */
  settleAfterMs?: number;
}

export class S3PhotoStore implements PhotoStore {
  private readonly settleAfterMs: number;

  constructor(
    /** The bucket's images/ folder. */
    readonly objects: S3Objects,
    opts: S3PhotoStoreOptions = {},
  ) {
    this.settleAfterMs = opts.settleAfterMs ?? DEFAULT_SETTLE_AFTER_MS;
  }

  get location(): string {
    return this.objects.location;
  }

  async writePending(fileName: string, bytes: Buffer): Promise<void> {
    await this.objects.put(PENDING + checked(fileName), Buffer.alloc(0));
    await this.objects.put(fileName, bytes, contentTypeOf(fileName));
  }

  async promote(fileName: string): Promise<void> {
    await this.objects.delete(PENDING + checked(fileName));
  }

  async removePending(fileName: string): Promise<void> {
    await this.objects.delete(checked(fileName));
    await this.objects.delete(PENDING + fileName);
  }

  async markDeleted(fileName: string): Promise<void> {
    await this.objects.put(DELETED + checked(fileName), Buffer.alloc(0));
  }

  async unmarkDeleted(fileName: string): Promise<void> {
    await this.objects.delete(DELETED + checked(fileName));
  }

  async removeErased(fileName: string): Promise<void> {
    await this.objects.delete(checked(fileName));
    await this.objects.delete(DELETED + fileName);
    await this.objects.delete(PENDING + fileName);
  }

  async remove(fileName: string): Promise<void> {
    await this.objects.delete(checked(fileName));
  }

  async read(fileName: string): Promise<Buffer | undefined> {
    return this.objects.read(checked(fileName));
  }

  sourceOf(fileName: string): FileSource {
    return { objects: this.objects, name: checked(fileName) };
  }

  /** Photos under their final standing: a photo still marked pending or deleted is left out, as on disk. */
  async listPhotos(): Promise<string[]> {
    const namesIn = async (folder: string) => (await this.objects.list(folder, true)).map((o) => o.name.slice(folder.length));
    const marked = new Set([...(await namesIn(PENDING)), ...(await namesIn(DELETED))]);
    return (await this.objects.list('', true)).map((o) => o.name).filter((n) => IMAGE_FILE_RE.test(n) && !marked.has(n));
  }

  async listMarks(): Promise<MarkedPhotos> {
    const before = Date.now() - this.settleAfterMs;
    let recent = 0;
    const marked = async (folder: string) => {
      const names: string[] = [];
      for (const o of await this.objects.list(folder, true)) {
        const name = o.name.slice(folder.length);
        if (!IMAGE_FILE_RE.test(name)) continue;
        if (o.lastModified.getTime() > before) recent++;
        else names.push(name);
      }
      return names;
    };
    const pending = await marked(PENDING);
    const deleted = await marked(DELETED);
    return { pending, deleted, recent };
  }

  async settle(fileName: string, mark: PhotoMark, keep: boolean): Promise<void> {
    const folder = mark === 'pending' ? PENDING : DELETED;
    if (!keep) await this.objects.delete(checked(fileName));
    await this.objects.delete(folder + checked(fileName));
  }

  /** Nothing is half-written on S3: an object is there whole or not at all. */
  async removeLeftovers(): Promise<number> {
    return 0;
  }

  close(): void {
    this.objects.close();
  }
}

function checked(fileName: string): string {
  if (!IMAGE_FILE_RE.test(fileName)) throw new Error(`Not a stored image name: ${JSON.stringify(fileName)}`);
  return fileName;
}
