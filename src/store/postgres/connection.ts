// Connections to PostgreSQL (the `pg` client): the pool every table call goes through, the type parsers that
// give rows the same JavaScript shapes as SQLite's (numbers for bigint ids and counts, ISO-8601 strings for
// times), and the one place that tells "the database cannot be reached" from every other error.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ);

/** bigint → number (ids and counts stay far below 2^53); timestamptz → ISO-8601 UTC, as SQLite stores it. */
export const rowTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === TIMESTAMPTZ) return (v: string) => (parseTimestamp(v) as Date).toISOString();
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** What every connection of the service is called in pg_stat_activity. */
export const APPLICATION_NAME = 'face-service';

export function connectionConfig(url: string, applicationName = APPLICATION_NAME): pg.ClientConfig {
  return { connectionString: url, types: rowTypes, application_name: applicationName, connectionTimeoutMillis: 5000 };
}

/** A database URL without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** SQLSTATE classes and socket codes that mean the server is gone, stopping, starting or out of connections. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable|Cannot use a pool after calling end/i;

export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  return (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) || (typeof e?.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message));
}

/** The error as the store reports it: StoreUnavailableError when the database cannot be reached, else unchanged. */
export function storeError(err: unknown, commitUnknown = false): unknown {
  if (err instanceof StoreUnavailableError || !isUnavailable(err)) return err;
  return new StoreUnavailableError(undefined, commitUnknown, { cause: err });
}

/**
 * Runs SQL on the transaction's client when called inside Store.transaction, on the pool otherwise.
 * Every table of the PostgreSQL store queries through one of these.
 */
export class Sql {
  readonly transactionClient = new AsyncLocalStorage<pg.PoolClient>();

  constructor(readonly pool: pg.Pool) {}

  async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.result<R>(text, values)).rows;
  }

  async first<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R | undefined> {
    return (await this.result<R>(text, values)).rows[0];
  }

  async result<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await (this.transactionClient.getStore() ?? this.pool).query<R>(text, values);
    } catch (err) {
      throw storeError(err);
    }
  }
}

/**
 * A client of the pool for several statements (a transaction, a snapshot). A connection that breaks while the
 * client is held is remembered instead of crashing the process, and the client is then discarded, not reused.
 */
export async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(err?: unknown): void }> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw storeError(err);
  }
  let lost: Error | undefined;
  const onError = (err: Error) => (lost = err);
  client.on('error', onError);
  return {
    client,
    release: (err?: unknown) => {
      client.off('error', onError);
      const broken = lost ?? (err !== undefined && isUnavailable(err) ? (err as Error) : undefined);
      client.release(broken ?? false);
    },
  };
}

/**
 * Runs `fn` in a transaction of its own on a client checked out for it: `begin` opens it (BEGIN with its isolation),
 * COMMIT after, ROLLBACK when anything fails; errors come out as store errors. (Store.transaction, which the
 * gallery's writes use, adds the feed's lock and the case of a COMMIT cut off on its way.)
 */
export async function inOwnTransaction<T>(pool: pg.Pool, begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkout(pool);
  let failure: unknown;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw storeError(err);
  } finally {
    release(failure);
  }
}
