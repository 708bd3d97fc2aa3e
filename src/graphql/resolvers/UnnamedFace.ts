// UnnamedFace: a face an import kept without a name, and the group it is in.
import type { UnnamedFaceResolvers } from '../generated.js';
import { cropUrl } from '../context.js';

export const UnnamedFace: UnnamedFaceResolvers = {
  cropUrl: (f) => cropUrl(f.imageId),
  groupId: (f) => String(f.groupId ?? ''),
  source: async (f, _args, { gallery }) => (f.photoId === null ? null : ((await gallery.collection.importedPhoto(f.photoId))?.source ?? null)),
};
