// Person: a row of the people table, with its name, photos and faces.
import type { PersonResolvers } from '../generated.js';
import { fullName } from '../../gallery/index.js';
import { imageUrl } from '../context.js';
import { argument, FACES_PAGE_SIZE, PAGE_SIZE } from '../arguments.js';

export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  fullName: (p) => fullName(p),
  photoUrl: async (p, _args, { gallery }) => {
    const first = await gallery.firstFaceOf(p.id);
    return first ? imageUrl(first.fileName) : null;
  },
  faceCount: (p, _args, { gallery }) => gallery.faceCountOf(p.id),
  faces: (p, { first, after }, { gallery }) => gallery.facesOf(p.id, argument('first', first, PAGE_SIZE, FACES_PAGE_SIZE), after ?? undefined),
};
