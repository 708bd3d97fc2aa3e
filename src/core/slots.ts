// The native slots of one FaceCore: at most `slots` native jobs run at once and the rest wait here, in order of
// arrival, rather than in libuv's thread pool. A free slot goes to the waiting job with the fewest pixels, so an
// ordinary photo does not wait behind a queue of huge ones; a job that has waited `ageMs` goes first whatever its size,
// so none waits for ever; and with two slots or more, large jobs never hold the last one, so an ordinary photo always
// has a slot within the time of another ordinary photo. Nothing here touches the addon or the clock directly: the
// clock is injected, so the rules can be tested step by step.

/** A job that has waited this long is started next, however large (among those that may start). */
export const QUEUE_AGE_MS = 5000;

export interface SlotsOptions {
  /** Native jobs that may run at once (FaceCore's `threads`), at least 1. */
  slots: number;
  /** A job on more pixels than this is large (FaceCore: the addon's maxDetectPixels, what detection looks at). */
  largeJobPixels: number;
  /** How long a job may wait before it goes first whatever its size; default QUEUE_AGE_MS. */
  ageMs?: number;
  /** Milliseconds from any fixed origin; default performance.now. */
  now?: () => number;
}

/** A job waiting for a slot: how many pixels it will work on, and since when it waits. */
interface WaitingJob {
  start: () => void;
  pixels: number;
  since: number;
}

export class Slots {
  readonly slots: number;
  readonly largeJobPixels: number;
  readonly ageMs: number;
  private readonly now: () => number;
  private runningJobs = 0;
  private runningLarge = 0;
  private readonly waiting: WaitingJob[] = [];

  constructor(options: SlotsOptions) {
    if (!Number.isInteger(options.slots) || options.slots < 1)
      throw new RangeError(`Expected a whole number of slots of at least 1 but received ${options.slots}`);
    this.slots = options.slots;
    this.largeJobPixels = options.largeJobPixels;
    this.ageMs = options.ageMs ?? QUEUE_AGE_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** Jobs holding a slot now. */
  get running(): number {
    return this.runningJobs;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `work` once a slot is free for a job on `pixels` pixels (0: unknown, an ordinary job) and gives its result or
   * failure; the slot is free again as soon as `work` settles (or throws). A job that may start takes its slot at once,
   * in this call, even ahead of waiting jobs that may not (large ones kept from the last slot).
   */
  async run<T>(work: () => Promise<T>, pixels = 0): Promise<T> {
    if (this.mayStart(pixels)) this.take(pixels);
    else await new Promise<void>((start) => this.waiting.push({ start, pixels, since: this.now() })); // startNext takes the slot for it
    try {
      return await work();
    } finally {
      this.runningJobs--;
      if (this.isLarge(pixels)) this.runningLarge--;
      this.startNext();
    }
  }

  private isLarge(pixels: number): boolean {
    return pixels > this.largeJobPixels;
  }

  private mayStart(pixels: number): boolean {
    if (this.runningJobs >= this.slots) return false;
    return !this.isLarge(pixels) || this.slots === 1 || this.runningLarge < this.slots - 1;
  }

  private take(pixels: number): void {
    this.runningJobs++;
    if (this.isLarge(pixels)) this.runningLarge++;
  }

  private startNext(): void {
    const now = this.now();
    let pick = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const job = this.waiting[i]!;
      if (!this.mayStart(job.pixels)) continue;
      if (now - job.since >= this.ageMs) {
        pick = i; // the oldest that may start (the queue is in arrival order)
        break;
      }
      if (pick < 0 || job.pixels < this.waiting[pick]!.pixels) pick = i;
    }
    if (pick < 0) return;
    const [job] = this.waiting.splice(pick, 1);
    this.take(job!.pixels);
    job!.start();
  }
}
