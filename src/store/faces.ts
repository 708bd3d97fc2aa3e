// Faces: one row per stored face, with its box, the 128-d encoding (512 bytes, little-endian float32) and a small
// crop. A face enrolled with addPerson/addFace keeps its whole photo (file_name); a face kept by an import keeps its
// crop there instead, and has no person until someone names it: until then it is in a group of similar unnamed
// faces (group_id). The rows, the encoding's byte form and the table's interface; each engine implements it.
import type { Box } from '../core/types.js';

export const ENCODING_LENGTH = 128;

export interface FaceRow {
  /** Row id; also the face's id in the FaceIndex. */
  id: number;
  /** Public id of the stored photo (a UUID). */
  imageId: string;
  /** Null for a face nobody has named yet. */
  personId: number | null;
  /** `<imageId>.<ext>` in the images folder. */
  fileName: string;
  box: Box;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** The imported photo it was kept from; null for a photo enrolled with addPerson/addFace. */
  photoId: number | null;
  /** An unnamed face's group (a number naming it); null once named. */
  groupId: number | null;
  /** An unnamed face someone marked as nobody to name: never suggested again. */
  ignored: boolean;
}

/** A faces row as both engines return it. */
export interface RawFace {
  id: number;
  image_id: string;
  person_id: number | null;
  file_name: string;
  box_x: number;
  box_y: number;
  box_width: number;
  box_height: number;
  created_at: string;
  photo_id: number | null;
  group_id: number | null;
  ignored: number | boolean;
}

/** The columns faceFromRow reads. */
export const FACE_COLUMNS = 'id, image_id, person_id, file_name, box_x, box_y, box_width, box_height, created_at, photo_id, group_id, ignored';

export const faceFromRow = (r: RawFace): FaceRow => ({
  id: r.id,
  imageId: r.image_id,
  personId: r.person_id,
  fileName: r.file_name,
  box: { x: r.box_x, y: r.box_y, width: r.box_width, height: r.box_height },
  createdAt: r.created_at,
  photoId: r.photo_id,
  groupId: r.group_id,
  ignored: Boolean(r.ignored),
});

/** A face to store: a person's, or an unnamed one with its group. */
export interface NewFace {
  imageId: string;
  personId: number | null;
  /** Required when personId is null. */
  groupId?: number | null;
  photoId?: number | null;
  ignored?: boolean;
  fileName: string;
  box: Box;
  encoding: Float32Array;
  /** A small JPEG of the face. */
  crop?: Buffer | null;
  createdAt?: string;
}

/** Which index a stored encoding belongs in: the named faces searches match, or the unnamed ones imports group. */
export type IndexedAs = 'named' | 'unnamed';

/** A group of unnamed faces and its size. */
export interface FaceGroupRow {
  groupId: number;
  size: number;
}

/** An unnamed face's place, for grouping a new face with its nearest neighbours. */
export interface GroupMember {
  groupId: number;
  ignored: boolean;
  /** Faces in its group. */
  groupSize: number;
}

/**
 * Where a snapshot of every stored encoding goes, a batch at a time (so a large gallery is never in memory twice):
 * first how many there are, then batches packed for FaceIndex.addMany (ids[i] owns encodings[i*128 .. i*128+127]).
 */
export interface EncodingSink {
  expect(count: number): void;
  add(ids: number[], encodings: Float32Array, as: IndexedAs): void;
}

/** What a snapshot held. */
export interface EncodingSnapshot {
  count: number;
  /** The change feed's number these rows are at (every change up to it is in them); null without a feed (SQLite). */
  position: number | null;
}

/** Encodings handed to an EncodingSink at a time (and rows fetched per round trip on PostgreSQL): about 5 MB. */
export const SNAPSHOT_BATCH = 10_000;

/** Float32Array → 512-byte little-endian bytes (a copy, so later changes to the array don't leak in). */
export function encodingToBlob(encoding: Float32Array): Buffer {
  if (encoding.length !== ENCODING_LENGTH) {
    throw new TypeError(`Expected an encoding of ${ENCODING_LENGTH} floats but received ${encoding.length}`);
  }
  return Buffer.from(new Float32Array(encoding).buffer);
}

