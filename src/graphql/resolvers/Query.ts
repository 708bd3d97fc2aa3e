// Query: look people up, search a photo, follow video jobs, report the gallery's health.
import type { QueryResolvers } from '../generated.js';
import { detectorKernels, RECOGNISABLE_FACE_PX } from '../../core/index.js';
import { MAX_NAME_LENGTH } from '../../gallery/index.js';
import { argument, DEFAULT_PAGE_SIZE, detectorArgument, PAGE_SIZE, toleranceArgument } from '../arguments.js';
import { userError } from '../errors.js';
import type { Gallery } from '../../gallery/index.js';
import { decodeCursor, decodeGroupCursor, encodeCursor, encodeGroupCursor, parseRowId } from './ids.js';

/** The replica's place in the change feed, with the head read from the database now. */
async function changeFeedOf(gallery: Gallery) {
  const s = await gallery.feedState();
  if (!s) return null;
  return {
    position: s.position,
    head: s.head,
    lag: Math.max(0, s.head - s.position),
    appliedAt: s.appliedAt === null ? null : new Date(s.appliedAt).toISOString(),
  };
}

export const Query: QueryResolvers = {
  personById: async (_parent, { id }, { gallery }) => {
    const n = parseRowId(id);
    return (n !== null && (await gallery.person(n))) || null;
  },

  personByImageId: async (_parent, { imageId }, { gallery }) => {
    return (await gallery.personByImageId(imageId)) ?? null;
  },

  people: async (_parent, { name, first, after }, { gallery }) => {
    const limit = argument('first', first, PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const nameContains = (name ?? '').normalize('NFC').trim();
    if ([...nameContains].length > 2 * MAX_NAME_LENGTH + 1) {
      throw userError('BAD_USER_INPUT', `Expected name of at most ${2 * MAX_NAME_LENGTH + 1} characters`);
    }
    const afterId = after ? decodeCursor(after) : 0;
    const [rows, totalCount] = await Promise.all([
      gallery.findPeople({ nameContains, afterId, limit: limit + 1 }),
      gallery.countPeople(nameContains),
    ]);
    const nodes = rows.slice(0, limit);
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount,
      pageInfo: { endCursor: last ? encodeCursor(last.id) : null, hasNextPage: rows.length > limit },
    };
  },

  searchFace: async (_parent, { file, tolerance, detector }, { gallery, config, uploads }) => {
    // A tolerance given asks for the raw rule; without one the open-set rule decides.
    const t = tolerance == null ? undefined : toleranceArgument(tolerance, config.tolerance);
    const photo = await uploads.photo(file, config.maxUploadMb);
    return gallery.search(photo, t, detectorArgument(detector));
  },

  videoJob: async (_parent, { id }, { videoJobs }) => (await videoJobs.get(id)) ?? null,

  videoJobs: (_parent, { first }, { videoJobs }) => {
    return videoJobs.list(argument('first', first, PAGE_SIZE, DEFAULT_PAGE_SIZE));
  },

  health: async (_parent, _args, { gallery, config }) => ({
    people: await gallery.countPeople(),
    faces: await gallery.countFaces(),
    tolerance: config.tolerance,
    matchFpir: config.matchFpir,
    maxUploadMb: config.maxUploadMb,
    apiKeyRequired: config.apiKeys.length > 0,
    maxVideoMb: config.maxVideoMb,
    videoMaxSeconds: config.videoMaxSeconds,
    detector: gallery.detection.detector === 'cnn' ? 'CNN' : 'HOG',
    detectorKernels: detectorKernels().path,
    minFacePx: gallery.detection.minFacePx,
    recognisableFacePx: RECOGNISABLE_FACE_PX,
    store: gallery.storeEngine === 'postgres' ? 'POSTGRES' : 'SQLITE',
    changeFeed: await changeFeedOf(gallery),
    unnamedFaces: gallery.unnamedSize,
    maxUnnamedFaces: config.maxUnnamedFaces,
  }),

  faceGroups: async (_parent, { first, after }, { gallery }) => {
    const limit = argument('first', first, PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const offset = after ? decodeGroupCursor(after) : 0;
    const [rows, totalCount] = await Promise.all([gallery.collection.groups(offset, limit + 1), gallery.collection.countGroups()]);
    const nodes = rows.slice(0, limit);
    return {
      nodes,
      totalCount,
      pageInfo: { endCursor: nodes.length > 0 ? encodeGroupCursor(offset + nodes.length) : null, hasNextPage: rows.length > limit },
    };
  },

  faceGroup: async (_parent, { id }, { gallery }) => {
    const n = parseRowId(id);
    return n === null ? null : ((await gallery.collection.group(n)) ?? null);
  },
};
