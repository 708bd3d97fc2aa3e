// The Store on SQLite: one better-sqlite3 connection (WAL) in <dataDir>/faces.db. The tables' calls are
// synchronous underneath and answered as settled promises. A transaction is BEGIN IMMEDIATE … COMMIT around an
// async function; while one is open, calls from outside it wait for it to end (they share the one connection
// and must neither see its uncommitted rows nor join it).
//
// A disk short of space: SQLite checkpoints the WAL only every 1000 pages and never gives its file back, so
// deletions on a nearly full disk would only move free space into the WAL (each appends pages, the photos they
// remove are a few KB). While less than LOW_SPACE_BYTES are free, every write transaction is followed by a TRUNCATE
// checkpoint, which returns the WAL's space to the disk. A checkpoint that fails (no room for faces.db to grow)
// leaves the WAL whole and is tried again after the next write. On close, and at open, the space reserve may be
// lent to the checkpoint: moving the WAL into faces.db frees at least what faces.db grows, so the reserve fits again.
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FacesStore } from '../faces.js';
import type { ImportedPhotosStore } from '../imported-photos.js';
import type { PeopleStore } from '../people.js';
import type { GalleryPeek, Store } from '../store.js';
import type { VideoJobsStore } from '../video-jobs.js';
import { freeBytes, SpaceReserve } from '../space-reserve.js';
import { databaseLockedError, isBusyError, openDb, type Db } from './db.js';
import { SqliteFaces } from './faces.js';
import { SqliteImportedPhotos } from './imported-photos.js';
import { SqlitePeople } from './people.js';
import { SqliteVideoJobs } from './video-jobs.js';

export const DB_FILE = 'faces.db';

/** Below this many free bytes on its disk, the WAL is checkpointed and truncated after every write transaction. */
export const LOW_SPACE_BYTES = 32 * 1024 * 1024;

const BUSY_TIMEOUT_MS = 5000;

const isDiskFull = (err: unknown): boolean => /^SQLITE_(FULL|IOERR)/.test(String((err as { code?: unknown }).code ?? ''));

/** The async form of a synchronous table. */
type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

/** Each method first waits while `blocking()` names an open transaction it is not part of, then runs at once. */
function asyncTable<T extends object>(table: T, blocking: () => Promise<void> | undefined): Async<T> {
  const out: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(table))) {
    const method = (table as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    out[name] = async (...args: unknown[]) => {
      for (let open = blocking(); open; open = blocking()) await open;
      return (method as (...a: unknown[]) => unknown).apply(table, args);
    };
  }
  return out as Async<T>;
}

