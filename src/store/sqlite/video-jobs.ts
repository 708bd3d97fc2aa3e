// Video jobs on SQLite: prepared statements over the video_jobs table; every call is synchronous.
import type { Db } from './db.js';
import { jobFromRow, type RawJob, type JobEnding, type VideoJobRow, type VideoJobStatus } from '../video-jobs.js';

function prepare(db: Db) {
  const cols = 'id, status, progress, file_name, options, error_code, error_message, result, annotated, created_at, started_at, finished_at';
  const finished = "status IN ('DONE', 'FAILED', 'CANCELLED')";
  return {
    insert: db.prepare<[string, string, string, string], RawJob>(
      `INSERT INTO video_jobs (id, status, progress, file_name, options, created_at) VALUES (?, 'QUEUED', 0, ?, ?, ?) RETURNING ${cols}`,
    ),
    get: db.prepare<[string], RawJob>(`SELECT ${cols} FROM video_jobs WHERE id = ?`),
    list: db.prepare<[number], RawJob>(`SELECT ${cols} FROM video_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?`),
    ids: db.prepare<[], { id: string }>('SELECT id FROM video_jobs'),
    start: db.prepare<[string, string]>("UPDATE video_jobs SET status = 'RUNNING', progress = 0, started_at = ? WHERE id = ? AND status = 'QUEUED'"),
    progress: db.prepare<[number, string]>("UPDATE video_jobs SET progress = ? WHERE id = ? AND status = 'RUNNING'"),
    finish: db.prepare<[VideoJobStatus, number, string | null, string | null, string | null, number, string, string]>(
      `UPDATE video_jobs SET status = ?, progress = ?, error_code = ?, error_message = ?, result = ?, annotated = ?, finished_at = ?
       WHERE id = ? AND status IN ('QUEUED', 'RUNNING')`,
    ),
    interruptAll: db.prepare<[string, string, string], { id: string }>(
      `UPDATE video_jobs SET status = 'FAILED', error_code = ?, error_message = ?, finished_at = ?
       WHERE status IN ('QUEUED', 'RUNNING') RETURNING id`,
    ),
    beyondKept: db.prepare<[number], { id: string }>(
      `SELECT id FROM video_jobs WHERE ${finished} ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?`,
    ),
    delete: db.prepare<[string]>('DELETE FROM video_jobs WHERE id = ?'),
  };
}

export class SqliteVideoJobs<Options = unknown> {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.q = prepare(db);
  }

  insert(id: string, fileName: string, options: Options): VideoJobRow<Options> {
    return jobFromRow<Options>(this.q.insert.get(id, fileName, JSON.stringify(options), new Date().toISOString())!);
  }

  get(id: string): VideoJobRow<Options> | undefined {
    const r = this.q.get.get(id);
    return r && jobFromRow<Options>(r);
  }

  /** The newest jobs first. */
  list(limit: number): VideoJobRow<Options>[] {
    return this.q.list.all(limit).map((r) => jobFromRow<Options>(r));
  }

  ids(): string[] {
    return this.q.ids.all().map((r) => r.id);
  }

  /** QUEUED → RUNNING; false when the job was no longer queued. */
  start(id: string): boolean {
    return this.q.start.run(new Date().toISOString(), id).changes > 0;
  }

  setProgress(id: string, progress: number): void {
    this.q.progress.run(progress, id);
  }

  /** Ends a job that is still QUEUED or RUNNING; a job that has already ended is left as it is. */
  finish(id: string, e: JobEnding): void {
    this.q.finish.run(
      e.status,
      e.progress,
      e.errorCode ?? null,
      e.errorMessage ?? null,
      e.resultJson ?? null,
      e.annotated ? 1 : 0,
      new Date().toISOString(),
      id,
    );
  }

  /** Marks every QUEUED or RUNNING job FAILED with this code; returns their ids. */
  failUnfinished(code: string, message: string): string[] {
    return this.q.interruptAll.all(code, message, new Date().toISOString()).map((r) => r.id);
  }

  /** Ids of finished jobs beyond the newest `keep`. */
  finishedBeyond(keep: number): string[] {
    return this.q.beyondKept.all(keep).map((r) => r.id);
  }

  delete(id: string): void {
    this.q.delete.run(id);
  }
}
