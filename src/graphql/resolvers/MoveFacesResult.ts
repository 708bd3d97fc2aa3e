// MoveFacesResult: where moveFaces put the faces.
import type { MoveFacesResultResolvers } from '../generated.js';

export const MoveFacesResult: MoveFacesResultResolvers = {
  groupId: (r) => (r.groupId === null ? null : String(r.groupId)),
};
