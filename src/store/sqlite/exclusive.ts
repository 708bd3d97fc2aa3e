// Exclusive use of faces.db by one command (restore), refused while any other process has the database open.
//
// The lock is SQLite's own, on faces.db itself: every connection the service (or `npm run video`, or a backup)
// holds on a WAL database keeps a shared POSIX lock on the file for as long as it is open, whether idle or not.
// A connection in EXCLUSIVE locking mode needs the file's exclusive lock to read a WAL database, so it is refused
// (SQLITE_BUSY) while any such process lives, and the kernel drops a process's locks when it dies, kill -9
// included: a crashed service never blocks a restore, and there is no pid file to go stale or to guess about.
// Held for the whole restore, the same lock stops a service from opening the database half-way through it
// (setting WAL mode needs the exclusive lock too). POSIX locks end when their process closes any descriptor of the
// file: a process holding faces.db through SQLite must never open the file itself (fs.readFile and the like).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { isBusyError, type Db } from './db.js';

export class DatabaseInUseError extends Error {
  constructor(readonly file: string) {
    super(
      `${file} is open in another process: the service, \`npm run video\` or a backup is using this data folder. Stop it and try again; nothing was changed.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

export interface ExclusiveDatabase {
  /** Whether faces.db was there before (false: an empty placeholder was created to hold the lock). */
  readonly existed: boolean;
  /**
   * Puts `replacement` in place of faces.db while still holding the lock. The files it replaces (faces.db, -wal,
   * -shm) are kept under `keepAs` + the same suffix, byte for byte for the -wal; nothing is deleted. Releases the lock.
   */
  replaceWith(replacement: string, keepAs: string | null): void;
  /** Releases the lock without changing anything (a placeholder this created is removed again). */
  release(): void;
}

/**
 * Takes faces.db for this process alone, or throws DatabaseInUseError at once (no waiting) when another process
 * has it open. A missing faces.db is created empty to carry the lock. A file SQLite cannot read as a database
 * cannot be open in a service either: it is taken without a lock.
 */
export function lockDatabaseExclusively(file: string): ExclusiveDatabase {
  const existed = fs.existsSync(file);
  let db: Db | null = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first read takes the lock and keeps it: the exclusive one on a WAL database, a shared one on a
    // rollback-journal (or empty) database, which is enough to stop any other process from writing or enabling WAL.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    db = null;
    // (A file that was missing a moment ago and is busy now is a service's that has just created it.)
    if (isBusyError(err)) throw new DatabaseInUseError(file);
    if (!existed) throw err;
    // Not a database SQLite can read (damaged): nothing can be serving it; it is replaced and kept like any other.
  }

  // Rollback journal in memory: from here on, closing this connection touches no file by name — neither the -wal
  // (SQLite deletes it by name on close) nor a -journal, either of which would by then belong to the new faces.db.
  // Out of WAL mode, this first checkpoints the WAL into the file the connection has open.
  const leaveWal = () => db?.pragma('journal_mode = MEMORY');

  return {
    existed,
    replaceWith(replacement, keepAs) {
      const kept: string[] = [];
      try {
        if (existed && keepAs) {
          // The -wal and -shm get their kept names first (hard links), so leaving WAL mode cannot lose a byte of them.
          for (const suffix of ['-wal', '-shm']) {
            if (!fs.existsSync(file + suffix)) continue;
            keepCopy(file + suffix, keepAs + suffix);
            kept.push(suffix);
          }
          leaveWal();
          fs.renameSync(file, keepAs);
        } else {
          leaveWal();
        }
      } catch (err) {
        // Nothing replaced: a kept name whose original is still there is only a second name, removed again.
        for (const suffix of kept) if (fs.existsSync(file + suffix)) fs.rmSync(keepAs + suffix);
        db?.close();
        db = null;
        throw err;
      }
      try {
        // Stale -wal/-shm (kept above, or left beside a missing database) must not meet the new database.
        for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
        fs.renameSync(replacement, file);
      } finally {
        db?.close();
        db = null;
      }
    },
    release() {
      db?.close();
      db = null;
      if (!existed && fs.existsSync(file) && fs.statSync(file).size === 0) fs.rmSync(file);
    },
  };
}

/** A second name for `from` (a hard link; a copy where the file system has none). */
function keepCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}
