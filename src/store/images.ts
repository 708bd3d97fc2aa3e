// Stored photos on disk: `<uuid>.<ext>` files in one folder, written atomically (temp name, fsync, rename).
// A photo is first written as `.pending-<uuid>.<ext>` and takes its final name only once its row is committed,
// so a pending name is the positive mark of an unfinished enrolment. Likewise a photo being deleted is first
// renamed `.deleted-<uuid>.<ext>`, then its row is deleted, then the file: the name marks an unfinished deletion.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FileSource, MarkedPhotos, PhotoMark, PhotoStore } from './photo-store.js';

/** Extensions the service stores and serves, with their content types. */
export const IMAGE_CONTENT_TYPES = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
  tiff: 'image/tiff',
} as const;

export type StoredExt = keyof typeof IMAGE_CONTENT_TYPES;

/** The only names a stored photo can have: a lower-case UUID and one of the stored extensions. */
export const IMAGE_FILE_RE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jpg|png|webp|bmp|gif|tiff)$/;
/** Temp files of writes that never got renamed (the process died); removed at start-up. */
const TEMP_FILE_RE = /^\.tmp-[0-9a-f-]{36}$/;
const PENDING_PREFIX = '.pending-';
const DELETED_PREFIX = '.deleted-';

export const imageFileName = (imageId: string, ext: StoredExt): string => `${imageId}.${ext}`;

export const contentTypeOf = (fileName: string): string | undefined => {
  const m = IMAGE_FILE_RE.exec(fileName);
  return m ? IMAGE_CONTENT_TYPES[m[2] as StoredExt] : undefined;
};

/** The local photo store: one folder on this machine's disk. */
export class ImageFiles implements PhotoStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get location(): string {
    return this.dir;
  }

  /** Absolute path of a stored photo; throws on any name that is not a stored-photo name. */
  pathOf(fileName: string): string {
    if (!IMAGE_FILE_RE.test(fileName)) throw new Error(`Not a stored image name: ${JSON.stringify(fileName)}`);
    return path.join(this.dir, fileName);
  }

  /** Writes a photo under its pending name (see the top of this file). */
  async writePending(fileName: string, bytes: Buffer): Promise<void> {
    await writeFileAtomic(this.marked(PENDING_PREFIX, fileName), bytes);
  }

  /** Gives a pending photo its final name, once its row is committed. */
  async promote(fileName: string): Promise<void> {
    await fs.promises.rename(this.marked(PENDING_PREFIX, fileName), this.pathOf(fileName));
  }

  async removePending(fileName: string): Promise<void> {
    await fs.promises.rm(this.marked(PENDING_PREFIX, fileName), { force: true });
  }

  /**
   * Marks a stored photo as being deleted, before its row is; a missing file is not an error (another request may
   * have marked it: whichever deletion commits removes every copy, see removeErased).
   */
  async markDeleted(fileName: string): Promise<void> {
    await fs.promises.rename(this.pathOf(fileName), this.marked(DELETED_PREFIX, fileName)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Gives a photo marked as being deleted its name back (its row was not deleted after all). */
  async unmarkDeleted(fileName: string): Promise<void> {
    await fs.promises.rename(this.marked(DELETED_PREFIX, fileName), this.pathOf(fileName)).catch(() => undefined);
  }

  async removeErased(fileName: string): Promise<void> {
    // The final name too: a request that lost a race to delete the same photo may have given it its name back.
    for (const file of [this.marked(DELETED_PREFIX, fileName), this.pathOf(fileName), this.marked(PENDING_PREFIX, fileName)]) {
      await fs.promises.rm(file, { force: true });
    }
  }

  /** Final names of the photos left pending (enrolment) or marked deleted (deletion) by an interrupted run. */
  listMarked(): { pending: string[]; deleted: string[] } {
    const names = fs.readdirSync(this.dir);
    const marked = (prefix: string) =>
      names
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length))
        .filter((f) => IMAGE_FILE_RE.test(f));
    return { pending: marked(PENDING_PREFIX), deleted: marked(DELETED_PREFIX) };
  }

  /** At start-up: the interrupted step is finished (`done`: rename to the final name) or undone (the file goes). */
  settleSync(fileName: string, mark: 'pending' | 'deleted', keep: boolean): void {
    const from = this.marked(mark === 'pending' ? PENDING_PREFIX : DELETED_PREFIX, fileName);
    if (keep) fs.renameSync(from, this.pathOf(fileName));
    else for (const file of [from, this.pathOf(fileName)]) fs.rmSync(file, { force: true });
  }

  private marked(prefix: string, fileName: string): string {
    return path.join(this.dir, prefix + path.basename(this.pathOf(fileName)));
  }

  /** Removes a stored photo; a missing file is not an error. */
  async remove(fileName: string): Promise<void> {
    await fs.promises.rm(this.pathOf(fileName), { force: true });
  }

  async read(fileName: string): Promise<Buffer | undefined> {
    return fs.promises.readFile(this.pathOf(fileName)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
  }

  sourceOf(fileName: string): FileSource {
    return { folder: this.dir, parts: [path.basename(this.pathOf(fileName))] };
  }

  async listPhotos(): Promise<string[]> {
    return this.list();
  }

  /** On one machine's disk a mark is settled at once: no other process writes to this folder. */
  async listMarks(): Promise<MarkedPhotos> {
    return { ...this.listMarked(), recent: 0 };
  }

  async settle(fileName: string, mark: PhotoMark, keep: boolean): Promise<void> {
    this.settleSync(fileName, mark, keep);
  }

  async removeLeftovers(): Promise<number> {
    return this.removeTemps();
  }

  close(): void {}

  /** Names of the stored photos present on disk (other files are ignored). */
  list(): string[] {
    return fs.readdirSync(this.dir).filter((f) => IMAGE_FILE_RE.test(f));
  }

  /** Deletes temp files left by interrupted writes; returns how many. */
  removeTemps(): number {
    const temps = fs.readdirSync(this.dir).filter((f) => TEMP_FILE_RE.test(f));
    for (const f of temps) fs.rmSync(path.join(this.dir, f), { force: true });
    return temps.length;
  }
}

/** Prefix of the temp names writeFileAtomic uses; start-up removes what a killed process left. */
export const TEMP_PREFIX = '.tmp-';

/**
 * Writes the bytes under a temp name in the same folder, flushes them to disk and renames into place,
 * so the final name only ever holds a complete file.
 */
export async function writeFileAtomic(file: string, bytes: Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `${TEMP_PREFIX}${randomUUID()}`);
  try {
    const fh = await fs.promises.open(temp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}
