// Where stored photos live: a local folder (the default) or an S3-compatible bucket (PHOTO_STORE=s3://…). Both keep
// the same marks: a photo is written pending and promoted once its row committed; a photo being deleted is marked
// before its row goes. The start-up repair settles only what these marks prove was cut short.
import path from 'node:path';
import { ImageFiles } from './images.js';
import { S3Objects, type S3Settings } from './s3.js';
import { S3PhotoStore } from './s3-photos.js';

/** Which interrupted step a mark records. */
export type PhotoMark = 'pending' | 'deleted';

/** Photos an interrupted run left marked, by final name. */
export interface MarkedPhotos {
  pending: string[];
  deleted: string[];
  /** Marks too recent to settle (they may belong to another process still writing); left for a later start. */
  recent: number;
}

/** Where a served file is read from: a folder (sent with its own checks) or an object streamed from a bucket. */
export type FileSource = { folder: string; parts: string[] } | { objects: S3Objects; name: string };

export interface PhotoStore {
  /** For messages: a folder, or s3://bucket/prefix. */
  readonly location: string;
  /** Writes a photo under its pending mark; throws on any name that is not a stored-photo name. */
  writePending(fileName: string, bytes: Buffer): Promise<void>;
  /** Gives a pending photo its final standing, once its row is committed. */
  promote(fileName: string): Promise<void>;
  /** Removes a pending photo whose row did not commit. */
  removePending(fileName: string): Promise<void>;
  /** Marks a stored photo as being deleted, before its row is; a missing photo is not an error. */
  markDeleted(fileName: string): Promise<void>;
  /** Takes the mark off again (its row was not deleted after all). */
  unmarkDeleted(fileName: string): Promise<void>;
  /**
   * Removes every copy of a photo whose row's deletion committed, whatever it is named or marked now: its final
   * name, a deletion mark (another request's, say) and a pending one. Missing copies are not an error.
   */
  removeErased(fileName: string): Promise<void>;
  /** Removes a stored photo; a missing one is not an error. */
  remove(fileName: string): Promise<void>;
  /** The bytes of a stored photo, or undefined. */
  read(fileName: string): Promise<Buffer | undefined>;
  /** Where to serve a stored photo from (the name is checked by the caller). */
  sourceOf(fileName: string): FileSource;
  /** Names of the stored photos (marked ones and other files left out). */
  listPhotos(): Promise<string[]>;
  /** Photos left pending or marked deleted by an interrupted run. */
  listMarks(): Promise<MarkedPhotos>;
  /** At start-up: the interrupted step is finished (`keep`) or undone (the photo goes). */
  settle(fileName: string, mark: PhotoMark, keep: boolean): Promise<void>;
  /** Removes what interrupted writes left half-done (temp files); returns how many. */
  removeLeftovers(): Promise<number>;
  /** Lets go of its connections (S3); closing again does nothing. */
  close(): void;
}

/**
 * The photo store for these settings, and where video job outputs go: with `s3` (PHOTO_STORE set) the bucket's
 * images/ and videos/ folders; otherwise <dataDir>/images/ and video outputs stay in <dataDir>/videos/.
 */
export function openPhotoStore(dataDir: string, s3?: S3Settings): { photos: PhotoStore; videoOutputs?: S3Objects } {
  if (!s3) return { photos: new ImageFiles(path.join(dataDir, 'images')) };
  return { photos: new S3PhotoStore(new S3Objects(s3, 'images/')), videoOutputs: new S3Objects(s3, 'videos/') };
}
