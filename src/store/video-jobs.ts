// Video jobs table: one row per uploaded video, with its status, progress, options and stored result (JSON).
// The rows and the table's interface; each engine implements it.

export type VideoJobStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED';

export interface VideoJobRow<Options = unknown> {
  /** A lower-case UUID. */
  id: string;
  status: VideoJobStatus;
  progress: number;
  fileName: string;
  options: Options;
  errorCode: string | null;
  errorMessage: string | null;
  /** The result as stored JSON (parsed on demand: lists of jobs rarely need it). */
  resultJson: string | null;
  /** annotated.mp4 was written. */
  annotated: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** How a job ended, as written by finish(). */
/** A video_jobs row as both engines return it (SQLite gives `annotated` as 0 or 1). */
export interface RawJob {
  id: string;
  status: VideoJobStatus;
  progress: number;
  file_name: string;
  options: string;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  annotated: boolean | number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const jobFromRow = <Options>(r: RawJob): VideoJobRow<Options> => ({
  id: r.id,
  status: r.status,
  progress: r.progress,
  fileName: r.file_name,
  options: JSON.parse(r.options) as Options,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  resultJson: r.result,
  annotated: r.annotated === true || r.annotated === 1,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export interface JobEnding {
  status: VideoJobStatus;
  progress: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  resultJson?: string | null;
  annotated?: boolean;
}

export interface VideoJobsStore<Options = unknown> {
  insert(id: string, fileName: string, options: Options): Promise<VideoJobRow<Options>>;
  get(id: string): Promise<VideoJobRow<Options> | undefined>;
  /** The newest jobs first. */
  list(limit: number): Promise<VideoJobRow<Options>[]>;
  ids(): Promise<string[]>;
  /** QUEUED → RUNNING; false when the job was no longer queued. */
  start(id: string): Promise<boolean>;
  setProgress(id: string, progress: number): Promise<void>;
  /** Ends a job that is still QUEUED or RUNNING; a job that has already ended is left as it is. */
  finish(id: string, ending: JobEnding): Promise<void>;
  /** Marks every QUEUED or RUNNING job FAILED with this code; returns their ids. */
  failUnfinished(code: string, message: string): Promise<string[]>;
  /** Ids of finished jobs beyond the newest `keep`. */
  finishedBeyond(keep: number): Promise<string[]>;
  delete(id: string): Promise<void>;
}
