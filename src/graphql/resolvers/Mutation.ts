// Mutation: enrol photos, rename people, delete people and photos; start and cancel video jobs.
import type { MutationResolvers } from '../generated.js';
import { personName } from '../../gallery/index.js';
import { detectorArgument, faceIndexArgument } from '../arguments.js';
import { userError } from '../errors.js';
import { openUpload, saveUpload } from '../upload.js';
import { requireRowId } from './ids.js';
import { videoJobOptions } from './videoOptions.js';

export const Mutation: MutationResolvers = {
  addPerson: async (_parent, { file, firstName, surName, detector, faceIndex }, { gallery, config, uploads }) => {
    // The name is checked before the upload is read so a bad name costs no image work.
    const name = personName(firstName, surName);
    const choice = faceIndexArgument(faceIndex);
    const photo = await uploads.photoToEnrol(file, config.maxUploadMb);
    return gallery.addPerson(photo, name, { ...detectorArgument(detector), ...choice });
  },

  addFace: async (_parent, { personId, file, detector, faceIndex }, { gallery, config, uploads }) => {
    const id = requireRowId(personId);
    const choice = faceIndexArgument(faceIndex);
    const photo = await uploads.photoToEnrol(file, config.maxUploadMb);
    return gallery.addFace(id, photo, { ...detectorArgument(detector), ...choice });
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

  recognizeVideo: async (_parent, { file, options }, { videoJobs, config }) => {
    // Options and the file name (in create) are checked before any byte is stored.
    const jobOptions = videoJobOptions(options, config);
    const upload = await openUpload(file, config.maxVideoMb);
    return videoJobs.create(upload.filename ?? '', jobOptions, async (tempPath) => {
      const size = await saveUpload(upload, tempPath, config.maxVideoMb);
      if (size === 0) throw userError('INVALID_VIDEO', 'The file is empty.');
    });
  },

  cancelVideoJob: async (_parent, { id }, { videoJobs }) => {
    const job = await videoJobs.cancel(id);
    if (!job) throw userError('NOT_FOUND', `No video job has the id ${JSON.stringify(id.slice(0, 64))}`);
    return job;
  },
};
