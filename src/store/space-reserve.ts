// A file of reserved disk space in the data folder. When the disk is full, deleting still needs a little room
// (SQLite writes the deletion to its WAL first): the reserve is given up for that, and taken again afterwards.
//
// The reserve is all or nothing. Taken again only when the whole of it fits, it never holds the last free bytes
// (a partial reserve would swallow, deletion after deletion, every byte the deletions free, and enrolments would
// never get any). What deletions free beyond the reserve — photos, and the WAL, which the store truncates after
// each write while space is short (see sqlite/store.ts) — is left to enrolments. The reserve comes first: on SQLite
// an enrolment is refused (STORAGE_FULL) while the reserve is not whole and cannot be taken, so that the deletion
// after the next fill-up still works.
import fs from 'node:fs';
import path from 'node:path';

export const RESERVE_FILE = '.space-reserve';
export const RESERVE_BYTES = 1024 * 1024;

/** Bytes free for this process on the disk holding `dir` (Infinity when the system cannot say). */
export function freeBytes(dir: string): number {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Infinity;
  }
}

export class SpaceReserve {
  readonly file: string;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, RESERVE_FILE);
  }

  /** Whether the whole reserve is there. */
  get held(): boolean {
    try {
      return fs.statSync(this.file).size === RESERVE_BYTES;
    } catch {
      return false;
    }
  }

  /**
   * Makes sure the whole reserve is there; false (and no reserve file) when it does not fit now — it is tried again
   * after the next deletion. A write that stores less than asked (a disk filling up) is a failure, not a reserve.
   */
  ensure(): boolean {
    if (this.held) return true;
    let fd: number | undefined;
    try {
      fs.rmSync(this.file, { force: true });
      // Not even tried when it cannot fit: the attempt would take the last free bytes from a concurrent write.
      if (freeBytes(this.dataDir) < RESERVE_BYTES) return false;
      fd = fs.openSync(this.file, 'wx');
      const zeros = Buffer.alloc(64 * 1024);
      for (let written = 0; written < RESERVE_BYTES;) {
        const n = fs.writeSync(fd, zeros, 0, Math.min(zeros.length, RESERVE_BYTES - written));
        if (n <= 0) throw new Error('short write');
        written += n;
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = undefined;
      if (fs.statSync(this.file).size !== RESERVE_BYTES) throw new Error('short write');
      return true;
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(this.file, { force: true });
      return false;
    }
  }

  /**
   * Runs `fn`; when it fails because the disk is full (`isFull`), runs it once more with the reserve released, then
   * takes the reserve again if it fits whole (it may not: enrolments then wait until deletions make room for it).
   */
  lendIfFull<T>(fn: () => T, isFull: (err: unknown) => boolean): T {
    try {
      return fn();
    } catch (err) {
      if (!isFull(err) || !this.release()) throw err;
    }
    try {
      return fn();
    } finally {
      this.ensure();
    }
  }

  /** Frees the reserved space; false when there was none to free. */
  release(): boolean {
    if (!fs.existsSync(this.file)) return false;
    fs.rmSync(this.file, { force: true });
    return true;
  }
}
