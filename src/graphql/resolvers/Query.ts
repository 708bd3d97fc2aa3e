// Query: look people up, search a photo, follow video jobs, report the gallery's health.
import type { QueryResolvers } from '../generated.js';
import { RECOGNISABLE_FACE_PX } from '../../core/index.js';
import { MAX_NAME_LENGTH } from '../../gallery/index.js';
import { argument, DEFAULT_PAGE_SIZE, detectorArgument, PAGE_SIZE, toleranceArgument } from '../arguments.js';
import { userError } from '../errors.js';
import { decodeCursor, encodeCursor, parseRowId } from './ids.js';

export const Query: QueryResolvers = {
  personById: (_parent, { id }, { gallery }) => {
    const n = parseRowId(id);
    return (n !== null && gallery.person(n)) || null;
  },

  personByImageId: (_parent, { imageId }, { gallery }) => {
    return gallery.personByImageId(imageId) ?? null;
  },

  people: (_parent, { name, first, after }, { gallery }) => {
    const limit = argument('first', first, PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const nameContains = (name ?? '').normalize('NFC').trim();
    if ([...nameContains].length > 2 * MAX_NAME_LENGTH + 1) {
      throw userError('BAD_USER_INPUT', `Expected name of at most ${2 * MAX_NAME_LENGTH + 1} characters`);
    }
    const afterId = after ? decodeCursor(after) : 0;
    const rows = gallery.findPeople({ nameContains, afterId, limit: limit + 1 });
    const nodes = rows.slice(0, limit);
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount: gallery.countPeople(nameContains),
      pageInfo: { endCursor: last ? encodeCursor(last.id) : null, hasNextPage: rows.length > limit },
    };
  },

  searchFace: async (_parent, { file, tolerance, detector }, { gallery, config, uploads }) => {
    const t = toleranceArgument(tolerance, config.tolerance);
    const photo = await uploads.photo(file, config.maxUploadMb);
    return gallery.search(photo, t, detectorArgument(detector));
  },

  videoJob: (_parent, { id }, { videoJobs }) => videoJobs.get(id) ?? null,

  videoJobs: (_parent, { first }, { videoJobs }) => {
    return videoJobs.list(argument('first', first, PAGE_SIZE, DEFAULT_PAGE_SIZE));
  },

  health: (_parent, _args, { gallery, config }) => ({
    people: gallery.countPeople(),
    faces: gallery.countFaces(),
    tolerance: config.tolerance,
    maxUploadMb: config.maxUploadMb,
    apiKeyRequired: config.apiKeys.length > 0,
    maxVideoMb: config.maxVideoMb,
    videoMaxSeconds: config.videoMaxSeconds,
    detector: gallery.detection.detector === 'cnn' ? 'CNN' : 'HOG',
    minFacePx: gallery.detection.minFacePx,
    recognisableFacePx: RECOGNISABLE_FACE_PX,
  }),
};
