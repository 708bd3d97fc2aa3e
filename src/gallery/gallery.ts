// The gallery: enrol, search and delete faces. The one place that keeps the image files,
// the database rows and the in-memory FaceIndex in step.
//
// Order of writes, so that a process killed at any instant leaves nothing a restart can't repair:
//   enrol:  photo → temp file, fsync, rename to its pending name  →  rows in one transaction
//           →  rename to its final name  →  index.add
//   delete: rename the files to their deleted names  →  rows in one transaction  →  index.remove  →  unlink
// (The photo store may be S3-compatible storage instead of the folder: there the marks are objects beside the
// photo rather than names, with the same meaning; see src/store/s3-photos.ts.)
// On start-up `reconcile()` settles what it can prove was cut short: a pending photo whose row committed gets its
// final name and one whose row never committed is deleted; a photo marked deleted whose row is still there gets
// its name back and one whose row is gone is deleted; temp files are deleted. It never deletes a
// photo or a row on a guess: a photo without a row, or a row without a photo, is kept and reported, and a
// database that holds no photo beside a folder of photos (removed, emptied, restored without its WAL) stops
// the start with the ways to recover. Then the index is rebuilt from the rows.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MIN_FACE_PX,
  DEFAULT_SERVICE_DETECTOR,
  FaceIndex,
  hogUpsampleFor,
  RECOGNISABLE_FACE_PX,
  type AnalyzeOptions,
  type AnalyzeResult,
  type Box,
  type Detector,
  type FaceCore,
} from '../core/index.js';
import type { FaceRow } from '../store/faces.js';
import { ImageFiles, imageFileName, type StoredExt } from '../store/images.js';
import type { PhotoStore } from '../store/photo-store.js';
import type { ListPeopleOptions, PersonRow } from '../store/people.js';
import { SpaceReserve } from '../store/space-reserve.js';
import { Store } from '../store/store.js';
import { imageIsComplete } from './completeness.js';
import { distanceToConfidence } from './confidence.js';
import { loadEncodings, nearestFaceIn, personOfFaceIn } from './reader.js';
import { checkDataDir, reportRepair, settleInterruptedWrites } from './repair.js';
import { fromCoreError, GalleryError, notFoundPerson, TIMEOUT_MESSAGE } from './errors.js';
import { checkExtension, PHOTO_EXTENSIONS, storedExtension, type Photo } from './files.js';
import { fullName, personName, type PersonName } from './names.js';
import {
  MULTIPLE_KNOWN_FACES_MESSAGE,
  NO_FACE_MESSAGE,
  tooSmallMessage,
  UNKNOWN_MESSAGE,
  type DetectedFaceOutcome,
  type EnrolResult,
  type FaceMatchOutcome,
  type GalleryView,
  type NearestFace,
  type ReconcileReport,
  type SearchOutcome,
} from './results.js';

export interface GalleryOptions {
  /** Holds images/ (and faces.db when no store is given). */
  dataDir: string;
  /** Where photos are stored; when absent, <dataDir>/images/. The gallery closes it with itself. */
  photos?: PhotoStore;
  /** The face core that analyses photos. */
  core: FaceCore;
  /** The database; when absent the gallery opens <dataDir>/faces.db and closes it with itself. */
  store?: Store;
  /** Distance within which a face is a known person (checked by the configuration). */
  tolerance: number;
  /** The default detection settings (the service's config: FACE_DETECTOR, MIN_FACE_PX); each call may pick another detector. */
  detection?: Partial<DetectionSettings>;
  /** Seconds a photo's analysis may take, waiting for a native slot included, before the caller gets TIMEOUT. */
  analysisTimeoutS?: number;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** How photos are searched for faces. */
export interface DetectionSettings {
  detector: Detector;
  /** The smallest face looked for (pixels): the CNN's pyramid bottom; HOG is upsampled to reach it (hogUpsampleFor). */
  minFacePx: number;
}

/** Per call: another detector than the gallery's default. */
export interface DetectionOverrides {
  detector?: Detector;
}

/** The face core's analyze options for these settings. */
export function analyzeOptionsFor(settings: DetectionSettings): AnalyzeOptions {
  return settings.detector === 'cnn'
    ? { detector: 'cnn', minFaceSize: settings.minFacePx }
    : { detector: 'hog', minFaceSize: settings.minFacePx, upsample: hogUpsampleFor(settings.minFacePx) };
}

/** Whether a face is too small to recognise (RECOGNISABLE_FACE_PX on its box's larger side). */
export const isTooSmall = (box: Box): boolean => Math.max(box.width, box.height) < RECOGNISABLE_FACE_PX;

export class Gallery implements GalleryView {
  readonly tolerance: number;
  readonly detection: DetectionSettings;
  private readonly analysisTimeoutMs: number;
  private readonly index = new FaceIndex();
  private readonly images: PhotoStore;
  private readonly reserve: SpaceReserve;
  private readonly core: FaceCore;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly ownsStore: boolean,
    opts: GalleryOptions,
  ) {
    this.images = opts.photos ?? new ImageFiles(path.join(opts.dataDir, 'images'));
    this.reserve = new SpaceReserve(opts.dataDir);
    this.tolerance = opts.tolerance;
    this.detection = {
      detector: opts.detection?.detector ?? DEFAULT_SERVICE_DETECTOR,
      minFacePx: opts.detection?.minFacePx ?? DEFAULT_MIN_FACE_PX,
    };
    this.core = opts.core;
    this.analysisTimeoutMs = (opts.analysisTimeoutS ?? Infinity) * 1000;
    this.logger = opts.logger ?? console;
  }

