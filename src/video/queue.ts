// Video jobs on PostgreSQL (DATABASE_URL): the rows stay in video_jobs, and each job has an entry of the same id
// in a pg-boss queue, so any replica — or a `npm run worker` process — takes the next one (SKIP LOCKED) and runs it.
// Progress, cancel and the result go through the row, so every replica sees them. The store holds the SQL of both
// (Store.sharedVideoJobs; src/store/postgres/video-job-queue.ts); this file holds what a job's life needs of them.
//
// A job's entry and row are inserted in one transaction; a worker writes the row's ending before it completes the
// entry. So an unfinished row is dead only when its entry is no longer waiting or active (pg-boss expired it: the
// worker stopped renewing its lease), or when the worker named in the row no longer holds its advisory lock
// (PostgreSQL drops it the moment that process's connection goes: kill -9, crash, lost machine). Every process
// looks for dead jobs at start and every few seconds and marks them FAILED/INTERRUPTED; nothing else is touched.
// A job whose worker died is not run again: a video that killed one worker is not handed to the next.
import crypto, { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkExtension, extensionOf, GalleryError, VIDEO_EXTENSIONS } from '../gallery/index.js';
import { StorageUnavailableError } from '../store/errors.js';
import type { S3Objects } from '../store/s3.js';
import type { SharedVideoJobsStore, VideoJobQueue } from '../store/video-job-queue.js';
import type { JobEnding } from '../store/video-jobs.js';
import {
  INTERRUPTED_MESSAGE,
  processVideoJob,
  PROGRESS_WRITE_MS,
  type JobRun,
  type JobWork,
  type VideoJobList,
  type VideoJobOptions,
  type VideoJobRow,
  type VideoJobsOptions,
  withLiveProgress,
} from './jobs.js';
import { JOB_ID_RE, JobFiles } from './job-files.js';

/** An idle worker asks the queue for a job this often (and at once when its own process queued one). */
const POLL_MS = 1000;
/** Every process looks for dead jobs this often. */
const REAP_MS = 5000;
/** A running job reads whether a cancel was asked for this often. */
const CANCEL_CHECK_MS = 500;

export interface QueuedVideoJobsOptions extends VideoJobsOptions {
  /** The table, with the queue's part of it (Store.sharedVideoJobs). */
  store: SharedVideoJobsStore<VideoJobOptions>;
  /** Take jobs from the queue and run them here (a replica may only queue them). */
  work: boolean;
  /** Seconds a running job's queue entry lives without being renewed; the worker renews it every third of that. */
  leaseS: number;
}

/**
 * The queue jobs go to. With outputs (and uploads) in S3 every process can run every job: one queue. Without, the
 * upload stays in this machine's folder, so only processes sharing that folder may take it: a queue of its own.
 */
export function queueNameFor(dir: string, shared: boolean): string {
  if (shared) return 'video-jobs';
  const folder = crypto
    .createHash('sha256')
    .update(`${os.hostname()}\0${path.resolve(dir)}`)
    .digest('hex')
    .slice(0, 16);
  return `video-jobs-local-${folder}`;
}

interface QueuedRun extends JobRun {
  lastWrite: number;
  lastRenewal: number;
  /** The queue gave up on the job (its lease ran out): it ends FAILED, whatever the run says. */
  lost: boolean;
}

export class QueuedVideoJobs implements VideoJobList {
  readonly files: JobFiles;
  readonly queue: string;
  private readonly store: SharedVideoJobsStore<VideoJobOptions>;
  private readonly work: JobWork;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private readonly remote?: S3Objects;
  private readonly workerKey = crypto.randomInt(1, 2 ** 31 - 1);
  private lockLost = false;
  private running: QueuedRun | null = null;
  private closing = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private reaper: NodeJS.Timeout | undefined;
  private beating = false;