export function blobToEncoding(blob: Buffer): Float32Array {
  const out = new Float32Array(ENCODING_LENGTH);
  new Uint8Array(out.buffer).set(blob.subarray(0, ENCODING_LENGTH * 4));
  return out;
}

/** Packs rows' 512-byte encodings into one Float32Array. */
export function packEncodings(blobs: Buffer[]): Float32Array {
  const encodings = new Float32Array(blobs.length * ENCODING_LENGTH);
  new Uint8Array(encodings.buffer).set(Buffer.concat(blobs));
  return encodings;
}

/** A page of a person's faces: at most `limit` rows with an id above `afterId`. */
export interface FacePage {
  afterId: number;
  limit: number;
}

export interface FacesStore {
  insert(face: NewFace): Promise<FaceRow>;
  get(id: number): Promise<FaceRow | undefined>;
  getByImageId(imageId: string): Promise<FaceRow | undefined>;
  /** Oldest first; with a page, at most `limit` rows after the row `afterId`. */
  listByPerson(personId: number, page?: FacePage): Promise<FaceRow[]>;
  firstOfPerson(personId: number): Promise<FaceRow | undefined>;
  countByPerson(personId: number): Promise<number>;
  count(): Promise<number>;
  delete(id: number): Promise<boolean>;
  /** Every row's id and file name (for reconciling rows with the files on disk). */
  fileNames(): Promise<{ id: number; fileName: string }[]>;
  /** The person of each of these face ids that still has a row and a person. */
  personIds(faceIds: number[]): Promise<Map<number, number>>;
  /** Which of these photo file names belong to a face row whose deletion committed (the erased_photos record). */
  erased(fileNames: string[]): Promise<Set<string>>;
  /** Every encoding, read in one consistent snapshot and handed to `sink` a batch at a time. */
  readEncodings(sink: EncodingSink): Promise<EncodingSnapshot>;

  // ---- a collection's faces
  getMany(imageIds: string[]): Promise<FaceRow[]>;
  listByPhoto(photoId: number): Promise<FaceRow[]>;
  /** The crop JPEG of a face, or null when none was made yet (faces enrolled before crops existed). */
  crop(imageId: string): Promise<Buffer | null | undefined>;
  setCrop(id: number, crop: Buffer): Promise<void>;
  /** Unnamed faces (ignored ones included). */
  countUnnamed(): Promise<number>;
  /** The group and ignored mark of each of these unnamed face ids. */
  groupMembers(faceIds: number[]): Promise<Map<number, GroupMember>>;
  /** Groups with at least one face not ignored, largest first (then oldest), counting those faces. */
  listGroups(offset: number, limit: number): Promise<FaceGroupRow[]>;
  countGroups(): Promise<number>;
  /** A group's faces that are not ignored, oldest first. */
  listGroup(groupId: number, limit: number): Promise<FaceRow[]>;
  /** Every face of these groups moves into `into`. */
  mergeGroups(groupIds: number[], into: number): Promise<void>;
  /** Gives these faces a person (groupId null), or takes theirs away into a group (personId null). */
  assign(faceIds: number[], personId: number | null, groupId: number | null): Promise<void>;
  /** Every face of one person becomes another's. */
  reassignPerson(fromPersonId: number, toPersonId: number): Promise<number>;
  setIgnored(faceIds: number[], ignored: boolean): Promise<void>;
  /** Every unnamed face's id, encoding and ignored mark, oldest first (for a full regrouping). */
  unnamedEncodings(): Promise<{ ids: number[]; encodings: Float32Array; ignored: boolean[] }>;
  /** The encodings of these faces that still have a row. */
  encodingsOf(faceIds: number[]): Promise<Map<number, Float32Array>>;
  /** A number no group has: one more than the largest in use (inside a transaction, which writers take in turn). */
  nextGroupId(): Promise<number>;
  /** Sets many faces' groups at once: ids[i] goes into groupIds[i]. */
  setGroups(ids: number[], groupIds: number[]): Promise<void>;
}