  /** See checkDataDir in repair.ts: call before opening the store. */
  static readonly checkDataDir = checkDataDir;

  /** Opens the store and the photo store, settles what an interrupted run left, loads the index. */
  static async open(opts: GalleryOptions): Promise<Gallery> {
    if (!opts.store) await Gallery.checkDataDir(opts.dataDir, opts.photos);
    const store = opts.store ?? Store.open(opts.dataDir);
    const g = new Gallery(store, !opts.store, opts);
    try {
      reportRepair(await g.reconcile(), g.images.location, g.logger);
      g.loadIndex();
      g.reserve.ensure();
    } catch (err) {
      if (g.ownsStore) store.close();
      g.images.close();
      throw err;
    }
    return g;
  }

  /** Finishes or removes what interrupted writes left (see the top of this file); deletes nothing else. */
  reconcile(): Promise<ReconcileReport> {
    return settleInterruptedWrites(this.store, this.images);
  }

  /** Rebuilds the in-memory index from the rows. */
  loadIndex(): number {
    this.index.clear();
    return loadEncodings(this.store, this.index);
  }

  /** Encodings in the in-memory index. */
  get size(): number {
    return this.index.size;
  }

  /** Whether a face row's encoding is in the index (searchable). */
  isIndexed(faceId: number): boolean {
    return this.index.has(faceId);
  }

  /** Where stored photos are kept: the local folder or an S3 bucket. */
  get photos(): PhotoStore {
    return this.images;
  }

  // ---- reading

  person(id: number): PersonRow | undefined {
    return this.store.people.get(id);
  }

  personByImageId(imageId: string): PersonRow | undefined {
    const face = this.store.faces.getByImageId(imageId);
    return face && this.store.people.get(face.personId);
  }

  personOfFace(faceId: number): PersonRow | undefined {
    return personOfFaceIn(this.store, faceId);
  }

  /** People whose name contains `nameContains` (case-insensitive), by id, after `afterId`. */
  findPeople(options: ListPeopleOptions): PersonRow[] {
    return this.store.people.list(options);
  }

  countPeople(nameContains?: string): number {
    return this.store.people.count(nameContains);
  }

  countFaces(): number {
    return this.store.faces.count();
  }

  /** A person's stored photos, oldest first. */
  facesOf(personId: number): FaceRow[] {
    return this.store.faces.listByPerson(personId);
  }

  firstFaceOf(personId: number): FaceRow | undefined {
    return this.store.faces.firstOfPerson(personId);
  }

  faceCountOf(personId: number): number {
    return this.store.faces.countByPerson(personId);
  }

  /** The nearest enrolled face, on the calling thread (video decisions take a few per track). */
  nearestFace(encoding: Float32Array): NearestFace | null {
    return nearestFaceIn(this.store, this.index, encoding);
  }

  // ---- enrolling and searching

  /** Checks the name and the bytes, then detects and encodes every face (largest first); once per photo and detector. */
  analyze(photo: Photo, overrides: DetectionOverrides = {}): Promise<{ analysis: AnalyzeResult; ext: StoredExt }> {
    const detector = overrides.detector ?? this.detection.detector;
    photo.analyses ??= new Map();
    let analysis = photo.analyses.get(detector);
    if (!analysis) {
      analysis = this.analyzeOnce(photo, { detector });
      photo.analyses.set(detector, analysis);
    }
    return analysis;
  }

  private async analyzeOnce(photo: Photo, overrides: DetectionOverrides): Promise<{ analysis: AnalyzeResult; ext: StoredExt }> {
    checkExtension(photo.filename, PHOTO_EXTENSIONS, 'a file');
    if (photo.bytes.length === 0) throw new GalleryError('INVALID_IMAGE', 'The file is empty.');
    const options = analyzeOptionsFor({ ...this.detection, detector: overrides.detector ?? this.detection.detector });
    const limited = Number.isFinite(this.analysisTimeoutMs) ? { ...options, timeoutMs: this.analysisTimeoutMs } : options;
    const analysis = await this.withinBudget(this.core.analyze(photo.bytes, limited)).catch((err: unknown) => {
      throw fromCoreError(err);
    });
    const ext = storedExtension(analysis.format);
    if (!imageIsComplete(photo.bytes, analysis.format)) {
      throw new GalleryError('INVALID_IMAGE', 'The image is cut short: the end of the file is missing. Upload the whole file.');
    }
    return { analysis, ext };
  }

