// Video recognition jobs: an uploaded video waits in a queue, runs through the native core one job at a time,
// and leaves its result (tracks and stats) in the video_jobs table and its thumbnails (and an annotated copy)
// in <DATA_DIR>/videos/<id>/ (see job-files.ts). The uploaded source is deleted once the job has ended.
//
// A job never survives a restart or a crash silently: on start-up every job still QUEUED or RUNNING is marked
// FAILED with the code INTERRUPTED, and its folder loses everything but finished outputs.
import { randomUUID } from 'node:crypto';
import type { Detector, FaceCore } from '../core/index.js';
import { checkExtension, extensionOf, fromCoreError, GalleryError, VIDEO_EXTENSIONS, type GalleryView } from '../gallery/index.js';
import type { JobEnding, VideoJobRow as Row, VideoJobsStore, VideoJobStatus } from '../store/video-jobs.js';
import type { S3Objects } from '../store/s3.js';
import type { DecisionMethod } from './decide.js';
import { JOB_ID_RE, JobFiles } from './job-files.js';
import { recognizeInGallery } from './recognize.js';
import { toStoredResult, type StoredResult } from './stored-result.js';

export type { VideoJobStatus };

/** Codes of a failed job (VideoJob.error.code). */
export type VideoJobErrorCode = 'INVALID_VIDEO' | 'VIDEO_TOO_LONG' | 'IMAGE_TOO_LARGE' | 'INTERRUPTED' | 'STORAGE_UNAVAILABLE' | 'INTERNAL';

export const INTERRUPTED_MESSAGE = 'The service stopped while this job was running; upload the video again.';
const INTERNAL_MESSAGE = 'The video could not be processed because of an internal error.';

/** The options a job runs with, as stored: decision, tolerance and N are always set. */
export interface VideoJobOptions {
  sampleEvery?: number;
  /** Left out: HOG (limits.ts VIDEO_DEFAULT_DETECTOR). */
  detector?: Detector;
  minFaceSize?: number;
  framesToDecide: number;
  decision: DecisionMethod;
  tolerance: number;
  annotate: boolean;
  /** Seconds; longer videos fail with VIDEO_TOO_LONG. */
  maxDuration: number;
}

export type VideoJobRow = Row<VideoJobOptions>;

export interface VideoJobsOptions {
  /** The table; it keeps options and results as JSON, whose shape this module owns. */
  store: VideoJobsStore<VideoJobOptions>;
  /** Holds the jobs' folders (<DATA_DIR>/videos). */
  dir: string;
  /** With S3-compatible storage: the bucket's videos/ folder, where finished jobs' outputs go (job-files.ts). */
  outputs?: S3Objects;
  core: FaceCore;
  gallery: GalleryView;
  /** Finished jobs kept with their rows and files; older ones are deleted. Default 100. */
  keepFinished?: number;
  /** Jobs that may wait to run; more are refused with QUEUE_FULL. */
  maxQueued: number;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** The job being processed right now. */
interface RunningJob extends JobRun {
  lastWrite: number;
  done: Promise<void>;
}

/** DB writes of progress happen at most this often; readers of the running job see the live value anyway. */
export const PROGRESS_WRITE_MS = 250;
/** Progress reported while recognising when an annotated copy is still to be written afterwards. */
const RECOGNITION_SHARE_WITH_ANNOTATION = 0.9;

/** What the API and the worker use of a job list, whichever queue is under it (this file's, or queue.ts's on PostgreSQL). */
export interface VideoJobList {
  readonly files: JobFiles;
  get(id: string): Promise<VideoJobRow | undefined>;
  list(limit: number): Promise<VideoJobRow[]>;
  create(fileName: string, options: VideoJobOptions, writeSource: (tempPath: string) => Promise<void>): Promise<VideoJobRow>;
  cancel(id: string, waitMs?: number): Promise<VideoJobRow | undefined>;
  close(): Promise<void>;
}

export class VideoJobs implements VideoJobList {
  readonly files: JobFiles;
  private readonly store: VideoJobsStore<VideoJobOptions>;
  private readonly core: FaceCore;
  private readonly gallery: GalleryView;
  private readonly keepFinished: number;
  private readonly maxQueued: number;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private readonly queue: string[] = [];
  private running: RunningJob | null = null;
  private closing = false;
  private readonly work: JobWork;

  private constructor(opts: VideoJobsOptions) {
    this.files = new JobFiles(opts.dir, opts.outputs, opts.logger);
    this.store = opts.store;
    this.core = opts.core;
    this.gallery = opts.gallery;
    this.keepFinished = opts.keepFinished ?? 100;
    this.maxQueued = opts.maxQueued;
    this.logger = opts.logger ?? console;
    this.work = { core: this.core, gallery: this.gallery, files: this.files, logger: this.logger };
  }

