// Mutation: enrol photos, rename people, delete people and photos; import photos and turn groups of unnamed faces
// into people; start and cancel video jobs.
import type { MutationResolvers } from '../generated.js';
import { personName } from '../../gallery/index.js';
import type { PersonTarget } from '../../collection/collection.js';
import { detectorArgument, faceIndexArgument } from '../arguments.js';
import type { ImportResultModel } from '../context.js';
import { MAX_IMPORT_FILES } from '../multipart.js';
import { codedError, userError } from '../errors.js';
import { openUpload, saveUpload } from '../upload.js';
import { requireRowId } from './ids.js';
import { videoJobOptions } from './videoOptions.js';

/** A person given by id, or by name (both name parts); null when neither is given and `optional`. */
function personTarget(
  personId: string | null | undefined,
  firstName: string | null | undefined,
  surName: string | null | undefined,
): PersonTarget | null {
  if (personId != null) {
    if (firstName != null || surName != null)
      throw userError('BAD_USER_INPUT', 'Expected either personId or a name (firstName and surName), not both');
    return { personId: requireRowId(personId) };
  }
  if (firstName == null && surName == null) return null;
  return { name: personName(firstName ?? '', surName ?? '') };
}

/** A group id, checked the way person ids are. */
const groupIdArgument = (id: string): number => requireRowId(id, 'group of unnamed faces');

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

  importPhotos: async (_parent, { files, detector }, { gallery, config, uploads }) => {
    if (files.length === 0 || files.length > MAX_IMPORT_FILES) {
      throw userError('BAD_USER_INPUT', `Expected between 1 and ${MAX_IMPORT_FILES} files but received ${files.length}`);
    }
    const overrides = detectorArgument(detector);
    const results: ImportResultModel[] = [];
    // One at a time: each photo's analysis already uses the service's whole thread budget.
    for (const file of files) {
      let fileName = '';
      try {
        const photo = await uploads.photoToEnrol(file, config.maxUploadMb);
        fileName = photo.filename;
        const outcome = await gallery.collection.importPhoto(photo, photo.filename, overrides);
        results.push({ fileName, status: outcome.status, error: null, outcome });
      } catch (err) {
        const error = codedError(err);
        if (!error) throw err;
        results.push({ fileName, status: 'FAILED', error, outcome: null });
      }
    }
    return results;
  },

  nameFaceGroup: async (_parent, { groupId, personId, firstName, surName }, { gallery }) => {
    const target = personTarget(personId, firstName, surName);
    if (!target) throw userError('BAD_USER_INPUT', 'Expected personId or a name (firstName and surName)');
    return gallery.collection.nameGroup(groupIdArgument(groupId), target);
  },

  moveFaces: (_parent, { imageIds, personId, firstName, surName }, { gallery }) =>
    gallery.collection.moveFaces(imageIds, personTarget(personId, firstName, surName)),

  mergePeople: (_parent, { sourceId, targetId }, { gallery }) => gallery.collection.mergePeople(requireRowId(sourceId), requireRowId(targetId)),

  ignoreFaces: async (_parent, { imageIds, groupId }, { gallery }) => {
    if ((imageIds == null) === (groupId == null)) throw userError('BAD_USER_INPUT', 'Expected either imageIds or groupId');
    if (groupId != null) return { ignored: await gallery.collection.ignore({ groupId: groupIdArgument(groupId) }) };
    if (imageIds!.length === 0) throw userError('BAD_USER_INPUT', 'Expected at least one face in imageIds');
    return { ignored: await gallery.collection.ignore({ imageIds: imageIds! }) };
  },

  regroupFaces: (_parent, _args, { gallery }) => gallery.collection.regroup(),

  deleteFaces: async (_parent, { imageIds }, { gallery }) => {
    if (imageIds.length === 0) throw userError('BAD_USER_INPUT', 'Expected at least one face in imageIds');
    const { removedFaces } = await gallery.deleteFaces(imageIds);
    return { id: imageIds.join(','), deleted: true, removedFaces };
  },

  deleteImportedPhoto: async (_parent, { id }, { gallery }) => {
    const { removedFaces } = await gallery.collection.deleteImportedPhoto(requireRowId(id, 'imported photo'));
    return { id, deleted: true, removedFaces };
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
