// AddFaceResult: what addPerson and addFace report about the enrolled photo.
import type { AddFaceResultResolvers } from '../generated.js';
import { imageUrl } from '../context.js';
import { enrolmentAdvice } from '../../gallery/outlook.js';

export const AddFaceResult: AddFaceResultResolvers = {
  imageId: (r) => r.face.imageId,
  url: (r) => imageUrl(r.face.fileName),
  person: (r) => r.person,
  face: (r) => r.face,
  facesDetected: (r) => r.facesDetected,
  faceIndex: (r) => r.faceIndex,
  advice: async (r, _args, { gallery }) => enrolmentAdvice(await gallery.faceCountOf(r.person.id)),
  createdPerson: (r) => r.createdPerson,
};
