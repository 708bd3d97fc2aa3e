// The import's progress and summary on a terminal: one line redrawn in place (photos/s, faces, ETA) on a TTY, a
// line every PLAIN_EVERY photos elsewhere (a log, CI), then what was imported, skipped and refused, and why.
import type { ImportOutcome } from '../collection/collection.js';

/** Without a terminal, a progress line every this many photos. */
const PLAIN_EVERY = 500;
/** Refused files listed one by one in the summary; the rest are counted. */
const LISTED_FAILURES = 20;
const BAR = 24;

export interface ImportSummary {
  photos: number;
  imported: number;
  alreadyImported: number;
  noFace: number;
  failed: { file: string; code: string; message: string }[];
  facesFound: number;
  named: number;
  unnamed: number;
  dropped: number;
  seconds: number;
  photosPerSecond: number;
}

const clock = (s: number): string =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;

export class ImportProgress {
  private total = 0;
  private t0 = performance.now();
  private readonly counts = { imported: 0, alreadyImported: 0, noFace: 0, facesFound: 0, named: 0, unnamed: 0, dropped: 0 };
  private readonly failures: ImportSummary['failed'] = [];
  private lastDraw = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  start(total: number): void {
    this.total = total;
    this.t0 = performance.now();
    this.draw(true);
  }

  done(_file: string, o: ImportOutcome): void {
    if (o.status === 'ALREADY_IMPORTED') this.counts.alreadyImported++;
    else if (o.status === 'NO_FACE_FOUND') this.counts.noFace++;
    else this.counts.imported++;
    if (o.status !== 'ALREADY_IMPORTED') this.counts.facesFound += o.facesFound;
    this.counts.named += o.named.length;
    this.counts.unnamed += o.unnamed.length;
    this.counts.dropped += o.dropped;
    this.draw();
  }

  fail(file: string, code: string, message: string): void {
    this.failures.push({ file, code, message });
    this.draw();
  }

  private get handled(): number {
    return this.counts.imported + this.counts.alreadyImported + this.counts.noFace + this.failures.length;
  }

  private line(): string {
    const n = this.handled;
    const seconds = (performance.now() - this.t0) / 1000;
    const rate = n / Math.max(seconds, 1e-3);
    const eta = rate > 0 && n < this.total ? ` · ETA ${clock((this.total - n) / rate)}` : '';
    const filled = this.total === 0 ? BAR : Math.round((BAR * n) / this.total);
    const c = this.counts;
    return (
      `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${n}/${this.total} photos · ${rate.toFixed(1)} photos/s · ` +
      `${c.named + c.unnamed} faces kept (${c.named} named, ${c.unnamed} to name)` +
      (this.failures.length ? ` · ${this.failures.length} refused` : '') +
      eta
    );
  }

  private draw(force = false): void {
    if (this.out.isTTY) {
      const now = performance.now();
      if (!force && now - this.lastDraw < 100 && this.handled < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r\x1b[2K${this.line()}`);
    } else if (force || this.handled % PLAIN_EVERY === 0 || this.handled === this.total) {
      this.out.write(`${this.line()}\n`);
    }
  }

  summary(): ImportSummary {
    const seconds = (performance.now() - this.t0) / 1000;
    return {
      photos: this.handled,
      ...this.counts,
      failed: this.failures,
      seconds: Number(seconds.toFixed(2)),
      photosPerSecond: Number((this.handled / Math.max(seconds, 1e-3)).toFixed(2)),
    };
  }

  /** The summary, in words. `stopped`: the import was interrupted (Ctrl-C); running it again resumes it. */
  finish(stopped: boolean): void {
    this.draw(true);
    if (this.out.isTTY) this.out.write('\n');
    const s = this.summary();
    const lines = [
      stopped
        ? `Stopped after ${s.photos} of ${this.total} photos: run the same command again to import the rest.`
        : `Done: ${s.photos} photos in ${clock(s.seconds)} (${s.photosPerSecond} photos/s).`,
      `  ${s.imported} imported, ${s.alreadyImported} imported before (skipped), ${s.noFace} without a face, ${s.failed.length} refused.`,
      `  ${s.facesFound} faces found; kept ${s.named} named (people already known, or the folders') and ${s.unnamed} to name (faceGroups, or "Faces to name" on the page).`,
    ];
    if (s.dropped > 0) lines.push(`  ${s.dropped} faces were not kept: MAX_UNNAMED_FACES unnamed faces are stored already.`);
    for (const f of s.failed.slice(0, LISTED_FAILURES)) lines.push(`  refused ${f.file}: ${f.code}: ${f.message}`);
    if (s.failed.length > LISTED_FAILURES) lines.push(`  … and ${s.failed.length - LISTED_FAILURES} more refused (--json lists them all).`);
    this.out.write(`${lines.join('\n')}\n`);
  }
}
