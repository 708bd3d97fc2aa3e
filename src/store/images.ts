// Stored photos on disk: `<uuid>.<ext>` files in one folder, written atomically (temp name, fsync, rename).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** Extensions the service stores and serves, with their content types. */
export const IMAGE_CONTENT_TYPES = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
} as const;

export type StoredExt = keyof typeof IMAGE_CONTENT_TYPES;

/** The only names a stored photo can have: a lower-case UUID and one of the stored extensions. */
export const IMAGE_FILE_RE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jpg|png|webp|bmp|gif)$/;
/** Temp files of writes that never got renamed (the process died); removed at start-up. */
const TEMP_FILE_RE = /^\.tmp-[0-9a-f-]{36}$/;

export const imageFileName = (imageId: string, ext: StoredExt): string => `${imageId}.${ext}`;

export const contentTypeOf = (fileName: string): string | undefined => {
  const m = IMAGE_FILE_RE.exec(fileName);
  return m ? IMAGE_CONTENT_TYPES[m[2] as StoredExt] : undefined;
};

export class ImageFiles {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Absolute path of a stored photo; throws on any name that is not a stored-photo name. */
  pathOf(fileName: string): string {
    if (!IMAGE_FILE_RE.test(fileName)) throw new Error(`Not a stored image name: ${JSON.stringify(fileName)}`);
    return path.join(this.dir, fileName);
  }

  /** Writes a photo atomically (see writeFileAtomic). */
  async write(fileName: string, bytes: Buffer): Promise<void> {
    await writeFileAtomic(this.pathOf(fileName), bytes);
  }

  /** Removes a stored photo; a missing file is not an error. */
  async remove(fileName: string): Promise<void> {
    await fs.promises.rm(this.pathOf(fileName), { force: true });
  }

  removeSync(fileName: string): void {
    fs.rmSync(this.pathOf(fileName), { force: true });
  }

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
