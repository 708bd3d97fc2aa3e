// The shared queue of video jobs on PostgreSQL: a pg-boss queue whose tables are in the `pgboss` schema of the
// service's database (an entry per job, of the job's id; pg-boss hands each to one process with SKIP LOCKED), and
// the advisory lock each worker process holds on a connection of its own while it lives. The SQL that reads
// pg-boss's table and the locks is here, beside the video_jobs rows (video-jobs.ts) it joins.
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { VideoJobRow } from '../video-jobs.js';
import type { DeadVideoJob, VideoJobQueue, VideoJobQueueSettings } from '../video-job-queue.js';
import { connectionConfig, inOwnTransaction, type Sql } from './connection.js';

/** pg-boss's tables live in this schema of the service's database. */
export const QUEUE_SCHEMA = 'pgboss';
/** First key of the advisory lock a worker process holds while it lives (the bytes of "vide"); the second is its own. */
export const WORKER_LOCK_CLASS = 1986618469;

export class PostgresVideoJobQueue<Options> implements VideoJobQueue<Options> {
  private lock: pg.Client | null = null;

  private constructor(
    readonly name: string,
    private readonly boss: PgBoss,
    private readonly url: string,
    private readonly sql: Sql,
    /** Inserts a job row through the store's Sql (inside the transaction the entry is sent in). */
    private readonly insertRow: (id: string, fileName: string, options: Options) => Promise<VideoJobRow<Options>>,
    private readonly settings: VideoJobQueueSettings,
  ) {}

  /** Starts pg-boss on the database (installing its tables when needed) and creates the queue when missing. */
  static async open<Options>(
    url: string,
    sql: Sql,
    insertRow: (id: string, fileName: string, options: Options) => Promise<VideoJobRow<Options>>,
    name: string,
    settings: VideoJobQueueSettings,
  ): Promise<PostgresVideoJobQueue<Options>> {
    const boss = new PgBoss({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      max: 3,
      application_name: 'face-service queue',
      // pg-boss's maintenance expires entries whose lease ran out; one process runs it per interval.
      supervise: true,
      maintenanceIntervalSeconds: Math.max(1, Math.round(settings.leaseS / 2)),
      schedule: false,
      migrate: true,
    });
    boss.on('error', (err: Error) => settings.logger.warn(`video queue: ${err.message}`));
    try {
      await boss.start();
      await boss.createQueue(name, { name, retryLimit: 0, expireInSeconds: settings.leaseS });
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw err;
    }
    return new PostgresVideoJobQueue(name, boss, url, sql, insertRow, settings);
  }

  async insert(id: string, fileName: string, options: Options): Promise<VideoJobRow<Options>> {
    return inOwnTransaction(this.sql.pool, 'BEGIN', (client) =>
      // The row goes in through the store's Sql on this transaction's client; pg-boss runs its own SQL on the same one.
      this.sql.transactionClient.run(client, async () => {
        const row = await this.insertRow(id, fileName, options);
        await this.boss.send(this.name, {}, { id, db: { executeSql: (text, values) => client.query(text, values) } });
        return row;
      }),
    );
  }

  async take(): Promise<string | undefined> {
    return (await this.boss.fetch(this.name, { batchSize: 1 }))[0]?.id;
  }

  async renew(id: string): Promise<boolean> {
    const { rows } = await this.boss.getDb().executeSql(
      `UPDATE ${QUEUE_SCHEMA}.job SET expire_in = (now() - started_on) + $3 * interval '1 second'
       WHERE name = $1 AND id = $2 AND state = 'active' RETURNING id`,
      [this.name, id, this.settings.leaseS],
    );
    return rows.length > 0;
  }

  async complete(id: string): Promise<void> {
    await this.boss.complete(this.name, id);
  }

  async fail(id: string, code: string | undefined, queue = this.name): Promise<void> {
    await this.boss.fail(queue, id, { code });
  }

  async holdWorkerLock(workerKey: number, lost: (err: Error) => void): Promise<void> {
    const client = new pg.Client(connectionConfig(this.url, 'face-service video worker'));
    client.on('error', lost);
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1, $2)', [WORKER_LOCK_CLASS, workerKey]);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    await this.lock?.end().catch(() => undefined);
    this.lock = client;
  }

  async dead(): Promise<DeadVideoJob[]> {
    return this.sql.rows<DeadVideoJob & pg.QueryResultRow>(
      `SELECT v.id, v.file_name AS "fileName", j.name AS queue, v.worker_key AS "workerKey"
       FROM video_jobs v
       LEFT JOIN ${QUEUE_SCHEMA}.job j ON j.id = v.id::uuid AND j.state IN ('created', 'retry', 'active')
       WHERE v.status IN ('QUEUED', 'RUNNING') AND (
         j.id IS NULL OR (v.status = 'RUNNING' AND v.worker_key IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = $1::int::oid AND l.objid = v.worker_key::oid AND l.objsubid = 2 AND l.granted)))`,
      [WORKER_LOCK_CLASS],
    );
  }

  async close(): Promise<void> {
    await this.boss
      .stop({ graceful: false, wait: true, timeout: 5000 })
      .catch((err: unknown) => this.settings.logger.warn(`video queue: ${(err as Error).message}`));
    await this.lock?.end().catch(() => undefined);
    this.lock = null;
  }
}
