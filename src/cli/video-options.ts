// The video command's flags as recognition options, each checked against the core's ranges
// (a bad value exits with INVALID_ARGUMENT before any video is opened).
import type { Config } from '../config.js';
import { invalidArgument } from '../core/errors.js';
import { checkRange, RANGES, VIDEO_DEFAULTS, VIDEO_RANGES, type Range } from '../core/limits.js';
import { DECISION_METHODS, type DecisionMethod } from '../video/decide.js';
import type { VideoRecognitionOptions } from '../video/recognize.js';

export interface VideoFlags {
  decision?: string;
  every?: string;
  frames?: string;
  'min-face'?: string;
  tolerance?: string;
  upsample?: string;
  'max-duration'?: string;
}

function flag(name: string, raw: string | undefined, range: Range, fallback: number): number {
  if (raw === undefined) return fallback;
  return checkRange(`--${name}`, raw.trim() === '' ? NaN : Number(raw), range);
}

export function cliVideoOptions(flags: VideoFlags, config: Config): VideoRecognitionOptions {
  const decision = (flags.decision ?? 'VOTE').toUpperCase();
  if (!(DECISION_METHODS as readonly string[]).includes(decision)) throw invalidArgument('--decision', 'VOTE or FUSION', flags.decision);
  return {
    decision: decision as DecisionMethod,
    tolerance: flag('tolerance', flags.tolerance, RANGES.tolerance, config.tolerance),
    sampleEvery: flag('every', flags.every, VIDEO_RANGES.sampleEvery, VIDEO_DEFAULTS.sampleEvery),
    framesToDecide: flag('frames', flags.frames, VIDEO_RANGES.framesToDecide, VIDEO_DEFAULTS.framesToDecide),
    minFaceSize: flag('min-face', flags['min-face'], VIDEO_RANGES.minFaceSize, VIDEO_DEFAULTS.minFaceSize),
    upsample: flag('upsample', flags.upsample, VIDEO_RANGES.upsample, VIDEO_DEFAULTS.upsample),
    // No duration limit unless asked (unlike the service's VIDEO_MAX_SECONDS): the command line reads streams that never end.
    maxDuration: flag('max-duration', flags['max-duration'], VIDEO_RANGES.maxDuration, VIDEO_DEFAULTS.maxDuration),
  };
}
