// VideoTrack: one tracked face of a finished job, with the person it was recognised as (if they still exist).
import type { VideoTrackResolvers } from '../generated.js';
import { fullName } from '../../gallery/index.js';
import { videoFileUrl } from '../context.js';
import { thumbnailName } from '../../video/job-files.js';

export const VideoTrack: VideoTrackResolvers = {
  person: async (t, _args, { gallery }) => (t.personId === null ? null : ((await gallery.person(t.personId)) ?? null)),
  // The person's current name (they may have been renamed since); the stored label otherwise.
  label: async (t, _args, { gallery }) => {
    const person = t.personId === null ? undefined : await gallery.person(t.personId);
    return person ? fullName(person) : t.label;
  },
  thumbnailUrl: (t) => (t.thumbnail ? videoFileUrl(t.jobId, thumbnailName(t.id)) : null),
};
