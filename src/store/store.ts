// The service's database as one object: the people, faces and video job tables over one SQLite connection.
// Everything above the store (gallery, video jobs) talks to these methods, never to SQL.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb, type Db } from './db.js';
import { FacesStore } from './faces.js';
import { PeopleStore } from './people.js';
import { VideoJobsStore } from './video-jobs.js';

export const DB_FILE = 'faces.db';

export class Store {
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly videoJobs: VideoJobsStore;
  private closed = false;

  private constructor(
    private readonly db: Db,
    /** The database file. */
    readonly file: string,
  ) {
    this.people = new PeopleStore(db);
    this.faces = new FacesStore(db);
    this.videoJobs = new VideoJobsStore(db);
  }

  /** Opens (creating and migrating if needed) `<dataDir>/faces.db`. */
  static open(dataDir: string): Store {
    const file = path.join(dataDir, DB_FILE);
    return new Store(openDb(file), file);
  }

  /**
   * Face rows in `<dataDir>/faces.db`, read without writing anything (no migration, no WAL reset), or 0 when there is
   * no such database or table. For the check before opening: a damaged database must stay as it was found.
   */
  static peekFaceCount(dataDir: string): number {
    const file = path.join(dataDir, DB_FILE);
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

  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Everything in the WAL goes into faces.db, so the file alone is the whole gallery once the service has stopped.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
