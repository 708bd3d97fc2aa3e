// Video jobs on PostgreSQL: the video_jobs table through the store's Sql (options and result as jsonb), with the
// shared queue's part of it (the queue itself: video-job-queue.ts).
import { jobFromRow, type RawJob, type JobEnding, type VideoJobRow } from '../video-jobs.js';
import type { SharedVideoJobsStore, VideoJobQueue, VideoJobQueueSettings } from '../video-job-queue.js';
import type { Sql } from './connection.js';
import { PostgresVideoJobQueue } from './video-job-queue.js';

const COLS =
  'id, status, progress, file_name, options::text AS options, error_code, error_message, result::text AS result, annotated, created_at, started_at, finished_at';
const FINISHED = "status IN ('DONE', 'FAILED', 'CANCELLED')";
const now = () => new Date().toISOString();

export class PostgresVideoJobs<Options = unknown> implements SharedVideoJobsStore<Options> {
  constructor(
    private readonly sql: Sql,
    /** The database's URL: the queue's own connections (pg-boss, the worker lock) are opened with it. */
    private readonly url: string,
  ) {}

  async insert(id: string, fileName: string, options: Options): Promise<VideoJobRow<Options>> {
    const r = await this.sql.first<RawJob>(
      `INSERT INTO video_jobs (id, status, progress, file_name, options, created_at) VALUES ($1, 'QUEUED', 0, $2, $3, $4) RETURNING ${COLS}`,
      [id, fileName, JSON.stringify(options), now()],
    );
    return jobFromRow<Options>(r!);
  }

  async get(id: string): Promise<VideoJobRow<Options> | undefined> {
    const r = await this.sql.first<RawJob>(`SELECT ${COLS} FROM video_jobs WHERE id = $1`, [id]);
    return r && jobFromRow<Options>(r);
  }

  async list(limit: number): Promise<VideoJobRow<Options>[]> {
    return (await this.sql.rows<RawJob>(`SELECT ${COLS} FROM video_jobs ORDER BY created_at DESC, seq DESC LIMIT $1`, [limit])).map((r) =>
      jobFromRow<Options>(r),
    );
  }

  async ids(): Promise<string[]> {
    return (await this.sql.rows<{ id: string }>('SELECT id FROM video_jobs')).map((r) => r.id);
  }

  async start(id: string): Promise<boolean> {
    const r = await this.sql.result("UPDATE video_jobs SET status = 'RUNNING', progress = 0, started_at = $1 WHERE id = $2 AND status = 'QUEUED'", [
      now(),
      id,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.sql.result("UPDATE video_jobs SET progress = $1 WHERE id = $2 AND status = 'RUNNING'", [progress, id]);
  }

  async finish(id: string, e: JobEnding): Promise<void> {
    await this.sql.result(
      `UPDATE video_jobs SET status = $1, progress = $2, error_code = $3, error_message = $4, result = $5::jsonb, annotated = $6, finished_at = $7
       WHERE id = $8 AND status IN ('QUEUED', 'RUNNING')`,
      [e.status, e.progress, e.errorCode ?? null, e.errorMessage ?? null, e.resultJson ?? null, e.annotated ?? false, now(), id],
    );
  }

  async failUnfinished(code: string, message: string): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `UPDATE video_jobs SET status = 'FAILED', error_code = $1, error_message = $2, finished_at = $3
       WHERE status IN ('QUEUED', 'RUNNING') RETURNING id`,
      [code, message, now()],
    );
    return rows.map((r) => r.id);
  }

  async finishedBeyond(keep: number): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(`SELECT id FROM video_jobs WHERE ${FINISHED} ORDER BY created_at DESC, seq DESC OFFSET $1`, [
      keep,
    ]);
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<void> {
    await this.sql.result('DELETE FROM video_jobs WHERE id = $1', [id]);
  }

  // The shared queue's part (SharedVideoJobsStore): PostgreSQL only.

  /** Joins the pg-boss queue `name` (video-job-queue.ts); its jobs' rows are inserted through this table. */
  openQueue(name: string, settings: VideoJobQueueSettings): Promise<VideoJobQueue<Options>> {
    return PostgresVideoJobQueue.open(this.url, this.sql, (id, fileName, options: Options) => this.insert(id, fileName, options), name, settings);
  }

  /** Jobs waiting to run, every replica's. */
  async countQueued(): Promise<number> {
    return (await this.sql.first<{ n: number }>("SELECT count(*) AS n FROM video_jobs WHERE status = 'QUEUED'"))!.n;
  }

  /** QUEUED → RUNNING by the worker holding `workerKey`; false when the job was no longer queued or a cancel came first. */
  async startBy(id: string, workerKey: number): Promise<boolean> {
    const r = await this.sql.result(
      "UPDATE video_jobs SET status = 'RUNNING', progress = 0, started_at = $1, worker_key = $2 WHERE id = $3 AND status = 'QUEUED' AND NOT cancel_requested",
      [now(), workerKey, id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** QUEUED → CANCELLED; false when it was not QUEUED any more (a worker took it). */
  async cancelQueued(id: string): Promise<boolean> {
    const r = await this.sql.result(
      "UPDATE video_jobs SET status = 'CANCELLED', progress = 0, cancel_requested = true, finished_at = $1 WHERE id = $2 AND status = 'QUEUED'",
      [now(), id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Asks the worker running the job to stop it; false when it is not RUNNING. */
  async requestCancel(id: string): Promise<boolean> {
    const r = await this.sql.result("UPDATE video_jobs SET cancel_requested = true WHERE id = $1 AND status = 'RUNNING'", [id]);
    return (r.rowCount ?? 0) > 0;
  }

  /** Whether a cancel was asked for the job (undefined: no such job). */
  async cancelRequested(id: string): Promise<boolean | undefined> {
    return (await this.sql.first<{ c: boolean }>('SELECT cancel_requested AS c FROM video_jobs WHERE id = $1', [id]))?.c;
  }

  /** Ends a job found dead FAILED with this code, unless it has moved on since (another worker, a finish). */
  async failDead(id: string, workerKey: number | null, code: string, message: string): Promise<boolean> {
    const r = await this.sql.result(
      `UPDATE video_jobs SET status = 'FAILED', error_code = $1, error_message = $2, finished_at = $3
       WHERE id = $4 AND status IN ('QUEUED', 'RUNNING') AND worker_key IS NOT DISTINCT FROM $5`,
      [code, message, now(), id, workerKey],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
