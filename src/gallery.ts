// The gallery: enrol, search and delete faces. The one place that keeps the image files,
// the SQLite rows and the in-memory FaceIndex in step.
//
// Order of writes, so that a process killed at any instant leaves nothing a restart can't repair:
//   enrol:  photo → temp file, fsync, rename  →  rows in one transaction  →  index.add after commit
//   delete: rows in one transaction  →  index.remove  →  unlink the files
// On start-up `reconcile()` deletes temp files, photos without a row and rows without a photo,
// then the index is rebuilt from the rows, so files, rows and index agree again.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { FaceCore, FaceIndex, FaceCoreError } from './core/index.js';
import type { AnalyzeResult, AnalyzedFace, Box } from './core/types.js';
import { openDb, type Db } from './store/db.js';
import { PeopleStore, type PersonRow } from './store/people.js';
import { FacesStore, type FaceRow } from './store/faces.js';
import { ImageFiles, imageFileName, type StoredExt } from './store/images.js';

export const NO_FACE_MESSAGE = 'No human face found. Upload a clear picture of a person with the face looking at the camera.';
export const UNKNOWN_MESSAGE = 'Image Unknown';
export const MULTIPLE_KNOWN_FACES_MESSAGE = 'Found More Known Faces';

/** File name extensions accepted on upload (the bytes are checked too). */
export const ALLOWED_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif'];
export const MAX_NAME_LENGTH = 100;

export type GalleryErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'INVALID_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'NO_FACE_FOUND'
  | 'NOT_FOUND'
  | 'NAME_TAKEN';

/** An expected failure caused by the request, with a stable code; anything else is an internal error. */
export class GalleryError extends Error {
  override name = 'GalleryError';
  constructor(readonly code: GalleryErrorCode, message: string) {
    super(message);
  }
}

/** An uploaded photo: its bytes and the name the client gave it. */
export interface Photo {
  bytes: Buffer;
  filename: string;
}

export interface EnrolResult {
  person: PersonRow;
  face: FaceRow;
  facesDetected: number;
  createdPerson: boolean;
}

export interface FaceMatchOutcome {
  person: PersonRow;
  face: FaceRow;
  distance: number;
  confidence: number;
}

export interface DetectedFaceOutcome {
  box: Box;
  score: number;
  match: FaceMatchOutcome | null;
}

export type SearchStatus = 'MATCH' | 'UNKNOWN' | 'MULTIPLE_KNOWN_FACES' | 'NO_FACE_FOUND';

export interface SearchOutcome {
  status: SearchStatus;
  message: string;
  /** The closest match when status is MATCH. */
  best: FaceMatchOutcome | null;
  tolerance: number;
  /** Every detected face, largest first. */
  faces: DetectedFaceOutcome[];
}

export interface ReconcileReport {
  tempFiles: number;
  orphanFiles: number;
  orphanRows: number;
}

/** The parts of the face core the gallery uses (replaceable for tests of the gallery alone). */
export type FaceCoreLike = Pick<FaceCore, 'info' | 'analyze'>;