  private constructor(
    private readonly opts: QueuedVideoJobsOptions,
    /** The queue's entries, in the database. */
    private readonly entries: VideoJobQueue<VideoJobOptions>,
  ) {
    this.queue = entries.name;
    this.files = new JobFiles(opts.dir, opts.outputs, opts.logger);
    this.store = opts.store;
    this.logger = opts.logger ?? console;
    this.remote = opts.outputs;
    this.work = { core: opts.core, gallery: opts.gallery, files: this.files, logger: this.logger };
  }

  /**
   * Joins the queue: creates it (and the queue's tables) if needed, marks the jobs whose worker is gone
   * FAILED/INTERRUPTED (and only those: other replicas' running and queued jobs are left alone), tidies videos/, and
   * (with `work`) starts taking jobs.
   */
  static async open(opts: QueuedVideoJobsOptions): Promise<QueuedVideoJobs> {
    const entries = await opts.store.openQueue(queueNameFor(opts.dir, opts.outputs !== undefined), {
      leaseS: opts.leaseS,
      logger: opts.logger ?? console,
    });
    let jobs: QueuedVideoJobs;
    try {
      jobs = new QueuedVideoJobs(opts, entries);
      if (opts.work) await jobs.holdLock();
      const interrupted = await jobs.reap();
      const rows = await jobs.store.list(1_000_000);
      const unfinished = new Set(rows.filter((r) => r.status === 'QUEUED' || r.status === 'RUNNING').map((r) => r.id));
      const removed = jobs.files.tidy(new Set(rows.map((r) => r.id)), unfinished);
      await jobs.prune();
      if (interrupted > 0 || removed > 0) {
        jobs.logger.warn(
          `video jobs: the service had stopped during ${interrupted} job(s), now FAILED (INTERRUPTED); removed ${removed} leftover file(s) or folder(s)`,
        );
      }
    } catch (err) {
      await entries.close();
      throw err;
    }
    jobs.reaper = setInterval(() => {
      jobs.reap().then(
        (n) => n > 0 && jobs.logger.warn(`video jobs: ${n} job(s) whose worker stopped are now FAILED (INTERRUPTED)`),
        (err: unknown) => jobs.logger.warn(`video jobs: could not look for stopped workers: ${(err as Error).message}`),
      );
    }, REAP_MS);
    jobs.reaper.unref();
    if (opts.work) jobs.loopDone = jobs.loop();
    return jobs;
  }

  async get(id: string): Promise<VideoJobRow | undefined> {
    const row = JOB_ID_RE.test(id) ? await this.store.get(id) : undefined;
    return row && withLiveProgress(row, this.running);
  }

  async list(limit: number): Promise<VideoJobRow[]> {
    return (await this.store.list(limit)).map((r) => withLiveProgress(r, this.running));
  }

  async create(fileName: string, options: VideoJobOptions, writeSource: (tempPath: string) => Promise<void>): Promise<VideoJobRow> {
    if (this.closing) throw new Error('The video job list is closed');
    const ext = checkExtension(fileName, VIDEO_EXTENSIONS, 'a video');
    const waiting = await this.store.countQueued();
    if (waiting >= this.opts.maxQueued) {
      throw new GalleryError('QUEUE_FULL', `${waiting} videos are already waiting; try again when some have finished.`);
    }
    const id = randomUUID();
    await this.files.receiveSource(id, ext, writeSource);
    let row: VideoJobRow;
    try {
      // The worker may be another machine: the upload goes where every process can read it.
      if (this.remote) await this.remote.putFile(sourceName(id, ext), this.files.sourcePath(id, ext), 'application/octet-stream');
      if (this.closing) throw new Error('The video job list is closed');
      row = await this.entries.insert(id, fileName, options);
    } catch (err) {
      await this.files.removeJob(id);
      throw err;
    }
    if (this.remote) await fs.promises.rm(this.files.jobDir(id), { recursive: true, force: true });
    this.wake?.();
    return row;
  }

