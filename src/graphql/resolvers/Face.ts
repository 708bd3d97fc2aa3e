// Face: one stored photo and the face enrolled from it.
import type { FaceResolvers } from '../generated.js';
import { cropUrl, imageUrl } from '../context.js';
import { userError } from '../errors.js';

export const Face: FaceResolvers = {
  url: (f) => imageUrl(f.fileName),
  cropUrl: (f) => cropUrl(f.imageId),
  source: async (f, _args, { gallery }) => (f.photoId === null ? null : ((await gallery.collection.importedPhoto(f.photoId))?.source ?? null)),
  person: async (f, _args, { gallery }) => {
    const person = f.personId === null ? undefined : await gallery.person(f.personId);
    // Only reachable when the person was deleted (or the face moved back to the unnamed ones) while this response was built.
    if (!person) throw userError('NOT_FOUND', `The person of photo ${f.imageId} no longer exists`);
    return person;
  },
};
