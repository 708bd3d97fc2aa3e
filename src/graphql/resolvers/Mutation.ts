// Mutation: enrol photos, rename people, delete people and photos.
import type { MutationResolvers } from '../generated.js';
import { cleanName } from '../../gallery.js';
import { readUpload } from '../upload.js';
import { requireRowId } from './ids.js';

export const Mutation: MutationResolvers = {
  addPerson: async (_parent, { file, firstName, surName }, { gallery, config }) => {
    // Names are checked before the upload is read so a bad name costs no image work.
    cleanName(firstName, 'firstName');
    cleanName(surName, 'surName');
    const photo = await readUpload(file, config.maxUploadMb);
    return gallery.addPerson(photo, firstName, surName);
  },

  addFace: async (_parent, { personId, file }, { gallery, config }) => {
    const id = requireRowId(personId);
    const photo = await readUpload(file, config.maxUploadMb);
    return gallery.addFace(id, photo);
  },

  renamePerson: (_parent, { id, firstName, surName }, { gallery }) => gallery.renamePerson(requireRowId(id), firstName, surName),

  deletePerson: async (_parent, { id }, { gallery }) => {
    const { removedFaces } = await gallery.deletePerson(requireRowId(id));
    return { id, deleted: true, removedFaces };
  },

  deleteFace: async (_parent, { imageId }, { gallery }) => {
    const { removedFaces } = await gallery.deleteFace(imageId);
    return { id: imageId, deleted: true, removedFaces };
  },
};