  /**
   * QUEUED: CANCELLED at once (whichever replica is asked). RUNNING: the worker running it — this process or
   * another, which reads the request within half a second — stops at its next frame and the job ends CANCELLED
   * with the tracks found so far; this waits up to `waitMs` for that.
   */
  async cancel(id: string, waitMs = 5000): Promise<VideoJobRow | undefined> {
    const row = await this.get(id);
    if (!row) return undefined;
    if (row.status === 'QUEUED' && (await this.store.cancelQueued(id))) {
      // The queue entry stays: the worker that takes it finds the job cancelled and completes it.
      await this.removeSource(id, row.fileName);
      return this.get(id);
    }
    const running = this.running;
    if (running?.id === id) {
      running.cancelRequested = true;
      running.cancel?.();
    } else if (!(await this.store.requestCancel(id))) {
      return this.get(id);
    }
    const deadline = Date.now() + waitMs;
    let now = await this.get(id);
    while (now?.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      now = await this.get(id);
    }
    return now;
  }

  /**
   * Stops taking jobs. The job running here is stopped and marked FAILED/INTERRUPTED (its result would be
   * incomplete); queued jobs stay in the queue for the other workers (or this one's next start).
   */
  async close(): Promise<void> {
    if (this.closing) {
      await this.loopDone;
      return;
    }
    this.closing = true;
    clearInterval(this.reaper);
    this.wake?.();
    const running = this.running;
    if (running) {
      running.cancelRequested = true;
      running.cancel?.();
    }
    await this.loopDone;
    await this.entries.close();
    await this.files.close();
  }

