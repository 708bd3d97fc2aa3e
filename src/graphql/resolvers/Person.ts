// Person: a row of the people table, with its name, photos and faces.
import type { PersonResolvers } from '../generated.js';
import { fullName } from '../../gallery.js';
import { imageUrl } from '../context.js';

export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  fullName: (p) => fullName(p),
  photoUrl: (p, _args, { gallery }) => {
    const first = gallery.faces.firstOfPerson(p.id);
    return first ? imageUrl(first.fileName) : null;
  },
  faceCount: (p, _args, { gallery }) => gallery.faces.countByPerson(p.id),
  faces: (p, _args, { gallery }) => gallery.faces.listByPerson(p.id),
};