export interface GalleryOptions {
  dataDir: string;
  tolerance?: number;
  core?: FaceCoreLike;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/**
 * Maps a distance to 0..1 the way face_recognition's wiki does (face_distance_to_conf), with t the tolerance:
 *   d > t:  c = (1 - d) / (2 (1 - t))                       linear, 0.5 at d = t, 0 at d = 1 (clamped at 0)
 *   d ≤ t:  l = 1 - d / (2 t);  c = l + (1 - l) (2 (l - 0.5))^0.2   0.5 at d = t, rising steeply to 1 at d = 0
 * So 0.5 means "exactly at the tolerance"; a same-person distance of 0.4 at t = 0.6 gives ≈ 0.93.
 */
export function distanceToConfidence(distance: number, tolerance: number): number {
  let c: number;
  if (distance > tolerance) {
    c = tolerance >= 1 ? 0 : (1 - distance) / (2 * (1 - tolerance));
  } else {
    const linear = 1 - distance / (2 * tolerance);
    c = linear + (1 - linear) * Math.pow((linear - 0.5) * 2, 0.2);
  }
  return Math.min(1, Math.max(0, c));
}

/** Trims a name part and checks it: non-blank, at most 100 characters, no control characters. */
export function cleanName(value: string, field: string): string {
  const v = value.normalize('NFC').trim();
  if (v.length === 0) throw new GalleryError('BAD_USER_INPUT', `Expected a non-blank ${field}`);
  const length = [...v].length;
  if (length > MAX_NAME_LENGTH) {
    throw new GalleryError('BAD_USER_INPUT', `Expected ${field} of at most ${MAX_NAME_LENGTH} characters but received ${length}`);
  }
  if (/\p{Cc}/u.test(v)) throw new GalleryError('BAD_USER_INPUT', `Expected ${field} without control characters`);
  return v;
}

const FORMAT_EXT: Record<string, StoredExt | undefined> = { jpeg: 'jpg', png: 'png', webp: 'webp', bmp: 'bmp', gif: 'gif' };

/** The lower-cased extension of a file name ("" when it has none; ".jpg" alone has none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Turns the core's errors about the image into GalleryErrors; other errors pass through as internal. */
function imageError(err: unknown): unknown {
  if (!(err instanceof FaceCoreError)) return err;
  switch (err.code) {
    case 'INVALID_IMAGE':
      return new GalleryError('INVALID_IMAGE', `The file is not a readable image: ${err.message}`);
    case 'UNSUPPORTED_FORMAT':
      // The bytes match no known image format: whatever its name says, the file is not an image.
      return new GalleryError('INVALID_IMAGE', 'The file is not an image: its bytes are not JPEG, PNG, WebP, BMP or GIF.');
    case 'IMAGE_TOO_LARGE':
      return new GalleryError('IMAGE_TOO_LARGE', err.message);
    default:
      return err;
  }
}

const largestFirst = (faces: AnalyzedFace[]): AnalyzedFace[] =>
  [...faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);

export class Gallery {
  readonly people: PeopleStore;
  readonly faces: FacesStore;
  readonly images: ImageFiles;
  readonly index = new FaceIndex();
  readonly tolerance: number;
  private readonly core: FaceCoreLike;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private closed = false;

  private constructor(readonly db: Db, opts: GalleryOptions) {
    this.people = new PeopleStore(db);
    this.faces = new FacesStore(db);
    this.images = new ImageFiles(path.join(opts.dataDir, 'images'));
    this.tolerance = opts.tolerance ?? 0.6;
    this.core = opts.core ?? new FaceCore();
    this.logger = opts.logger ?? console;
  }

  /** Opens `<dataDir>/faces.db` and `<dataDir>/images/`, repairs what an interrupted run left, loads the index. */
  static open(opts: GalleryOptions): Gallery {
    const db = openDb(path.join(opts.dataDir, 'faces.db'));
    const g = new Gallery(db, opts);
    try {
      const report = g.reconcile();
      if (report.tempFiles + report.orphanFiles + report.orphanRows > 0) {
        g.logger.warn(
          `gallery: repaired an interrupted run: removed ${report.tempFiles} temp file(s), ` +
            `${report.orphanFiles} photo(s) without a row, ${report.orphanRows} row(s) without a photo`,
        );
      }
      g.loadIndex();
    } catch (err) {
      db.close();
      throw err;
    }
    return g;
  }

  /** Deletes temp files, photos without a row, and rows without a photo. */
  reconcile(): ReconcileReport {
    const tempFiles = this.images.removeTemps();
    const onDisk = new Set(this.images.list());
    const rows = this.faces.fileNames();
    const rowFiles = new Set(rows.map((r) => r.fileName));
    const orphanFiles = [...onDisk].filter((f) => !rowFiles.has(f));
    for (const f of orphanFiles) this.images.removeSync(f);
    const orphanRows = rows.filter((r) => !onDisk.has(r.fileName));
    this.db.transaction(() => {
      for (const r of orphanRows) this.faces.delete(r.id);
    })();
    return { tempFiles, orphanFiles: orphanFiles.length, orphanRows: orphanRows.length };
  }