  /** Takes jobs one at a time until closed. */
  private async loop(): Promise<void> {
    while (!this.closing) {
      let id: string | undefined;
      if (!this.lockLost) {
        try {
          id = await this.entries.take();
        } catch (err) {
          this.logger.warn(`video queue: could not ask for a job: ${(err as Error).message}`);
        }
      }
      if (id && !this.closing) {
        await this.runJob(id).catch((err: unknown) => this.logger.error(`video jobs: job ${id} could not be recorded:`, err));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      if (this.lockLost && !this.closing) await this.holdLock().catch(() => undefined);
    }
  }

  private async runJob(id: string): Promise<void> {
    const row = await this.store.get(id);
    if (!row || !(await this.store.startBy(id, this.workerKey))) {
      // Cancelled (or ended) while it waited: nothing to run.
      if (row) await this.removeSource(id, row.fileName);
      await this.entries.complete(id).catch(() => undefined);
      return;
    }
    const job: QueuedRun = { id, progress: 0, lastWrite: 0, lastRenewal: Date.now(), cancelRequested: false, cancel: null, lost: false };
    this.running = job;
    const heartbeat = setInterval(() => void this.beat(job), CANCEL_CHECK_MS);
    let ending: JobEnding;
    try {
      const source = this.files.sourcePath(id, extensionOf(row.fileName));
      ending =
        (await this.fetchSource(id, row.fileName, source)) ??
        (await processVideoJob(
          this.work,
          job,
          row,
          source,
          (p, force) => this.setProgress(job, p, force),
          () => this.closing,
        ));
      if (job.lost && ending.status !== 'FAILED')
        ending = { status: 'FAILED', progress: job.progress, errorCode: 'INTERRUPTED', errorMessage: INTERRUPTED_MESSAGE };
      await this.removeSource(id, row.fileName);
      await this.store.finish(id, ending);
      if (ending.status === 'FAILED') await this.files.removeJob(id);
    } finally {
      clearInterval(heartbeat);
      this.running = null;
    }
    // The row has its ending; only now may the entry go (the other order could leave a row nothing finishes).
    await (ending.status === 'FAILED' ? this.entries.fail(id, ending.errorCode ?? undefined) : this.entries.complete(id)).catch((err: unknown) =>
      this.logger.warn(`video queue: could not complete the entry of job ${id}: ${(err as Error).message}`),
    );
    await this.prune().catch((err: unknown) => this.logger.warn('video jobs: could not delete old jobs:', err));
  }

  /** Brings an upload kept in S3 to this machine; an ending when it cannot be had, else undefined. */
  private async fetchSource(id: string, fileName: string, source: string): Promise<JobEnding | undefined> {
    if (fs.existsSync(source)) return undefined;
    const lost = {
      status: 'FAILED' as const,
      progress: 0,
      errorCode: 'INTERRUPTED',
      errorMessage: 'The uploaded video is no longer stored; upload it again.',
    };
    if (!this.remote) return lost;
    try {
      const got = await this.remote.get(sourceName(id, extensionOf(fileName)));
      if (!got) return lost;
      await fs.promises.mkdir(path.dirname(source), { recursive: true });
      const temp = `${source}.download`;
      await pipeline(got.body, fs.createWriteStream(temp));
      await fs.promises.rename(temp, source);
      return undefined;
    } catch (err) {
      if (err instanceof StorageUnavailableError) return { status: 'FAILED', progress: 0, errorCode: err.code, errorMessage: err.message };
      throw err;
    }
  }

  private setProgress(job: QueuedRun, p: number, force = false): void {
    job.progress = Math.max(job.progress, Math.min(0.99, p));
    const now = Date.now();
    if (force || now - job.lastWrite >= PROGRESS_WRITE_MS) {
      job.lastWrite = now;
      this.store.setProgress(job.id, job.progress).catch((err: unknown) => {
        this.logger.warn(`video jobs: could not record the progress of job ${job.id}: ${(err as Error).message}`);
      });
    }
  }

  /** While a job runs: reads a cancel asked for elsewhere, and renews the queue entry's lease. */
  private async beat(job: QueuedRun): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      if (!job.cancelRequested && (await this.store.cancelRequested(job.id))) {
        job.cancelRequested = true;
        job.cancel?.();
      }
      if (Date.now() - job.lastRenewal >= (this.opts.leaseS * 1000) / 3) {
        const held = await this.entries.renew(job.id);
        job.lastRenewal = Date.now();
        if (!held && !job.lost) {
          // The queue expired or cancelled the entry: the job is no longer this worker's.
          this.logger.warn(`video jobs: the queue gave up on job ${job.id} (its lease ran out); stopping it`);
          job.lost = true;
          job.cancelRequested = true;
          job.cancel?.();
        }
      }
    } catch (err) {
      this.logger.warn(`video jobs: could not renew job ${job.id}: ${(err as Error).message}`);
    } finally {
      this.beating = false;
    }
  }

  /** The advisory lock that tells the other processes this worker is alive. */
  private async holdLock(): Promise<void> {
    await this.entries.holdWorkerLock(this.workerKey, (err) => {
      this.logger.warn(`video queue: the worker's connection was closed (${err.message})`);
      this.lockLost = true;
    });
    this.lockLost = false;
  }

  /** Marks dead jobs (see the top of this file) FAILED/INTERRUPTED and removes their uploads; returns how many. */
  private async reap(): Promise<number> {
    let n = 0;
    for (const d of await this.entries.dead()) {
      if (this.running?.id === d.id) continue;
      if (!(await this.store.failDead(d.id, d.workerKey, 'INTERRUPTED', INTERRUPTED_MESSAGE))) continue;
      n++;
      if (d.queue) await this.entries.fail(d.id, 'INTERRUPTED', d.queue).catch(() => undefined);
      await this.removeSource(d.id, d.fileName).catch((err: unknown) =>
        this.logger.warn(`video jobs: could not remove the upload of job ${d.id}: ${(err as Error).message}`),
      );
    }
    return n;
  }

  private async removeSource(id: string, fileName: string): Promise<void> {
    await this.files.removeSource(id);
    await this.remote?.delete(sourceName(id, extensionOf(fileName)));
  }

  private async prune(): Promise<void> {
    for (const id of await this.store.finishedBeyond(this.opts.keepFinished ?? 100)) {
      await this.store.delete(id);
      this.files.removeJobSync(id);
    }
  }
}

/** Where an upload waits in the bucket's videos/ folder (never served: not an output name). */
const sourceName = (id: string, ext: string): string => `${id}/source.${ext}`;