  /** Opens the job list: marks jobs an earlier run left QUEUED or RUNNING as FAILED/INTERRUPTED and tidies videos/. */
  static async open(opts: VideoJobsOptions): Promise<VideoJobs> {
    const jobs = new VideoJobs(opts);
    const interrupted = await jobs.store.failUnfinished('INTERRUPTED', INTERRUPTED_MESSAGE);
    const removed = jobs.files.tidy(new Set(await jobs.store.ids()));
    await jobs.prune();
    if (interrupted.length > 0 || removed > 0) {
      jobs.logger.warn(
        `video jobs: the service had stopped during ${interrupted.length} job(s), now FAILED (INTERRUPTED); removed ${removed} leftover file(s) or folder(s)`,
      );
    }
    return jobs;
  }

  async get(id: string): Promise<VideoJobRow | undefined> {
    const row = JOB_ID_RE.test(id) ? await this.store.get(id) : undefined;
    return row && withLiveProgress(row, this.running);
  }

  /** The newest jobs first. */
  async list(limit: number): Promise<VideoJobRow[]> {
    return (await this.store.list(limit)).map((r) => withLiveProgress(r, this.running));
  }

  /**
   * Creates a QUEUED job. `writeSource(tempPath)` writes the uploaded video to the given path (and may throw to
   * refuse it); the file then becomes the job's source and the row is inserted. A refused upload leaves nothing.
   */
  async create(fileName: string, options: VideoJobOptions, writeSource: (tempPath: string) => Promise<void>): Promise<VideoJobRow> {
    if (this.closing) throw new Error('The video job list is closed');
    const ext = checkExtension(fileName, VIDEO_EXTENSIONS, 'a video');
    if (this.queue.length >= this.maxQueued) {
      throw new GalleryError('QUEUE_FULL', `${this.queue.length} videos are already waiting; try again when some have finished.`);
    }
    const id = randomUUID();
    await this.files.receiveSource(id, ext, writeSource);
    let row: VideoJobRow;
    try {
      if (this.closing) throw new Error('The video job list is closed');
      row = await this.store.insert(id, fileName, options);
    } catch (err) {
      await this.files.removeJob(id);
      throw err;
    }
    this.queue.push(id);
    this.next();
    return row;
  }

  /**
   * Stops a job. QUEUED: CANCELLED at once. RUNNING: the native run stops at its next frame and the job ends
   * CANCELLED with the tracks found so far; this waits up to `waitMs` for that. Finished jobs are left as they are.
   * Undefined when there is no such job.
   */
  async cancel(id: string, waitMs = 5000): Promise<VideoJobRow | undefined> {
    const row = await this.get(id);
    if (!row) return undefined;
    // A job read as QUEUED may have started since: then it is stopped as the running one.
    if (row.status === 'QUEUED' && this.running?.id !== id) {
      const at = this.queue.indexOf(id);
      if (at >= 0) this.queue.splice(at, 1);
      await this.store.finish(id, { status: 'CANCELLED', progress: 0 });
      await this.files.removeSource(id);
      return this.get(id);
    }
    const running = this.running;
    if ((row.status === 'RUNNING' || row.status === 'QUEUED') && running?.id === id) {
      running.cancelRequested = true;
      running.cancel?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      return this.get(id);
    }
    return row;
  }

  /**
   * Stops taking jobs: the running one is stopped and, like every queued one, marked FAILED/INTERRUPTED
   * (its result would be incomplete). Resolves once nothing is being written.
   */
  async close(): Promise<void> {
    if (this.closing) {
      await this.running?.done;
      return;
    }
    this.closing = true;
    for (const id of this.queue.splice(0)) {
      await this.store.finish(id, { status: 'FAILED', progress: 0, errorCode: 'INTERRUPTED', errorMessage: INTERRUPTED_MESSAGE });
      await this.files.removeSource(id);
    }
    const running = this.running;
    if (running) {
      running.cancelRequested = true;
      running.cancel?.();
      await running.done;
    }
    await this.files.close();
  }

  /** Starts the next queued job when none is running. */
  private next(): void {
    if (this.running || this.closing) return;
    const id = this.queue.shift();
    if (!id) return;
    const job: RunningJob = { id, progress: 0, lastWrite: 0, cancelRequested: false, cancel: null, done: Promise.resolve() };
    this.running = job;
    job.done = this.run(job)
      .catch((err: unknown) => this.logger.error(`video jobs: job ${id} could not be recorded:`, err))
      .finally(() => {
        this.running = null;
        this.next();
      });
  }

  private async run(job: RunningJob): Promise<void> {
    const row = await this.get(job.id);
    if (!row || !(await this.store.start(job.id))) return;
    const source = this.files.sourcePath(job.id, extensionOf(row.fileName));
    const setProgress = (p: number, force = false) => {
      job.progress = Math.max(job.progress, Math.min(0.99, p));
      const now = Date.now();
      if (force || now - job.lastWrite >= PROGRESS_WRITE_MS) {
        job.lastWrite = now;
        this.store.setProgress(job.id, job.progress).catch((err: unknown) => {
          this.logger.warn(`video jobs: could not record the progress of job ${job.id}: ${(err as Error).message}`);
        });
      }
    };

    const ending = await processVideoJob(this.work, job, row, source, setProgress, () => this.closing);
    await this.files.removeSource(job.id);
    await this.store.finish(job.id, ending);
    // A failed job keeps no files (thumbnails written before the failure included).
    if (ending.status === 'FAILED') await this.files.removeJob(job.id);
    await this.pruneQuietly();
  }

