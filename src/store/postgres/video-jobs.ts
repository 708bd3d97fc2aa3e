// Video jobs on PostgreSQL: the video_jobs table through the store's Sql (options and result as jsonb).
import type { JobEnding, VideoJobRow, VideoJobsStore, VideoJobStatus } from '../video-jobs.js';
import type { Sql } from './connection.js';

interface RawJob {
  id: string;
  status: VideoJobStatus;
  progress: number;
  file_name: string;
  options: string;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  annotated: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toRow = <Options>(r: RawJob): VideoJobRow<Options> => ({
  id: r.id,
  status: r.status,
  progress: r.progress,
  fileName: r.file_name,
  options: JSON.parse(r.options) as Options,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  resultJson: r.result,
  annotated: r.annotated,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const COLS =
  'id, status, progress, file_name, options::text AS options, error_code, error_message, result::text AS result, annotated, created_at, started_at, finished_at';
const FINISHED = "status IN ('DONE', 'FAILED', 'CANCELLED')";
const now = () => new Date().toISOString();

export class PostgresVideoJobs<Options = unknown> implements VideoJobsStore<Options> {
  constructor(private readonly sql: Sql) {}

  async insert(id: string, fileName: string, options: Options): Promise<VideoJobRow<Options>> {
    const r = await this.sql.first<RawJob>(
      `INSERT INTO video_jobs (id, status, progress, file_name, options, created_at) VALUES ($1, 'QUEUED', 0, $2, $3, $4) RETURNING ${COLS}`,
      [id, fileName, JSON.stringify(options), now()],
    );
    return toRow<Options>(r!);
  }

  async get(id: string): Promise<VideoJobRow<Options> | undefined> {
    const r = await this.sql.first<RawJob>(`SELECT ${COLS} FROM video_jobs WHERE id = $1`, [id]);
    return r && toRow<Options>(r);
  }

  async list(limit: number): Promise<VideoJobRow<Options>[]> {
    return (await this.sql.rows<RawJob>(`SELECT ${COLS} FROM video_jobs ORDER BY created_at DESC, seq DESC LIMIT $1`, [limit])).map((r) => toRow<Options>(r));
  }

  async ids(): Promise<string[]> {
    return (await this.sql.rows<{ id: string }>('SELECT id FROM video_jobs')).map((r) => r.id);
  }

  async start(id: string): Promise<boolean> {
    const r = await this.sql.result("UPDATE video_jobs SET status = 'RUNNING', progress = 0, started_at = $1 WHERE id = $2 AND status = 'QUEUED'", [now(), id]);
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
    const rows = await this.sql.rows<{ id: string }>(`SELECT id FROM video_jobs WHERE ${FINISHED} ORDER BY created_at DESC, seq DESC OFFSET $1`, [keep]);
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<void> {
    await this.sql.result('DELETE FROM video_jobs WHERE id = $1', [id]);
  }
}
