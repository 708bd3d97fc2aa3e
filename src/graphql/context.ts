// What every resolver receives: the gallery, the video jobs, the settings, and how to turn stored names into URLs.
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type { Config } from '../config.js';
import type { Gallery } from '../gallery/index.js';
import type { RequestUploads } from './upload.js';
import type { PersonRow } from '../store/people.js';
import type { FaceGroupRow } from '../store/faces.js';
import type { ImportOutcome } from '../collection/collection.js';
import type { VideoJobList } from '../video/jobs.js';
import type { StoredResult, StoredTrack } from '../video/stored-result.js';

/** The value of an `Upload` argument: graphql-upload resolves it once the file part starts streaming. */
export type UploadArg = Promise<FileUpload>;

export interface PersonConnectionModel {
  nodes: PersonRow[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface FaceGroupConnectionModel {
  nodes: FaceGroupRow[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** One file of an importPhotos request: what its import did, or why it failed. */
export interface ImportResultModel {
  fileName: string;
  status: 'IMPORTED' | 'ALREADY_IMPORTED' | 'NO_FACE_FOUND' | 'FAILED';
  error: { code: string; message: string } | null;
  outcome: ImportOutcome | null;
}

export interface MoveFacesModel {
  moved: number;
  person: PersonRow | null;
  groupId: number | null;
}

/** A stored track with the job it belongs to (its thumbnail URL needs both). */
export type VideoTrackModel = StoredTrack & { jobId: string };

export type VideoResultModel = Omit<StoredResult, 'tracks'> & { tracks: VideoTrackModel[] };

export interface GraphQLContext {
  gallery: Gallery;
  videoJobs: VideoJobList;
  config: Config;
  /** This request's uploads, each read and analysed once. */
  uploads: RequestUploads;
}

/** Where a stored photo is served. URLs are root-relative so they work behind any host name or proxy. */
export const imageUrl = (fileName: string): string => `/images/${fileName}`;

/** Where a stored face's crop is served. */
export const cropUrl = (imageId: string): string => `/crops/${imageId}.jpg`;

/** The picture shown for MULTIPLE_KNOWN_FACES (a drawing of several faces, no real person). */
export const PLACEHOLDER_URL = '/assets/multiple-faces.svg';

/** Where a video job's thumbnail or annotated copy is served (`track-<n>.jpg`, `annotated.mp4`). */
export const videoFileUrl = (jobId: string, fileName: string): string => `/videos/${jobId}/${fileName}`;
