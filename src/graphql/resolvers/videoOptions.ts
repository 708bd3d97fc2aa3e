// recognizeVideo's options: checked against the core's video ranges, then completed from the service's settings.
import type { Config } from '../../config.js';
import { VIDEO_DEFAULTS, VIDEO_RANGES } from '../../core/limits.js';
import type { VideoJobOptions } from '../../video/jobs.js';
import { argument, detectorArgument, toleranceArgument } from '../arguments.js';
import type { VideoOptionsInput } from '../generated.js';

/** The options a job will run with; BAD_USER_INPUT for any value out of range. */
export function videoJobOptions(input: VideoOptionsInput | null | undefined, config: Config): VideoJobOptions {
  const o = input ?? {};
  const sampleEvery = argument('sampleEvery', o.sampleEvery, VIDEO_RANGES.sampleEvery);
  const framesToDecide = argument('framesToDecide', o.framesToDecide, VIDEO_RANGES.framesToDecide, VIDEO_DEFAULTS.framesToDecide);
  const minFaceSize = argument('minFaceSize', o.minFaceSize, VIDEO_RANGES.minFaceSize);
  return {
    ...(sampleEvery !== undefined && { sampleEvery }),
    ...(minFaceSize !== undefined && { minFaceSize }),
    ...(o.detector != null && { detector: detectorArgument(o.detector).detector }),
    framesToDecide,
    decision: o.decision ?? 'VOTE',
    tolerance: toleranceArgument(o.tolerance, config.tolerance),
    annotate: o.annotate ?? false,
    maxDuration: config.videoMaxSeconds,
  };
}
