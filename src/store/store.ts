// The service's database as one object: the people, faces and video job tables, transactions, and (on an engine
// several processes share) the change feed of the face index. Everything above the store (gallery, video jobs)
// talks to this interface, never to SQL. SQLite (sqlite/store.ts) is the default; DATABASE_URL=postgres://…
// selects PostgreSQL (postgres/store.ts).
import type { FacesStore } from './faces.js';
import type { FaceFeed } from './feed.js';
import type { ImportedPhotosStore } from './imported-photos.js';
import type { PeopleStore } from './people.js';
import type { VideoJobsStore } from './video-jobs.js';
import type { SharedVideoJobsStore } from './video-job-queue.js';
import { peekSqliteFaceCount, SqliteStore } from './sqlite/store.js';
import { peekPostgresFaceCount, PostgresStore } from './postgres/store.js';

export type StoreEngine = 'sqlite' | 'postgres';

/** `JobOptions`: the shape of the options the video jobs' rows keep as JSON, which the caller owns. */
export interface Store<JobOptions = unknown> {
  readonly engine: StoreEngine;
  /** Where the rows are, for messages: the SQLite file, or the PostgreSQL database's URL without its password. */
  readonly location: string;
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly importedPhotos: ImportedPhotosStore;
  readonly videoJobs: VideoJobsStore<JobOptions>;
  /**
   * The same video_jobs table with the queue several processes take jobs from (PostgreSQL: pg-boss, a lock per
   * worker); null when one process owns the database (SQLite).
   */
  readonly sharedVideoJobs: SharedVideoJobsStore<JobOptions> | null;
  /** The numbered feed of face additions and removals; null when one process owns the database (SQLite). */
  readonly feed: FaceFeed | null;
  /**
   * Runs `fn` in one transaction: every table call it makes (awaited inside it) commits together or none does.
   * Transactions run one at a time; on PostgreSQL they hold the change feed's lock, so feed numbers commit in order.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export interface StoreLocation {
  /** Holds faces.db when no database URL is given. */
  dataDir: string;
  /** postgres://…: the PostgreSQL database instead of SQLite. */
  databaseUrl?: string;
}

export interface OpenStoreOptions extends StoreLocation {
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** Opens (creating and migrating if needed) the database the settings name. */
export async function openStore<JobOptions = unknown>(opts: OpenStoreOptions): Promise<Store<JobOptions>> {
  if (opts.databaseUrl) return PostgresStore.open<JobOptions>(opts.databaseUrl, opts.logger ?? console);
  return SqliteStore.open<JobOptions>(opts.dataDir, opts.logger);
}

/**
 * Face rows in the database, and how many of `photoNames` it records as erased, read without writing anything (no
 * migration), or 0 when there is no such database or table. For the check before opening: a damaged database must
 * stay as it was found.
 */
export function peekGallery(where: StoreLocation, photoNames: string[] = []): Promise<GalleryPeek> {
  return where.databaseUrl ? peekPostgresFaceCount(where.databaseUrl, photoNames) : Promise.resolve(peekSqliteFaceCount(where.dataDir, photoNames));
}

/** What a look into a database without opening it for writing found. */
export interface GalleryPeek {
  /** Face rows. */
  faces: number;
  /** How many of the photo names asked about are on record as erased (their deletion committed). */
  erased: number;
}

/** The database's name for messages: the SQLite file or the PostgreSQL URL without its password. */
export function storeLocation(where: StoreLocation): string {
  return where.databaseUrl ? PostgresStore.describe(where.databaseUrl) : SqliteStore.fileIn(where.dataDir);
}
