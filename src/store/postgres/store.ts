// The Store on PostgreSQL (DATABASE_URL=postgres://…): a pool of connections shared by the tables, migrations
// recorded in schema_migrations, and the face change feed that keeps every replica's index in step. A write
// transaction first takes the feed's advisory lock, so writers queue in one order and the feed numbers their
// face changes without gaps (and no two writers can deadlock on it halfway through).
import pg from 'pg';
import type { GalleryPeek, Store } from '../store.js';
import { checkout, connectionConfig, describeUrl, storeError, Sql } from './connection.js';
import { PostgresFaces } from './faces.js';
import { PostgresFeed } from './feed.js';
import { PostgresImportedPhotos } from './imported-photos.js';
import { migrate } from './migrate.js';
import { PostgresPeople } from './people.js';
import { PostgresVideoJobs } from './video-jobs.js';

/** The change feed's lock (the bytes of "face"); the trigger of migration 003 takes the same one. */
export const FEED_LOCK = 1717658469;
const POOL_SIZE = 10;

export class PostgresStore<JobOptions = unknown> implements Store<JobOptions> {
  readonly engine = 'postgres' as const;
  readonly people: PostgresPeople;
  readonly faces: PostgresFaces;
  readonly importedPhotos: PostgresImportedPhotos;
  readonly videoJobs: PostgresVideoJobs<JobOptions>;
  readonly sharedVideoJobs: PostgresVideoJobs<JobOptions>;
  readonly feed: PostgresFeed;
  readonly location: string;
  private readonly sql: Sql;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    logger: Pick<Console, 'warn' | 'error'>,
  ) {
    this.sql = new Sql(pool);
    this.people = new PostgresPeople(this.sql);
    this.faces = new PostgresFaces(this.sql);
    this.importedPhotos = new PostgresImportedPhotos(this.sql);
    this.videoJobs = new PostgresVideoJobs<JobOptions>(this.sql, url);
    this.sharedVideoJobs = this.videoJobs;
    this.feed = new PostgresFeed(url, this.sql, logger);
    this.location = describeUrl(url);
  }

  static describe(url: string): string {
    return describeUrl(url);
  }

  /** Connects and brings the schema up to date. */
  static async open<JobOptions = unknown>(url: string, logger: Pick<Console, 'warn' | 'error'>): Promise<PostgresStore<JobOptions>> {
    const pool = new pg.Pool({ ...connectionConfig(url), max: POOL_SIZE, idleTimeoutMillis: 30_000 });
    // An idle connection the server closed (a restart) is dropped from the pool; the next call opens another.
    pool.on('error', (err) => logger.warn(`database: an idle connection was closed (${err.message})`));
    try {
      const { client, release } = await checkout(pool);
      try {
        await migrate(client);
      } finally {
        release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw storeError(err);
    }
    return new PostgresStore<JobOptions>(pool, url, logger);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.sql.transactionClient.getStore()) return fn();
    const { client, release } = await checkout(this.pool);
    let failure: unknown;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK]);
      const result = await this.sql.transactionClient.run(client, fn);
      try {
        await client.query('COMMIT');
      } catch (err) {
        // The commit may or may not have reached the server before the connection broke.
        failure = err;
        throw storeError(err, true);
      }
      return result;
    } catch (err) {
      if (failure === undefined) {
        failure = err;
        await client.query('ROLLBACK').catch(() => undefined);
      }
      throw storeError(err);
    } finally {
      release(failure);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed.close();
    await this.pool.end();
  }
}

/** Face rows in the database without changing anything (no migration), or 0 when it has no faces table yet. */
export async function peekPostgresFaceCount(url: string, photoNames: string[] = []): Promise<GalleryPeek> {
  const client = new pg.Client(connectionConfig(url));
  client.on('error', () => undefined);
  try {
    await client.connect();
    const hasTable = async (name: string) =>
      (await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name])).rows[0]?.t != null;
    if (!(await hasTable('faces'))) return { faces: 0, erased: 0 };
    const faces = Number((await client.query<{ n: number }>('SELECT count(*) AS n FROM faces')).rows[0]!.n);
    if (photoNames.length === 0 || !(await hasTable('erased_photos'))) return { faces, erased: 0 };
    const erased = await client.query<{ n: number }>('SELECT count(*) AS n FROM erased_photos WHERE file_name = ANY($1::text[])', [photoNames]);
    return { faces, erased: Number(erased.rows[0]!.n) };
  } catch (err) {
    throw storeError(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}
