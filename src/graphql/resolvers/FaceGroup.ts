// FaceGroup: unnamed faces that look like one person, named after a number.
import type { FaceGroupResolvers } from '../generated.js';
import { argument, FACES_PAGE_SIZE, PAGE_SIZE } from '../arguments.js';

export const FaceGroup: FaceGroupResolvers = {
  id: (g) => String(g.groupId),
  size: (g) => g.size,
  faces: (g, { first }, { gallery }) => gallery.collection.groupFaces(g.groupId, argument('first', first, PAGE_SIZE, FACES_PAGE_SIZE)),
};