  /**
   * The analysis, or TIMEOUT once the budget has passed. The core stops its native work at its next step past the
   * same limit (timeoutMs); a step that cannot be cut (decoding one huge image) finishes in its slot and its result
   * is dropped, but the caller has its answer in time and nothing is stored.
   */
  private withinBudget<T>(work: Promise<T>): Promise<T> {
    if (!Number.isFinite(this.analysisTimeoutMs)) return work;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new GalleryError('TIMEOUT', TIMEOUT_MESSAGE)),
        this.analysisTimeoutMs,
      );
    });
    work.catch(() => undefined); // a late failure after the timeout is nobody's to hear
    return Promise.race([work, budget]).finally(() => clearTimeout(timer));
  }

  /** Enrols the largest face under this name; an existing name (case-insensitive) gets the face added. */
  async addPerson(photo: Photo, name: PersonName, overrides: DetectionOverrides = {}): Promise<EnrolResult> {
    return this.enrol(photo, overrides, () => {
      const existing = this.store.people.findByName(name.firstName, name.surName);
      return existing ? { person: existing, created: false } : { person: this.store.people.insert(name.firstName, name.surName), created: true };
    });
  }

  /** Enrols the largest face as another photo of a known person. */
  async addFace(personId: number, photo: Photo, overrides: DetectionOverrides = {}): Promise<EnrolResult> {
    if (!this.store.people.get(personId)) throw notFoundPerson(personId);
    return this.enrol(photo, overrides, () => {
      // Checked again inside the transaction: the person may have been deleted while the photo was analysed.
      const person = this.store.people.get(personId);
      if (!person) throw notFoundPerson(personId);
      return { person, created: false };
    });
  }

  private async enrol(photo: Photo, overrides: DetectionOverrides, personFor: () => { person: PersonRow; created: boolean }): Promise<EnrolResult> {
    const { analysis, ext } = await this.analyze(photo, overrides);
    // The largest face big enough to recognise; smaller ones are never enrolled.
    const largest = analysis.faces.find((f) => !isTooSmall(f.box));
    if (!largest) {
      throw new GalleryError('NO_FACE_FOUND', analysis.faces.length > 0 ? tooSmallMessage(RECOGNISABLE_FACE_PX) : NO_FACE_MESSAGE);
    }
    this.assertOpen();

    const imageId = randomUUID();
    const fileName = imageFileName(imageId, ext);
    await this.images.writePending(fileName, photo.bytes);
    let result: { person: PersonRow; face: FaceRow; created: boolean };
    try {
      this.assertOpen();
      result = this.store.transaction(() => {
        const { person, created } = personFor();
        const face = this.store.faces.insert({ imageId, personId: person.id, fileName, box: largest.box, encoding: largest.encoding });
        return { person, face, created };
      });
    } catch (err) {
      await this.removeQuietly(() => this.images.removePending(fileName), fileName);
      throw err;
    }
    try {
      await this.images.promote(fileName);
      this.index.add(result.face.id, largest.encoding);
    } catch (err) {
      // Keep the three in step: without a photo and an index entry the rows must go too.
      this.store.transaction(() => {
        this.store.faces.delete(result.face.id);
        if (result.created) this.store.people.delete(result.person.id);
      });
      this.index.remove(result.face.id);
      await this.removeQuietly(() => this.images.removePending(fileName), fileName);
      await this.removeQuietly(() => this.images.remove(fileName), fileName);
      throw err;
    }
    return { person: result.person, face: result.face, facesDetected: analysis.faces.length, createdPerson: result.created };
  }

  /** Who is in this photo? Every face is matched against the gallery within `tolerance`. */
  async search(photo: Photo, tolerance = this.tolerance, overrides: DetectionOverrides = {}): Promise<SearchOutcome> {
    const { analysis } = await this.analyze(photo, overrides);
    // Faces too small to recognise are reported (box, tooSmall) but never matched.
    const hits = await Promise.all(
      analysis.faces.map((f) => (isTooSmall(f.box) ? Promise.resolve([]) : this.index.search(f.encoding, { k: 1, maxDistance: tolerance }))),
    );
    const faces: DetectedFaceOutcome[] = analysis.faces.map((f, i) => ({
      box: f.box,
      score: f.score,
      tooSmall: isTooSmall(f.box),
      match: isTooSmall(f.box) ? null : this.matchOf(hits[i]?.[0], tolerance),
    }));
    const matched = faces.map((f) => f.match).filter((m): m is FaceMatchOutcome => m !== null);
    const persons = new Set(matched.map((m) => m.person.id));
    if (faces.length === 0) return { status: 'NO_FACE_FOUND', message: NO_FACE_MESSAGE, best: null, tolerance, faces };
    if (faces.every((f) => f.tooSmall)) return { status: 'NO_FACE_FOUND', message: tooSmallMessage(RECOGNISABLE_FACE_PX), best: null, tolerance, faces };
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
    const face = this.store.faces.get(hit.id);
    const person = face && this.store.people.get(face.personId);
    if (!face || !person) return null;
    return { person, face, distance: hit.distance, confidence: distanceToConfidence(hit.distance, tolerance) };
  }

  // ---- changing and deleting

  renamePerson(id: number, firstName: string, surName: string): PersonRow {
    const name = personName(firstName, surName);
    const other = this.store.people.findByName(name.firstName, name.surName);
    if (other && other.id !== id) {
      throw new GalleryError('NAME_TAKEN', `Another person (id ${other.id}) is already named ${JSON.stringify(fullName(name))}`);
    }
    const row = this.store.people.rename(id, name.firstName, name.surName);
    if (!row) throw notFoundPerson(id);
    return row;
  }

  /** Removes the person, every row of their faces, their index entries and their photo files. */
  async deletePerson(id: number): Promise<{ removedFaces: number }> {
    this.assertOpen();
    if (!this.store.people.get(id)) throw notFoundPerson(id);
    const marked = this.store.faces.listByPerson(id);
    let late: FaceRow[] = [];
    await this.deleteFaces(marked, () => {
      // A photo enrolled since the list above goes with the person too.
      late = this.store.faces.listByPerson(id).filter((f) => !marked.some((m) => m.id === f.id));
      if (!this.store.people.delete(id)) throw notFoundPerson(id);
    });
    for (const f of late) {
      this.index.remove(f.id);
      await this.images.remove(f.fileName);
    }
    return { removedFaces: marked.length + late.length };
  }

  /** Removes one stored photo, its row and its index entry; the person stays. */
  async deleteFace(imageId: string): Promise<{ removedFaces: number; face: FaceRow }> {
    this.assertOpen();
    const face = this.store.faces.getByImageId(imageId);
    const notFound = () => new GalleryError('NOT_FOUND', `No stored photo has the id ${JSON.stringify(imageId)}`);
    if (!face) throw notFound();
    await this.deleteFaces([face], () => {
      if (!this.store.faces.delete(face.id)) throw notFound();
    });
    return { removedFaces: 1, face };
  }

  /** Marks the files deleted, runs `deleteRows` in a transaction (undoing the marks if it fails), then removes the rest. */
  private async deleteFaces(faces: FaceRow[], deleteRows: () => void): Promise<void> {
    const marked: FaceRow[] = [];
    try {
      for (const f of faces) {
        await this.images.markDeleted(f.fileName);
        marked.push(f);
      }
      this.assertOpen();
      try {
        this.store.transaction(deleteRows);
      } catch (err) {
        // A full disk must not stop a deletion: give up the reserved space for it and try once more.
        const e = fromCoreError(err);
        if (!(e instanceof GalleryError && e.code === 'STORAGE_FULL') || !this.reserve.release()) throw err;
        this.logger.warn('gallery: the disk is full; the reserved space was used to delete');
        this.store.transaction(deleteRows);
      }
    } catch (err) {
      for (const f of marked) await this.removeQuietly(() => this.images.unmarkDeleted(f.fileName), f.fileName);
      throw err;
    }
    for (const f of faces) this.index.remove(f.id);
    for (const f of faces) {
      try {
        await this.images.removeDeleted(f.fileName);
      } catch (err) {
        // The rows are already gone; the next start-up removes a file left marked here.
        this.logger.warn(`gallery: could not remove ${f.fileName}: ${(err as Error).message}`);
      }
    }
    this.reserve.ensure();
  }

  /**
   * Undoes a write whose enrolment failed. When the photo store cannot be reached either, the mark stays and the
   * start-up repair settles it; the caller's own error is the one to report.
   */
  private async removeQuietly(undo: () => Promise<void>, fileName: string): Promise<void> {
    try {
      await undo();
    } catch (err) {
      this.logger.warn(`gallery: could not undo the write of ${fileName} (a later start settles it): ${(err as Error).message}`);
    }
  }

  private assertOpen(): void {
    if (this.closed || !this.store.isOpen) throw new Error('The gallery is closed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.index.clear();
    this.images.close();
    if (this.ownsStore) this.store.close();
  }
}
