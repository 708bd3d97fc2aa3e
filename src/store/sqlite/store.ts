// The Store on SQLite: one better-sqlite3 connection (WAL) in <dataDir>/faces.db. The tables' calls are
// synchronous underneath and answered as settled promises. A transaction is BEGIN IMMEDIATE … COMMIT around an
// async function; while one is open, calls from outside it wait for it to end (they share the one connection
// and must neither see its uncommitted rows nor join it).
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FacesStore } from '../faces.js';
import type { PeopleStore } from '../people.js';
import type { Store } from '../store.js';
import type { VideoJobsStore } from '../video-jobs.js';
import { openDb, type Db } from './db.js';
import { SqliteFaces } from './faces.js';
import { SqlitePeople } from './people.js';
import { SqliteVideoJobs } from './video-jobs.js';

export const DB_FILE = 'faces.db';

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

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly feed = null;
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly videoJobs: VideoJobsStore;
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Resolves when the open transaction ends; undefined while none is open. */
  private open: Promise<void> | undefined;
  /** The queue of transactions waiting to begin. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly db: Db,
    /** The database file. */
    readonly location: string,
  ) {
    const blocking = () => (this.inTransaction.getStore() ? undefined : this.open);
    this.people = asyncTable(new SqlitePeople(db), blocking);
    this.faces = asyncTable(new SqliteFaces(db), blocking);
    this.videoJobs = asyncTable(new SqliteVideoJobs(db), blocking);
  }

  static fileIn(dataDir: string): string {
    return path.join(dataDir, DB_FILE);
  }

  /** Opens (creating and migrating if needed) `<dataDir>/faces.db`. */
  static open(dataDir: string): SqliteStore {
    const file = SqliteStore.fileIn(dataDir);
    return new SqliteStore(openDb(file), file);
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
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

/**
 * Face rows in `<dataDir>/faces.db`, read without writing anything (no migration, no WAL reset), or 0 when there is
 * no such database or table.
 */
export function peekSqliteFaceCount(dataDir: string): number {
  const file = SqliteStore.fileIn(dataDir);
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return 0;
  // Opening may create an empty -wal and -shm; those that were not there before are removed again.
  const created = ['-wal', '-shm'].map((s) => file + s).filter((f) => !fs.existsSync(f));
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'faces'").get();
    return table ? (db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n : 0;
  } catch {
    return 0;
  } finally {
    db?.close();
    for (const f of created) if (fs.existsSync(f) && fs.statSync(f).size === 0) fs.rmSync(f);
  }
}
