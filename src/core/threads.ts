// The native core's one thread budget, process-wide: the threads one index search or one video job's detection
// look-ahead may use, and OpenCV's and OpenBLAS's thread counts. A process sets it once, explicitly (src/config.ts
// exportNativeSettings); making a FaceCore never changes it.
import { binding } from './binding.js';
import { checkRange, RANGES } from './limits.js';

/** Sets the budget for every native job of the process from now on; INVALID_ARGUMENT outside RANGES.threads. */
export function setThreadBudget(threads: number): void {
  binding().setThreads(checkRange('threads', threads, RANGES.threads));
}

/** The budget last set; before any, the machine's hardware threads (the addon's own default). */
export function threadBudget(): number {
  return binding().threadBudget();
}
