// Faces: one row per stored photo, with the box and the 128-d encoding (512 bytes, little-endian float32) of the
// enrolled face. The rows, the encoding's byte form and the table's interface; each engine implements it.
import type { Box } from '../core/types.js';

export const ENCODING_LENGTH = 128;

export interface FaceRow {
  /** Row id; also the face's id in the FaceIndex. */
  id: number;
  /** Public id of the stored photo (a UUID). */
  imageId: string;
  personId: number;
  /** `<imageId>.<ext>` in the images folder. */
  fileName: string;
  box: Box;
  /** ISO-8601, UTC. */
  createdAt: string;
}

/** A faces row as both engines return it. */
export interface RawFace {
  id: number;
  image_id: string;
  person_id: number;
  file_name: string;
  box_x: number;
  box_y: number;
  box_width: number;
  box_height: number;
  created_at: string;
}

export const faceFromRow = (r: RawFace): FaceRow => ({
  id: r.id,
  imageId: r.image_id,
  personId: r.person_id,
  fileName: r.file_name,
  box: { x: r.box_x, y: r.box_y, width: r.box_width, height: r.box_height },
  createdAt: r.created_at,
});

export interface NewFace {
  imageId: string;
  personId: number;
  fileName: string;
  box: Box;
  encoding: Float32Array;
  createdAt?: string;
}

/**
 * Where a snapshot of every stored encoding goes, a batch at a time (so a large gallery is never in memory twice):
 * first how many there are, then batches packed for FaceIndex.addMany (ids[i] owns encodings[i*128 .. i*128+127]).
 */
export interface EncodingSink {
  expect(count: number): void;
  add(ids: number[], encodings: Float32Array): void;
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
  /** The person of each of these face ids that still has a row. */
  personIds(faceIds: number[]): Promise<Map<number, number>>;
  /** Which of these photo file names belong to a face row whose deletion committed (the erased_photos record). */
  erased(fileNames: string[]): Promise<Set<string>>;
  /** Every encoding, read in one consistent snapshot and handed to `sink` a batch at a time. */
  readEncodings(sink: EncodingSink): Promise<EncodingSnapshot>;
}