  /** Rebuilds the in-memory index from the rows. */
  loadIndex(): number {
    this.index.clear();
    const { ids, encodings } = this.faces.allEncodings();
    if (ids.length > 0) this.index.addMany(ids, encodings);
    return ids.length;
  }

  get size(): number {
    return this.index.size;
  }

  /** Checks the extension and the bytes, then detects and encodes every face (largest first). */
  async analyze(photo: Photo): Promise<{ analysis: AnalyzeResult; ext: StoredExt }> {
    const given = extensionOf(photo.filename);
    if (!ALLOWED_EXTENSIONS.includes(given)) {
      throw new GalleryError(
        'UNSUPPORTED_FILE_TYPE',
        `Expected a file named *.${ALLOWED_EXTENSIONS.join(', *.')} but received ${JSON.stringify(photo.filename)}`,
      );
    }
    if (photo.bytes.length === 0) throw new GalleryError('INVALID_IMAGE', 'The file is empty.');
    let ext: StoredExt | undefined;
    let analysis: AnalyzeResult;
    try {
      const info = this.core.info(photo.bytes);
      ext = FORMAT_EXT[info.format];
      if (!ext) {
        throw new GalleryError('UNSUPPORTED_FILE_TYPE', `The file holds a ${info.format.toUpperCase()} image; expected JPEG, PNG, WebP, BMP or GIF`);
      }
      analysis = await this.core.analyze(photo.bytes);
    } catch (err) {
      throw imageError(err);
    }
    return { analysis: { ...analysis, faces: largestFirst(analysis.faces) }, ext };
  }

  /** Enrols the largest face under this name; an existing name (trimmed, case-insensitive) gets the face added. */
  async addPerson(photo: Photo, firstName: string, surName: string): Promise<EnrolResult> {
    const first = cleanName(firstName, 'firstName');
    const sur = cleanName(surName, 'surName');
    return this.enrol(photo, () => {
      const existing = this.people.findByName(first, sur);
      return existing ? { person: existing, created: false } : { person: this.people.insert(first, sur), created: true };
    });
  }

  /** Enrols the largest face as another photo of a known person. */
  async addFace(personId: number, photo: Photo): Promise<EnrolResult> {
    if (!this.people.get(personId)) throw notFoundPerson(personId);
    return this.enrol(photo, () => {
      // Checked again inside the transaction: the person may have been deleted while the photo was analysed.
      const person = this.people.get(personId);
      if (!person) throw notFoundPerson(personId);
      return { person, created: false };
    });
  }

  private async enrol(photo: Photo, personFor: () => { person: PersonRow; created: boolean }): Promise<EnrolResult> {
    const { analysis, ext } = await this.analyze(photo);
    const largest = analysis.faces[0];
    if (!largest) throw new GalleryError('NO_FACE_FOUND', NO_FACE_MESSAGE);
    this.assertOpen();

    const imageId = randomUUID();
    const fileName = imageFileName(imageId, ext);
    await this.images.write(fileName, photo.bytes);
    let result: { person: PersonRow; face: FaceRow; created: boolean };
    try {
      this.assertOpen();
      result = this.db.transaction(() => {
        const { person, created } = personFor();
        const face = this.faces.insert({ imageId, personId: person.id, fileName, box: largest.box, encoding: largest.encoding });
        return { person, face, created };
      })();
    } catch (err) {
      await this.images.remove(fileName);
      throw err;
    }
    try {
      this.index.add(result.face.id, largest.encoding);
    } catch (err) {
      // Keep the three in step: without an index entry the row and the file must go too.
      this.faces.delete(result.face.id);
      if (result.created) this.people.delete(result.person.id);
      await this.images.remove(fileName);
      throw err;
    }
    return { person: result.person, face: result.face, facesDetected: analysis.faces.length, createdPerson: result.created };
  }

