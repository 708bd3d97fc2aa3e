// Video recognition jobs: an uploaded video waits in a queue, runs through the native core one job at a time,
// and leaves its result (tracks and stats) in the video_jobs table and its thumbnails (and an annotated copy)
// in <DATA_DIR>/videos/<id>/. The uploaded source is deleted once the job has ended.
//
// A job never survives a restart or a crash silently: on start-up every job still QUEUED or RUNNING is marked
// FAILED with the code INTERRUPTED, and its folder loses everything but finished outputs.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { annotateVideo, FaceCoreError, type VideoBox, type VideoStats } from '../core/index.js';
import { extensionOf, type Gallery } from '../gallery.js';
import type { Db } from '../store/db.js';
import { TEMP_PREFIX, writeFileAtomic } from '../store/images.js';
import type { DecisionMethod } from './decide.js';
import { labelOf, recognizeInGallery, type GalleryView, type RecognizedVideo } from './recognize.js';

export type VideoJobStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED';

/** Codes of a failed job (VideoJob.error.code). */
export type VideoJobErrorCode = 'INVALID_VIDEO' | 'VIDEO_TOO_LONG' | 'IMAGE_TOO_LARGE' | 'INTERRUPTED' | 'INTERNAL';

export const INTERRUPTED_MESSAGE = 'The service stopped while this job was running; upload the video again.';
const INTERNAL_MESSAGE = 'The video could not be processed because of an internal error.';

/** File name extensions accepted for videos (the decoder checks the bytes). */
export const VIDEO_EXTENSIONS: readonly string[] = ['mp4', 'webm', 'avi', 'mov', 'mkv', 'm4v'];

/** The options a job runs with, as stored: decision, tolerance and N are always set. */
export interface VideoJobOptions {
  sampleEvery?: number;
  minFaceSize?: number;
  framesToDecide: number;
  decision: DecisionMethod;
  tolerance: number;
  annotate: boolean;
  /** Seconds; longer videos fail with VIDEO_TOO_LONG. */
  maxDuration: number;
}

/** One tracked face in a stored result. */
export interface StoredTrack {
  id: number;
  /** The person it was recognised as, when known (the person may have been deleted since). */
  personId: number | null;
  /** The person's full name when it ran, "Unknown", or "Too small". */
  label: string;
  confidence: number | null;
  distance: number | null;
  framesRecognized: number;
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  boxes: VideoBox[];
  /** Whether track-<id>.jpg was written. */
  thumbnail: boolean;
}

/** The core's stats; `truncated` also covers a cancelled run (it stopped before the end). */
export type StoredStats = Omit<VideoStats, 'cancelled'>;

export interface StoredResult {
  decision: DecisionMethod;
  tolerance: number;
  framesToDecide: number;
  tracks: StoredTrack[];
  stats: StoredStats;
}

