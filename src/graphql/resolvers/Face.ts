// Face: one stored photo and the face enrolled from it.
import type { FaceResolvers } from '../generated.js';
import { imageUrl } from '../context.js';
import { userError } from '../errors.js';

export const Face: FaceResolvers = {
  url: (f) => imageUrl(f.fileName),
  person: async (f, _args, { gallery }) => {
    const person = await gallery.person(f.personId);
    // Only reachable when the person was deleted while this response was being built.
    if (!person) throw userError('NOT_FOUND', `The person of photo ${f.imageId} no longer exists`);
    return person;
  },
};
