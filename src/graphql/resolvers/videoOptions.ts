// recognizeVideo's options: checked with one message shape, then completed from the service's settings.
import type { Config } from '../../config.js';
import { isValidTolerance } from '../../config.js';
import type { VideoJobOptions } from '../../video/jobs.js';
import { userError } from '../errors.js';
import type { VideoOptionsInput } from '../generated.js';

/** N when the client does not choose one. */
export const DEFAULT_FRAMES_TO_DECIDE = 5;

function intIn(name: string, value: number | null | undefined, min: number, max: number): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw userError('BAD_USER_INPUT', `Expected ${name} between ${min} and ${max} but received ${value}`);
  }
  return value;
}

/** The options a job will run with; BAD_USER_INPUT for any value out of range. */
export function videoJobOptions(input: VideoOptionsInput | null | undefined, config: Config): VideoJobOptions {
  const o = input ?? {};
  const sampleEvery = intIn('sampleEvery', o.sampleEvery, 1, 1000);
  const framesToDecide = intIn('framesToDecide', o.framesToDecide, 1, 1000) ?? DEFAULT_FRAMES_TO_DECIDE;
  if (o.minFaceSize != null && !(Number.isFinite(o.minFaceSize) && o.minFaceSize >= 0)) {
    throw userError('BAD_USER_INPUT', `Expected minFaceSize of at least 0 but received ${o.minFaceSize}`);
  }
  if (o.tolerance != null && !isValidTolerance(o.tolerance)) {
    throw userError('BAD_USER_INPUT', `Expected tolerance in (0, 1] but received ${o.tolerance}`);
  }
  return {
    ...(sampleEvery !== undefined && { sampleEvery }),
    ...(o.minFaceSize != null && { minFaceSize: o.minFaceSize }),
    framesToDecide,
    decision: o.decision ?? 'VOTE',
    tolerance: o.tolerance ?? config.tolerance,
    annotate: o.annotate ?? false,
    maxDuration: config.videoMaxSeconds,
  };
}
