// SearchResult: the original service's answer (status, message, name, photo URL) plus every detected face.
import type { SearchResultResolvers } from '../generated.js';
import { fullName } from '../../gallery/index.js';
import { imageUrl, PLACEHOLDER_URL } from '../context.js';

export const SearchResult: SearchResultResolvers = {
  person: (r) => r.best?.person ?? null,
  fullName: (r) => (r.best ? fullName(r.best.person) : null),
  // The stored photo the match came from, as the original's /search returned the person's photo.
  photoUrl: (r) => {
    if (r.status === 'MULTIPLE_KNOWN_FACES') return PLACEHOLDER_URL;
    return r.best ? imageUrl(r.best.face.fileName) : null;
  },
  distance: (r) => r.best?.distance ?? null,
  confidence: (r) => r.best?.confidence ?? null,
  strangerChance: (r) => r.best?.strangerChance ?? null,
  matchedFace: (r) => r.best?.face ?? null,
};