  /** Who is in this photo? Every face is matched against the gallery within `tolerance`. */
  async search(photo: Photo, tolerance = this.tolerance): Promise<SearchOutcome> {
    const { analysis } = await this.analyze(photo);
    const hits = await Promise.all(
      analysis.faces.map((f) => this.index.search(f.encoding, { k: 1, maxDistance: tolerance })),
    );
    const faces: DetectedFaceOutcome[] = analysis.faces.map((f, i) => ({
      box: f.box,
      score: f.score,
      match: this.matchOf(hits[i]?.[0], tolerance),
    }));
    const matched = faces.map((f) => f.match).filter((m): m is FaceMatchOutcome => m !== null);
    const persons = new Set(matched.map((m) => m.person.id));
    if (faces.length === 0) return { status: 'NO_FACE_FOUND', message: NO_FACE_MESSAGE, best: null, tolerance, faces };
    if (persons.size === 0) return { status: 'UNKNOWN', message: UNKNOWN_MESSAGE, best: null, tolerance, faces };
    if (persons.size > 1) {
      return { status: 'MULTIPLE_KNOWN_FACES', message: MULTIPLE_KNOWN_FACES_MESSAGE, best: null, tolerance, faces };
    }
    const best = matched.reduce((a, b) => (b.distance < a.distance ? b : a));
    return { status: 'MATCH', message: fullName(best.person), best, tolerance, faces };
  }

  private matchOf(hit: { id: number; distance: number } | undefined, tolerance: number): FaceMatchOutcome | null {
    if (!hit || hit.distance > tolerance) return null;
    // The row can be gone if a delete committed while this search was running: then it is no match.
    const face = this.faces.get(hit.id);
    const person = face && this.people.get(face.personId);
    if (!face || !person) return null;
    return { person, face, distance: hit.distance, confidence: distanceToConfidence(hit.distance, tolerance) };
  }

  renamePerson(id: number, firstName: string, surName: string): PersonRow {
    const first = cleanName(firstName, 'firstName');
    const sur = cleanName(surName, 'surName');
    const other = this.people.findByName(first, sur);
    if (other && other.id !== id) {
      throw new GalleryError('NAME_TAKEN', `Another person (id ${other.id}) is already named ${JSON.stringify(`${first} ${sur}`)}`);
    }
    const row = this.people.rename(id, first, sur);
    if (!row) throw notFoundPerson(id);
    return row;
  }

  /** Removes the person, every row of their faces, their index entries and their photo files. */
  async deletePerson(id: number): Promise<{ removedFaces: number }> {
    this.assertOpen();
    const rows = this.db.transaction(() => {
      const faces = this.faces.listByPerson(id);
      if (!this.people.delete(id)) throw notFoundPerson(id);
      return faces;
    })();
    for (const r of rows) this.index.remove(r.id);
    await this.removeFiles(rows);
    return { removedFaces: rows.length };
  }

  /** Removes one stored photo, its row and its index entry; the person stays. */
  async deleteFace(imageId: string): Promise<{ removedFaces: number; face: FaceRow }> {
    this.assertOpen();
    const face = this.faces.getByImageId(imageId);
    if (!face || !this.faces.delete(face.id)) throw new GalleryError('NOT_FOUND', `No stored photo has the id ${JSON.stringify(imageId)}`);
    this.index.remove(face.id);
    await this.removeFiles([face]);
    return { removedFaces: 1, face };
  }

  private async removeFiles(rows: FaceRow[]): Promise<void> {
    for (const r of rows) {
      try {
        await this.images.remove(r.fileName);
      } catch (err) {
        // The rows are already gone; the next start-up's reconcile removes a file left here.
        this.logger.warn(`gallery: could not remove ${r.fileName}: ${(err as Error).message}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The gallery is closed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.index.clear();
    this.db.close();
  }
}

export const fullName = (p: Pick<PersonRow, 'firstName' | 'surName'>): string => `${p.firstName} ${p.surName}`;

function notFoundPerson(id: number): GalleryError {
  return new GalleryError('NOT_FOUND', `No person has the id ${id}`);
}