export class SqliteStore<JobOptions = unknown> implements Store<JobOptions> {
  readonly engine = 'sqlite' as const;
  readonly feed = null;
  readonly sharedVideoJobs = null;
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly importedPhotos: ImportedPhotosStore;
  readonly videoJobs: VideoJobsStore<JobOptions>;
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Resolves when the open transaction ends; undefined while none is open. */
  private open: Promise<void> | undefined;
  /** The queue of transactions waiting to begin. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly reserve: SpaceReserve;

  private constructor(
    private readonly db: Db,
    /** The database file. */
    readonly location: string,
    private readonly logger: Pick<Console, 'warn'>,
  ) {
    this.reserve = new SpaceReserve(path.dirname(location));
    const blocking = () => (this.inTransaction.getStore() ? undefined : this.open);
    this.people = asyncTable(new SqlitePeople(db), blocking);
    this.faces = asyncTable(new SqliteFaces(db), blocking);
    this.importedPhotos = asyncTable(new SqliteImportedPhotos(db), blocking);
    this.videoJobs = asyncTable(new SqliteVideoJobs<JobOptions>(db), blocking);
  }

  static fileIn(dataDir: string): string {
    return path.join(dataDir, DB_FILE);
  }

  /**
   * Opens (creating and migrating if needed) `<dataDir>/faces.db`. On a full disk (SQLite cannot even size the -shm
   * it needs) the space reserve is lent to the open.
   */
  static open<JobOptions = unknown>(dataDir: string, logger: Pick<Console, 'warn'> = console): SqliteStore<JobOptions> {
    const file = SqliteStore.fileIn(dataDir);
    const db = new SpaceReserve(dataDir).lendIfFull(() => openDb(file), isDiskFull);
    const store = new SqliteStore<JobOptions>(db, file, logger);
    // A WAL a full disk kept at the last stop (or a crash left) goes into faces.db before anything else needs room.
    if (store.spaceIsShort()) store.trimWal(true);
    return store;
  }

  private spaceIsShort(): boolean {
    return freeBytes(path.dirname(this.location)) < LOW_SPACE_BYTES;
  }

  /**
   * Moves the WAL into faces.db and truncates it to 0 bytes; false when it could not (the WAL stays, whole, and
   * is replayed at the next open). After a write it does not wait for a reader in another process (a backup): it
   * tries again after the next one; with `wait` (closing) it waits for such a reader as long as a write would.
   * With `lendReserve`, a checkpoint the full disk refused is tried once more with the space reserve released,
   * which is then taken again (see the top of this file for why it fits again).
   */
  private trimWal(lendReserve: boolean, wait = false): boolean {
    const checkpoint = (): boolean => {
      if (!wait) this.db.pragma('busy_timeout = 0');
      try {
        const [r] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        return r?.busy === 0;
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    };
    try {
      return lendReserve ? this.reserve.lendIfFull(checkpoint, isDiskFull) : checkpoint();
    } catch {
      return false;
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return fn();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    const turn = this.queue;
    this.queue = mine;
    await turn;
    this.open = mine;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.inTransaction.run(true, fn);
        this.db.exec('COMMIT');
        if (this.spaceIsShort()) this.trimWal(false);
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.open = undefined;
      end();
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.open) await this.open;
    // Everything in the WAL goes into faces.db, so the file alone is the whole gallery once the service has stopped.
    // On a full disk that may be impossible: then the WAL stays beside faces.db, complete, and the next open
    // replays it; nothing is lost, and stopping is not an error.
    if (!this.trimWal(true, true)) {
      this.logger.warn(
        `face store: the WAL could not be moved into ${this.location} (the disk is full, or a backup is reading it); it stays beside it, whole, and the next start replays it`,
      );
    }
    this.db.close();
  }
}

/**
 * Face rows in `<dataDir>/faces.db`, read without writing anything (no migration, no WAL reset), or 0 when there is
 * no such database or table.
 */
export function peekSqliteFaceCount(dataDir: string, photoNames: string[] = []): GalleryPeek {
  const file = SqliteStore.fileIn(dataDir);
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return { faces: 0, erased: 0 };
  // Opening may create an empty -wal and -shm; those that were not there before are removed again.
  const created = ['-wal', '-shm'].map((s) => file + s).filter((f) => !fs.existsSync(f));
  const peek = (): GalleryPeek => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    try {
      const faces = hasTable('faces') ? (db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n : 0;
      const isErased = hasTable('erased_photos') ? db.prepare('SELECT 1 FROM erased_photos WHERE file_name = ?') : undefined;
      return { faces, erased: isErased ? photoNames.filter((n) => isErased.get(n) !== undefined).length : 0 };
    } finally {
      db.close();
    }
  };
  try {
    // On a full disk SQLite cannot size the -shm a WAL database is read through: the space reserve is lent for it.
    return new SpaceReserve(dataDir).lendIfFull(peek, isDiskFull);
  } catch (err) {
    // Held by a restore, or unreadable for want of space: "no faces" would be a guess, and would send the operator
    // to restore a backup over a gallery that is whole.
    if (isBusyError(err)) throw databaseLockedError(file);
    if (isDiskFull(err))
      throw new Error(
        `${file} cannot be read: the disk holding it is full (${(err as { code?: string }).code}). Free some space on it and start again; nothing was changed.`,
      );
    return { faces: 0, erased: 0 };
  } finally {
    for (const f of created) if (fs.existsSync(f) && fs.statSync(f).size === 0) fs.rmSync(f);
  }
}