  /** Deletes the rows and files of finished jobs beyond the newest `keepFinished`. */
  private async prune(): Promise<void> {
    for (const id of await this.store.finishedBeyond(this.keepFinished)) {
      await this.store.delete(id);
      this.files.removeJobSync(id);
    }
  }

  private async pruneQuietly(): Promise<void> {
    try {
      await this.prune();
    } catch (err) {
      this.logger.warn('video jobs: could not delete old jobs:', err);
    }
  }
}

/** What running a job needs, whichever queue handed it over. */
export interface JobWork {
  core: FaceCore;
  gallery: GalleryView;
  files: JobFiles;
  logger: Pick<Console, 'warn' | 'error'>;
}

/** The run of one job, as its queue and a cancel see it. */
/** The running job's progress is written to the table a few times a second; readers of it get the live value. */
export function withLiveProgress(row: VideoJobRow, running: JobRun | null): VideoJobRow {
  if (running?.id === row.id && row.status === 'RUNNING') row.progress = running.progress;
  return row;
}

export interface JobRun {
  id: string;
  progress: number;
  cancelRequested: boolean;
  cancel: (() => void) | null;
}

/**
 * Recognises a job's video (its `source` file), writes thumbnails and the annotated copy, publishes the outputs
 * when they go to S3, and says how the job ended. `closing()` true when the run ends: the job was stopped by a
 * shutdown, FAILED/INTERRUPTED. Leaves the source and the row to the caller.
 */
export async function processVideoJob(
  work: JobWork,
  job: JobRun,
  row: VideoJobRow,
  source: string,
  setProgress: (p: number, force?: boolean) => void,
  closing: () => boolean,
): Promise<JobEnding> {
  const { options } = row;
  const recognitionShare = options.annotate ? RECOGNITION_SHARE_WITH_ANNOTATION : 1;
  let status: VideoJobStatus;
  let result: StoredResult | null = null;
  let annotated = false;
  let error: { code: VideoJobErrorCode; message: string } | null = null;
  try {
    const { annotate: _annotate, ...recognition } = options;
    const run = await recognizeInGallery(work.core, work.gallery, source, recognition, (event) => {
      if (event.type === 'progress' && event.progress !== null) setProgress(event.progress * recognitionShare);
    });
    job.cancel = run.cancel;
    if (job.cancelRequested) run.cancel();
    const video = await run.result;
    for (const t of video.tracks) {
      if (t.track.thumbnail.length > 0) await work.files.writeThumbnail(job.id, t.track.id, t.track.thumbnail);
    }
    result = toStoredResult(video);
    const stopped = video.stats.cancelled || job.cancelRequested;
    if (!stopped && options.annotate) {
      setProgress(recognitionShare, true);
      annotated = await annotateJob(work, job.id, source, result);
    }
    status = closing() ? 'FAILED' : job.cancelRequested ? 'CANCELLED' : 'DONE';
    if (status === 'FAILED') error = { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE };
    if (status !== 'DONE' && annotated) {
      await work.files.removeAnnotated(job.id);
      annotated = false;
    }
    if (status !== 'FAILED') await work.files.publish(job.id);
  } catch (err) {
    status = 'FAILED';
    error = closing() ? { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE } : jobError(work.logger, job.id, err, source, row.fileName);
  }
  if (status === 'FAILED') result = null;
  return {
    status,
    progress: status === 'DONE' ? 1 : job.progress,
    errorCode: error?.code,
    errorMessage: error?.message,
    resultJson: result && JSON.stringify(result),
    annotated,
  };
}

/** The failure as the client sees it: the domain's codes about the video pass through, the rest is INTERNAL. */
function jobError(
  logger: Pick<Console, 'error'>,
  id: string,
  err: unknown,
  source: string,
  fileName: string,
): { code: VideoJobErrorCode; message: string } {
  const e = fromCoreError(err);
  if (e instanceof GalleryError && e.code === 'STORAGE_UNAVAILABLE') {
    logger.error(`video jobs: job ${id} could not store its outputs:`, err);
    return { code: e.code, message: e.message };
  }
  if (e instanceof GalleryError && (e.code === 'INVALID_VIDEO' || e.code === 'VIDEO_TOO_LONG' || e.code === 'IMAGE_TOO_LARGE')) {
    // The core names the file it read; the client knows it by the name it uploaded, not by where it was kept.
    return { code: e.code, message: e.message.split(source).join(JSON.stringify(fileName)) };
  }
  logger.error(`video jobs: job ${id} failed:`, err);
  return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
}

/** annotated.mp4 with each track's box and label; a failure here leaves the job DONE without the copy. */
async function annotateJob(work: JobWork, id: string, source: string, result: StoredResult): Promise<boolean> {
  const tracks = result.tracks.map((t) => ({ label: t.personId !== null ? t.label : 'Unknown', boxes: t.boxes }));
  const { written, error } = await work.files.annotate(id, source, tracks);
  if (!written) work.logger.warn(`video jobs: could not write the annotated copy of job ${id}:`, error);
  return written;
}
