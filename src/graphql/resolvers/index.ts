// All resolvers, one file per GraphQL type; types without a file resolve their fields by name.
import type { Resolvers } from '../generated.js';
import { Query } from './Query.js';
import { Mutation } from './Mutation.js';
import { Person } from './Person.js';
import { Face } from './Face.js';
import { FaceGroup } from './FaceGroup.js';
import { ImportResult } from './ImportResult.js';
import { MoveFacesResult } from './MoveFacesResult.js';
import { UnnamedFace } from './UnnamedFace.js';
import { AddFaceResult } from './AddFaceResult.js';
import { SearchResult } from './SearchResult.js';
import { VideoJob } from './VideoJob.js';
import { VideoTrack } from './VideoTrack.js';
import { DateTime, Upload } from './scalars.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Person,
  Face,
  FaceGroup,
  ImportResult,
  MoveFacesResult,
  UnnamedFace,
  AddFaceResult,
  SearchResult,
  VideoJob,
  VideoTrack,
  DateTime,
  Upload,
};
