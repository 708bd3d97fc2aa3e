// AddFaceResult: what addPerson and addFace report about the enrolled photo.
import type { AddFaceResultResolvers } from '../generated.js';
import { imageUrl } from '../context.js';

export const AddFaceResult: AddFaceResultResolvers = {
  imageId: (r) => r.face.imageId,
  url: (r) => imageUrl(r.face.fileName),
  person: (r) => r.person,
  face: (r) => r.face,
  facesDetected: (r) => r.facesDetected,
  createdPerson: (r) => r.createdPerson,
};
