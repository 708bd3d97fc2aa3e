// VideoJob: a row of the video_jobs table; its result is stored JSON, parsed when asked for.
import type { VideoJobResolvers } from '../generated.js';
import { videoFileUrl } from '../context.js';
import { ANNOTATED_NAME } from '../../video/job-files.js';
import { parseResult } from '../../video/stored-result.js';

export const VideoJob: VideoJobResolvers = {
  error: (j) => (j.errorCode ? { code: j.errorCode, message: j.errorMessage ?? j.errorCode } : null),
  result: (j) => {
    const r = parseResult(j);
    return r && { ...r, tracks: r.tracks.map((t) => ({ ...t, jobId: j.id })) };
  },
  annotatedVideoUrl: (j) => (j.status === 'DONE' && j.annotated ? videoFileUrl(j.id, ANNOTATED_NAME) : null),
};
