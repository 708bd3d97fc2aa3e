// The files of video jobs, in <DATA_DIR>/videos/<job id>/: the uploaded source while the job waits or runs,
// then its outputs (track-<n>.jpg thumbnails, annotated.mp4). Every write is atomic (temp name, rename).
// With S3-compatible photo storage the outputs are made here, then uploaded to <prefix>videos/<job id>/ when the
// job ends (publish) and served from there; the local folder is emptied.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { annotateVideo, type VideoBox } from '../core/index.js';
import { TEMP_PREFIX, writeFileAtomic } from '../store/images.js';
import type { FileSource } from '../store/photo-store.js';
import type { S3Objects } from '../store/s3.js';

export const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Files of a job that are served: the thumbnails and the annotated copy. */
export const JOB_OUTPUT_RE = /^(?:track-(0|[1-9][0-9]{0,8})\.jpg|annotated\.mp4)$/;
export const thumbnailName = (trackId: number): string => `track-${trackId}.jpg`;
export const ANNOTATED_NAME = 'annotated.mp4';

const isLeftover = (name: string): boolean => name.startsWith('source.') || name.startsWith(TEMP_PREFIX);

const contentTypeOf = (name: string): string => (name.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg');

export class JobFiles {
  /** Deletions of jobs' remote outputs still under way (removeJobSync starts them). */
  private readonly deleting = new Set<Promise<void>>();

  constructor(
    readonly dir: string,
    /** The bucket's videos/ folder, when outputs go to S3-compatible storage. */
    private readonly remote?: S3Objects,
    private readonly logger: Pick<Console, 'warn'> = console,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** The folder of a job's files. */
  jobDir(id: string): string {
    if (!JOB_ID_RE.test(id)) throw new Error(`Not a video job id: ${JSON.stringify(id)}`);
    return path.join(this.dir, id);
  }

  sourcePath(id: string, ext: string): string {
    return path.join(this.jobDir(id), `source.${ext}`);
  }

  /** Where a served output of a job is, or undefined for any other name. */
  outputPath(id: string, name: string): string | undefined {
    if (!JOB_ID_RE.test(id) || !JOB_OUTPUT_RE.test(name)) return undefined;
    return path.join(this.dir, id, name);
  }

  /** Where to serve a job's output from: its folder here, or the bucket once published; undefined for any other name. */
  sourceOf(id: string, name: string): FileSource | undefined {
    if (!JOB_ID_RE.test(id) || !JOB_OUTPUT_RE.test(name)) return undefined;
    return this.remote ? { objects: this.remote, name: `${id}/${name}` } : { folder: this.dir, parts: [id, name] };
  }

  /**
   * When outputs go to S3: uploads the job's thumbnails and annotated copy, then removes them here. Call once the
   * job's outputs are final; throws StorageUnavailableError when the bucket cannot be reached.
   */
  async publish(id: string): Promise<void> {
    if (!this.remote) return;
    const dir = this.jobDir(id);
    const names = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((n) => JOB_OUTPUT_RE.test(n));
    for (const name of names) await this.remote.putFile(`${id}/${name}`, path.join(dir, name), contentTypeOf(name));
    await fs.promises.rm(dir, { recursive: true, force: true });
  }

  /**
   * Creates the job's folder and has `write(tempPath)` write the uploaded video, then renames it to source.<ext>.
   * On any failure the folder is removed, so a refused upload leaves nothing behind.
   */
  async receiveSource(id: string, ext: string, write: (tempPath: string) => Promise<void>): Promise<void> {
    const dir = this.jobDir(id);
    await fs.promises.mkdir(dir, { recursive: true });
    try {
      const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
      await write(temp);
      await fs.promises.rename(temp, this.sourcePath(id, ext));
    } catch (err) {
      await this.removeJob(id);
      throw err;
    }
  }

  async writeThumbnail(id: string, trackId: number, jpeg: Buffer): Promise<void> {
    await writeFileAtomic(path.join(this.jobDir(id), thumbnailName(trackId)), jpeg);
  }

  /**
   * Writes annotated.mp4: H.264 where the system's FFmpeg has an encoder for it (browsers play it), else MPEG-4.
   * Resolves to false (with the error) when neither could be written.
   */
  async annotate(id: string, source: string, tracks: { label: string; boxes: VideoBox[] }[]): Promise<{ written: boolean; error?: unknown }> {
    const dir = this.jobDir(id);
    const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}.mp4`);
    let error: unknown;
    for (const codec of ['avc1', 'mp4v']) {
      try {
        await annotateVideo(source, temp, tracks, codec);
        await fs.promises.rename(temp, path.join(dir, ANNOTATED_NAME));
        return { written: true };
      } catch (err) {
        error = err;
        await fs.promises.rm(temp, { force: true });
      }
    }
    return { written: false, error };
  }

  async removeAnnotated(id: string): Promise<void> {
    await fs.promises.rm(path.join(this.jobDir(id), ANNOTATED_NAME), { force: true });
  }

  /** Removes the uploaded video (and any temp file) of a job; its outputs stay. */
  async removeSource(id: string): Promise<void> {
    const dir = this.jobDir(id);
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    for (const name of names) if (isLeftover(name)) await fs.promises.rm(path.join(dir, name), { force: true });
  }

  async removeJob(id: string): Promise<void> {
    await fs.promises.rm(this.jobDir(id), { recursive: true, force: true });
    await this.remote?.deleteUnder(`${id}/`);
  }

  /** Removes the job's folder now; its published outputs, if any, are deleted in the background (see idle). */
  removeJobSync(id: string): void {
    fs.rmSync(this.jobDir(id), { recursive: true, force: true });
    if (!this.remote) return;
    const deletion = this.remote
      .deleteUnder(`${id}/`)
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn(`video jobs: could not delete the outputs of job ${id}: ${(err as Error).message}`))
      .finally(() => this.deleting.delete(deletion));
    this.deleting.add(deletion);
  }

  /** Waits for background deletions, then lets go of the bucket's client. */
  async close(): Promise<void> {
    await Promise.all([...this.deleting]);
    this.remote?.close();
  }

  /**
   * At start-up, when no job runs here: removes every job's source and temp files, and folders of jobs that are not
   * `known` (an upload the process died during). Other files in videos/ are not the service's and stay.
   */
  tidy(known: Set<string>, unfinished: Set<string> = new Set()): number {
    let removed = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (!JOB_ID_RE.test(name)) continue;
      const dir = path.join(this.dir, name);
      if (!known.has(name)) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed++;
        continue;
      }
      // On a shared queue, a job still waiting or running elsewhere keeps its upload.
      if (unfinished.has(name) || !fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir)) {
        if (isLeftover(f)) {
          fs.rmSync(path.join(dir, f), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
