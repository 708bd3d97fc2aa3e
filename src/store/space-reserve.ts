// A file of reserved disk space in the data folder. When the disk is full, deleting still needs a little room
// (SQLite writes the deletion to its WAL first): the reserve is given up for that, and taken again afterwards.
import fs from 'node:fs';
import path from 'node:path';

export const RESERVE_FILE = '.space-reserve';
const RESERVE_BYTES = 1024 * 1024;

export class SpaceReserve {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, RESERVE_FILE);
  }

  /** Makes sure the reserve is there; false when there is no room for it now (it is tried again later). */
  ensure(): boolean {
    try {
      if (fs.existsSync(this.file) && fs.statSync(this.file).size === RESERVE_BYTES) return true;
      const fd = fs.openSync(this.file, 'w');
      try {
        fs.writeSync(fd, Buffer.alloc(RESERVE_BYTES));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      return true;
    } catch {
      fs.rmSync(this.file, { force: true });
      return false;
    }
  }

  /** Frees the reserved space; false when there was none to free. */
  release(): boolean {
    if (!fs.existsSync(this.file)) return false;
    fs.rmSync(this.file, { force: true });
    return true;
  }
}
