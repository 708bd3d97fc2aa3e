// Video jobs that several processes share: beside the rows (VideoJobsStore), a queue in the same database holds an
// entry of each job's id, which one worker takes and keeps by renewing its lease, and every worker process holds a
// lock while it lives, so the others can tell a job whose worker is gone. What src/video/queue.ts asks of the
// database; PostgreSQL implements it (postgres/video-jobs.ts, postgres/video-job-queue.ts: pg-boss and the lock).
import type { VideoJobRow, VideoJobsStore } from './video-jobs.js';

/** The video_jobs table of a database several processes share, with the queue's part of it. */
export interface SharedVideoJobsStore<Options = unknown> extends VideoJobsStore<Options> {
  /** Jobs waiting to run, every process's. */
  countQueued(): Promise<number>;
  /** QUEUED → RUNNING by the worker holding `workerKey`; false when the job was no longer queued or a cancel came first. */
  startBy(id: string, workerKey: number): Promise<boolean>;
  /** QUEUED → CANCELLED; false when it was not QUEUED any more (a worker took it). */
  cancelQueued(id: string): Promise<boolean>;
  /** Asks the worker running the job to stop it; false when it is not RUNNING. */
  requestCancel(id: string): Promise<boolean>;
  /** Whether a cancel was asked for the job (undefined: no such job). */
  cancelRequested(id: string): Promise<boolean | undefined>;
  /** Ends a job found dead FAILED with this code, unless it has moved on since (another worker, a finish). */
  failDead(id: string, workerKey: number | null, code: string, message: string): Promise<boolean>;
  /** Joins the queue `name` (creating it, and the queue's tables, when missing). */
  openQueue(name: string, settings: VideoJobQueueSettings): Promise<VideoJobQueue<Options>>;
}

export interface VideoJobQueueSettings {
  /** Seconds a taken entry lives without being renewed; the queue's upkeep expires it after that. */
  leaseS: number;
  logger: Pick<Console, 'warn'>;
}

/** An unfinished job that nothing will finish (see VideoJobQueue.dead). */
export interface DeadVideoJob {
  id: string;
  fileName: string;
  /** The queue its entry is in, or null when the entry is gone. */
  queue: string | null;
  /** The worker that ran it, or null when none took it. */
  workerKey: number | null;
}

/** One queue of job entries, as a process that queues and (or) runs jobs sees it. */
export interface VideoJobQueue<Options = unknown> {
  readonly name: string;
  /**
   * Inserts a QUEUED job and puts its entry in the queue, in one transaction: a job row never exists without its
   * entry, so a row whose entry is gone is truly dead.
   */
  insert(id: string, fileName: string, options: Options): Promise<VideoJobRow<Options>>;
  /** Takes the oldest waiting entry (no other process gets it) and starts its lease: the job's id, or undefined. */
  take(): Promise<string | undefined>;
  /** Renews the lease of a taken entry; false when the queue no longer holds it active (expired or cancelled). */
  renew(id: string): Promise<boolean>;
  /** Ends a taken entry: the job is done (its row has its ending). */
  complete(id: string): Promise<void>;
  /** Ends an entry as failed with the job's error code, in `queue` (default: this one). */
  fail(id: string, code: string | undefined, queue?: string): Promise<void>;
  /**
   * Holds the lock that tells the other processes this worker (`workerKey`) is alive, on a connection of its own;
   * `lost` is called when that connection goes. Called again after a loss, it takes the lock anew.
   */
  holdWorkerLock(workerKey: number, lost: (err: Error) => void): Promise<void>;
  /**
   * Unfinished jobs that nothing will finish: their entry (in any queue) is no longer waiting or active, or they are
   * RUNNING by a worker whose process no longer holds its lock (the database drops it when that connection goes).
   */
  dead(): Promise<DeadVideoJob[]>;
  /** Leaves the queue: stops taking part in its upkeep and lets go of the worker lock. */
  close(): Promise<void>;
}
