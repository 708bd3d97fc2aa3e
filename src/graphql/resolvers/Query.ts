// Query: look people up, search a photo, follow video jobs, report the gallery's health.
import type { QueryResolvers } from '../generated.js';
import { isValidTolerance } from '../../config.js';
import { MAX_NAME_LENGTH } from '../../gallery/index.js';
import { userError } from '../errors.js';
import { readUpload } from '../upload.js';
import { decodeCursor, encodeCursor, parseRowId } from './ids.js';

export const MAX_PAGE_SIZE = 100;

export const Query: QueryResolvers = {
  personById: (_parent, { id }, { gallery }) => {
    const n = parseRowId(id);
    return (n !== null && gallery.person(n)) || null;
  },

  personByImageId: (_parent, { imageId }, { gallery }) => {
    return gallery.personByImageId(imageId) ?? null;
  },

  people: (_parent, { name, first, after }, { gallery }) => {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
      throw userError('BAD_USER_INPUT', `Expected first between 0 and ${MAX_PAGE_SIZE} but received ${limit}`);
    }
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

  searchFace: async (_parent, { file, tolerance }, { gallery, config }) => {
    if (tolerance != null && !isValidTolerance(tolerance)) {
      throw userError('BAD_USER_INPUT', `Expected tolerance in (0, 1] but received ${tolerance}`);
    }
    const photo = await readUpload(file, config.maxUploadMb);
    return gallery.search(photo, tolerance ?? config.tolerance);
  },

  videoJob: (_parent, { id }, { videoJobs }) => videoJobs.get(id) ?? null,

  videoJobs: (_parent, { first }, { videoJobs }) => {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
      throw userError('BAD_USER_INPUT', `Expected first between 0 and ${MAX_PAGE_SIZE} but received ${limit}`);
    }
    return videoJobs.list(limit);
  },

  health: (_parent, _args, { gallery, config }) => ({
    people: gallery.countPeople(),
    faces: gallery.countFaces(),
    tolerance: config.tolerance,
    maxUploadMb: config.maxUploadMb,
    apiKeyRequired: config.apiKeys.length > 0,
    maxVideoMb: config.maxVideoMb,
    videoMaxSeconds: config.videoMaxSeconds,
  }),
};