export interface VideoJobRow {
  /** A lower-case UUID. */
  id: string;
  status: VideoJobStatus;
  progress: number;
  fileName: string;
  options: VideoJobOptions;
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

interface RawJob {
  id: string;
  status: VideoJobStatus;
  progress: number;
  file_name: string;
  options: string;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  annotated: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toRow = (r: RawJob): VideoJobRow => ({
  id: r.id,
  status: r.status,
  progress: r.progress,
  fileName: r.file_name,
  options: JSON.parse(r.options) as VideoJobOptions,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  resultJson: r.result,
  annotated: r.annotated === 1,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export const parseResult = (row: VideoJobRow): StoredResult | null => (row.resultJson ? (JSON.parse(row.resultJson) as StoredResult) : null);

export const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Files of a job that are served: the thumbnails and the annotated copy. */
export const JOB_OUTPUT_RE = /^(?:track-(0|[1-9][0-9]{0,8})\.jpg|annotated\.mp4)$/;
export const thumbnailName = (trackId: number): string => `track-${trackId}.jpg`;
export const ANNOTATED_NAME = 'annotated.mp4';

/** How the gallery looks to video recognition: its index and who owns each face. */
export function galleryView(gallery: Gallery): GalleryView {
  return {
    index: gallery.index,
    personOfFace: (faceId) => {
      const face = gallery.faces.get(faceId);
      return face ? gallery.people.get(face.personId) : undefined;
    },
  };
}

export interface VideoJobsOptions {
  db: Db;
  /** Holds videos/. */
  dataDir: string;
  gallery: GalleryView;
  /** Finished jobs kept with their rows and files; older ones are deleted. Default 100. */
  keepFinished?: number;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** The job being processed right now. */
interface RunningJob {
  id: string;
  progress: number;
  lastWrite: number;
  cancelRequested: boolean;
  cancel: (() => void) | null;
  done: Promise<void>;
}

/** DB writes of progress happen at most this often; readers of the running job see the live value anyway. */
const PROGRESS_WRITE_MS = 250;
/** Progress reported while recognising when an annotated copy is still to be written afterwards. */
const RECOGNITION_SHARE_WITH_ANNOTATION = 0.9;

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
    interruptAll: db.prepare<[string, string], { id: string }>(
      `UPDATE video_jobs SET status = 'FAILED', error_code = 'INTERRUPTED', error_message = ?, finished_at = ?
       WHERE status IN ('QUEUED', 'RUNNING') RETURNING id`,
    ),
    beyondKept: db.prepare<[number], { id: string }>(
      `SELECT id FROM video_jobs WHERE ${finished} ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?`,
    ),
    delete: db.prepare<[string]>('DELETE FROM video_jobs WHERE id = ?'),
  };
}

export class VideoJobs {
  /** <DATA_DIR>/videos */
  readonly dir: string;
  private readonly q: ReturnType<typeof prepare>;
  private readonly gallery: GalleryView;
  private readonly keepFinished: number;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private readonly queue: string[] = [];
  private running: RunningJob | null = null;
  private closing = false;

  private constructor(opts: VideoJobsOptions) {
    this.dir = path.join(opts.dataDir, 'videos');
    fs.mkdirSync(this.dir, { recursive: true });
    this.q = prepare(opts.db);
    this.gallery = opts.gallery;
    this.keepFinished = opts.keepFinished ?? 100;
    this.logger = opts.logger ?? console;
  }

  /** Opens the job list: marks jobs an earlier run left QUEUED or RUNNING as FAILED/INTERRUPTED and tidies videos/. */
  static open(opts: VideoJobsOptions): VideoJobs {
    const jobs = new VideoJobs(opts);
    const interrupted = jobs.q.interruptAll.all(INTERRUPTED_MESSAGE, new Date().toISOString());
    const removed = jobs.tidyFiles();
    jobs.prune();
    if (interrupted.length > 0 || removed > 0) {
      jobs.logger.warn(
        `video jobs: the service had stopped during ${interrupted.length} job(s), now FAILED (INTERRUPTED); removed ${removed} leftover file(s) or folder(s)`,
      );
    }
    return jobs;
  }

  /** The folder of a job's files. */
  jobDir(id: string): string {
    if (!JOB_ID_RE.test(id)) throw new Error(`Not a video job id: ${JSON.stringify(id)}`);
    return path.join(this.dir, id);
  }

  get(id: string): VideoJobRow | undefined {
    if (!JOB_ID_RE.test(id)) return undefined;
    const r = this.q.get.get(id);
    return r && this.live(toRow(r));
  }

  /** The newest jobs first. */
  list(limit: number): VideoJobRow[] {
    return this.q.list.all(limit).map((r) => this.live(toRow(r)));
  }

  /** The running job's progress is written to the table a few times a second; readers get the live value. */
  private live(row: VideoJobRow): VideoJobRow {
    if (this.running?.id === row.id && row.status === 'RUNNING') row.progress = this.running.progress;
    return row;
  }

  /** Jobs waiting, and whether one is running. */
  get load(): { queued: number; running: boolean } {
    return { queued: this.queue.length, running: this.running !== null };
  }

  /**
   * Creates a QUEUED job. `writeSource(tempPath)` writes the uploaded video to the given path (and may throw to
   * refuse it); the file is then renamed to source.<ext> and the row inserted. On any failure the job's folder
   * is removed, so a refused upload leaves nothing behind.
   */
  async create(fileName: string, options: VideoJobOptions, writeSource: (tempPath: string) => Promise<void>): Promise<VideoJobRow> {
    if (this.closing) throw new Error('The video job list is closed');
    const ext = extensionOf(fileName);
    if (!VIDEO_EXTENSIONS.includes(ext)) throw new RangeError(`Not a video file name: ${JSON.stringify(fileName)}`);
    const id = randomUUID();
    const dir = this.jobDir(id);
    await fs.promises.mkdir(dir, { recursive: true });
    let row: VideoJobRow;
    try {
      const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
      await writeSource(temp);
      await fs.promises.rename(temp, path.join(dir, `source.${ext}`));
      if (this.closing) throw new Error('The video job list is closed');
      row = toRow(this.q.insert.get(id, fileName, JSON.stringify(options), new Date().toISOString())!);
    } catch (err) {
      await fs.promises.rm(dir, { recursive: true, force: true });
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
    const row = this.get(id);
    if (!row) return undefined;
    if (row.status === 'QUEUED') {
      const at = this.queue.indexOf(id);
      if (at >= 0) this.queue.splice(at, 1);
      this.q.finish.run('CANCELLED', 0, null, null, null, 0, new Date().toISOString(), id);
      await this.removeSource(id);
      return this.get(id);
    }
    const running = this.running;
    if (row.status === 'RUNNING' && running?.id === id) {
      running.cancelRequested = true;
      running.cancel?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      return this.get(id);
    }
    return row;
  }

  /** Where a served output of a job is, or undefined for any other name. */
  outputPath(id: string, name: string): string | undefined {
    if (!JOB_ID_RE.test(id) || !JOB_OUTPUT_RE.test(name)) return undefined;
    return path.join(this.dir, id, name);
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
    const queued = this.queue.splice(0);
    const now = new Date().toISOString();
    for (const id of queued) {
      this.q.finish.run('FAILED', 0, 'INTERRUPTED', INTERRUPTED_MESSAGE, null, 0, now, id);
      await this.removeSource(id);
    }
    const running = this.running;
    if (running) {
      running.cancelRequested = true;
      running.cancel?.();
      await running.done;
    }
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
    const row = this.get(job.id);
    if (!row || row.status !== 'QUEUED') return;
    this.q.start.run(new Date().toISOString(), job.id);
    const { options } = row;
    const dir = this.jobDir(job.id);
    const source = path.join(dir, `source.${extensionOf(row.fileName)}`);
    const recognitionShare = options.annotate ? RECOGNITION_SHARE_WITH_ANNOTATION : 1;
    const setProgress = (p: number, force = false) => {
      job.progress = Math.max(job.progress, Math.min(0.99, p));
      const now = Date.now();
      if (force || now - job.lastWrite >= PROGRESS_WRITE_MS) {
        job.lastWrite = now;
        this.q.progress.run(job.progress, job.id);
      }
    };

    let status: VideoJobStatus;
    let result: StoredResult | null = null;
    let annotated = false;
    let error: { code: VideoJobErrorCode; message: string } | null = null;
    try {
      const run = await recognizeInGallery(
        this.gallery,
        source,
        {
          decision: options.decision,
          tolerance: options.tolerance,
          framesToDecide: options.framesToDecide,
          maxDuration: options.maxDuration,
          ...(options.sampleEvery !== undefined && { sampleEvery: options.sampleEvery }),
          ...(options.minFaceSize !== undefined && { minFaceSize: options.minFaceSize }),
        },
        (event) => {
          if (event.type === 'progress' && event.progress !== null) setProgress(event.progress * recognitionShare);
        },
      );
      job.cancel = run.cancel;
      if (job.cancelRequested) run.cancel();
      const video = await run.result;
      result = await this.storeResult(dir, video);
      const stopped = video.stats.cancelled || job.cancelRequested;
      if (!stopped && options.annotate) {
        setProgress(recognitionShare, true);
        annotated = await this.annotate(source, dir, result);
      }
      status = this.closing ? 'FAILED' : job.cancelRequested ? 'CANCELLED' : 'DONE';
      if (status === 'FAILED') error = { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE };
      if (status !== 'DONE' && annotated) {
        await fs.promises.rm(path.join(dir, ANNOTATED_NAME), { force: true });
        annotated = false;
      }
    } catch (err) {
      status = 'FAILED';
      error = this.closing ? { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE } : this.jobError(job.id, err);
      result = null;
    }
    await this.removeSource(job.id);
    if (status === 'FAILED') result = null;
    const progress = status === 'DONE' ? 1 : job.progress;
    this.q.finish.run(
      status, progress, error?.code ?? null, error?.message ?? null,
      result ? JSON.stringify(result) : null, annotated ? 1 : 0, new Date().toISOString(), job.id,
    );
    // A failed job keeps no files (thumbnails written before the failure included).
    if (status === 'FAILED') await fs.promises.rm(dir, { recursive: true, force: true });
    this.pruneQuietly();
  }

  /** The failure as the client sees it: the core's codes about the video pass through, the rest is INTERNAL. */
  private jobError(id: string, err: unknown): { code: VideoJobErrorCode; message: string } {
    if (err instanceof FaceCoreError && (err.code === 'INVALID_VIDEO' || err.code === 'VIDEO_TOO_LONG' || err.code === 'IMAGE_TOO_LARGE')) {
      return { code: err.code, message: err.message };
    }
    this.logger.error(`video jobs: job ${id} failed:`, err);
    return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
  }

  /** Writes each track's thumbnail and returns the result as stored. */
  private async storeResult(dir: string, video: RecognizedVideo): Promise<StoredResult> {
    const tracks: StoredTrack[] = [];
    for (const t of video.tracks) {
      const { track, decision, person } = t;
      const thumbnail = track.thumbnail.length > 0;
      if (thumbnail) await writeFileAtomic(path.join(dir, thumbnailName(track.id)), track.thumbnail);
      tracks.push({
        id: track.id,
        personId: person?.id ?? null,
        label: labelOf(t),
        confidence: decision?.confidence ?? null,
        distance: decision?.distance ?? null,
        framesRecognized: decision?.frames ?? 0,
        firstFrame: track.firstFrame,
        lastFrame: track.lastFrame,
        firstTime: track.firstTime,
        lastTime: track.lastTime,
        boxes: track.boxes,
        thumbnail,
      });
    }
    const { cancelled, ...stats } = video.stats;
    return {
      decision: video.decision,
      tolerance: video.tolerance,
      framesToDecide: video.framesToDecide,
      tracks,
      stats: { ...stats, truncated: stats.truncated || cancelled },
    };
  }

  /**
   * Writes annotated.mp4: H.264 where the system's FFmpeg has an encoder for it (browsers play it), else MPEG-4.
   * A failure here leaves the job DONE without the copy.
   */
  private async annotate(source: string, dir: string, result: StoredResult): Promise<boolean> {
    const tracks = result.tracks.map((t) => ({ label: t.personId !== null ? t.label : 'Unknown', boxes: t.boxes }));
    const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}.mp4`);
    let lastError: unknown;
    for (const codec of ['avc1', 'mp4v']) {
      try {
        await annotateVideo(source, temp, tracks, codec);
        await fs.promises.rename(temp, path.join(dir, ANNOTATED_NAME));
        return true;
      } catch (err) {
        lastError = err;
        await fs.promises.rm(temp, { force: true });
      }
    }
    this.logger.warn(`video jobs: could not write the annotated copy in ${dir}:`, lastError);
    return false;
  }

  /** Removes the uploaded video (and any temp file) of a job; its outputs stay. */
  private async removeSource(id: string): Promise<void> {
    const dir = this.jobDir(id);
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('source.') || name.startsWith(TEMP_PREFIX)) await fs.promises.rm(path.join(dir, name), { force: true });
    }
  }

  /**
   * At start-up, when no job runs: removes every job's source and temp files, and folders without a row
   * (an upload the process died during). Other files in videos/ are not the service's and stay.
   */
  private tidyFiles(): number {
    const known = new Set(this.q.ids.all().map((r) => r.id));
    let removed = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (!JOB_ID_RE.test(name)) continue;
      const dir = path.join(this.dir, name);
      if (!known.has(name)) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed++;
        continue;
      }
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir)) {
        if (f.startsWith('source.') || f.startsWith(TEMP_PREFIX)) {
          fs.rmSync(path.join(dir, f), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  /** Deletes the rows of finished jobs beyond the newest `keepFinished`; returns their ids. */
  private prune(): string[] {
    const old = this.q.beyondKept.all(this.keepFinished).map((r) => r.id);
    for (const id of old) {
      this.q.delete.run(id);
      fs.rmSync(this.jobDir(id), { recursive: true, force: true });
    }
    return old;
  }

  private pruneQuietly(): void {
    try {
      this.prune();
    } catch (err) {
      this.logger.warn('video jobs: could not delete old jobs:', err);
    }
  }
}
