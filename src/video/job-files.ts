// The files of video jobs, in <DATA_DIR>/videos/<job id>/: the uploaded source while the job waits or runs,
// then its outputs (track-<n>.jpg thumbnails, annotated.mp4). Every write is atomic (temp name, rename).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { annotateVideo, type VideoBox } from '../core/index.js';
import { TEMP_PREFIX, writeFileAtomic } from '../store/images.js';

export const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Files of a job that are served: the thumbnails and the annotated copy. */
export const JOB_OUTPUT_RE = /^(?:track-(0|[1-9][0-9]{0,8})\.jpg|annotated\.mp4)$/;
export const thumbnailName = (trackId: number): string => `track-${trackId}.jpg`;
export const ANNOTATED_NAME = 'annotated.mp4';

const isLeftover = (name: string): boolean => name.startsWith('source.') || name.startsWith(TEMP_PREFIX);

export class JobFiles {
  constructor(readonly dir: string) {
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
  }

  removeJobSync(id: string): void {
    fs.rmSync(this.jobDir(id), { recursive: true, force: true });
  }

  /**
   * At start-up, when no job runs: removes every job's source and temp files, and folders of jobs that are not
   * `known` (an upload the process died during). Other files in videos/ are not the service's and stay.
   */
  tidy(known: Set<string>): number {
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
        if (isLeftover(f)) {
          fs.rmSync(path.join(dir, f), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
