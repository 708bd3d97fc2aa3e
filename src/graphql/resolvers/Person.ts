// Person: a row of the people table, with its name, photos and faces.
import type { PersonResolvers } from '../generated.js';
import { fullName } from '../../gallery/index.js';
import { imageUrl } from '../context.js';

export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  fullName: (p) => fullName(p),
  photoUrl: async (p, _args, { gallery }) => {
    const first = await gallery.firstFaceOf(p.id);
    return first ? imageUrl(first.fileName) : null;
  },
  faceCount: (p, _args, { gallery }) => gallery.faceCountOf(p.id),
  faces: (p, _args, { gallery }) => gallery.facesOf(p.id),
};
