// ImportResult: one file of an importPhotos request.
import type { ImportResultResolvers } from '../generated.js';

export const ImportResult: ImportResultResolvers = {
  photoId: (r) => (r.outcome ? String(r.outcome.photo.id) : null),
  facesFound: (r) => r.outcome?.facesFound ?? 0,
  named: (r) => r.outcome?.named ?? [],
  unnamed: (r) => r.outcome?.unnamed ?? [],
  dropped: (r) => r.outcome?.dropped ?? 0,
};
