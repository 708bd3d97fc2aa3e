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
//
// On a database several replicas share (PostgreSQL), the rows' encodings are loaded from one snapshot with the
// change feed's position it is at, and every face change committed after it, by this replica or any other, is
// applied to the index in feed order (store/feed.ts). This replica's own writes reach its index at once, as
// above; the feed then brings the same change again, and applying it twice changes nothing.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  DEFAULTS,
  DEFAULT_MIN_FACE_PX,
  DEFAULT_SERVICE_DETECTOR,
  FaceIndex,
  hogUpsampleFor,
  RECOGNISABLE_FACE_PX,
  type AnalyzeOptions,
  type Box,
  type Detector,
  type FaceCore,
  type Point,
} from '../core/index.js';
import type { FaceRow } from '../store/faces.js';
import { ImageFiles, imageFileName, type StoredExt } from '../store/images.js';
import type { PhotoMark, PhotoStore } from '../store/photo-store.js';
import type { ListPeopleOptions, PersonRow } from '../store/people.js';
import type { FaceChange, FeedState } from '../store/feed.js';
import { SpaceReserve } from '../store/space-reserve.js';
import { openStore, type Store, type StoreEngine } from '../store/store.js';
import { imageIsComplete } from './completeness.js';
import { distanceToConfidence } from './confidence.js';
import { loadEncodings, nearestFaceIn, personOfFaceIn } from './reader.js';
import { decide, MIN_STRANGER_CHANCE, neighboursOf, PeopleCount } from './open-set.js';
import { faceQuality } from './quality.js';
import { chooseFaceToEnrol } from './main-face.js';
import { checkDataDir, reportRepair, settleInterruptedWrites } from './repair.js';
import { StoreUnavailableError } from '../store/errors.js';
import { fromCoreError, GalleryError, notFoundPerson, STORAGE_FULL_MESSAGE, TIMEOUT_MESSAGE } from './errors.js';
import { checkExtension, PHOTO_EXTENSIONS, storedExtension, type Photo } from './files.js';
import { fullName, personName, type PersonName } from './names.js';
import {
  MULTIPLE_KNOWN_FACES_MESSAGE,
  NO_FACE_MESSAGE,
  UNKNOWN_MESSAGE,
  unrecognisableMessage,
  type AnalysedPhoto,
  type DetectedFaceOutcome,
  type EnrolResult,
  type FaceMatchOutcome,
  type GalleryView,
  type NearestFace,
  type ReconcileReport,
  type SearchOutcome,
} from './results.js';

/** An id as an error message quotes it: a client's 100 KB "id" is not echoed back whole. */
const quotedId = (id: string): string => (id.length > 64 ? `${JSON.stringify(id.slice(0, 40))}… (${id.length} characters)` : JSON.stringify(id));

/** How often a photo whose commit was cut off is checked against the database again. */
const SETTLE_RETRY_MS = 1000;

export interface GalleryOptions {
  /** Holds images/ (and faces.db when no store is given). */
  dataDir: string;
  /** postgres://…: with no store given, the gallery opens this PostgreSQL database instead of faces.db. */
  databaseUrl?: string;
  /** Where photos are stored; when absent, <dataDir>/images/. The gallery closes it with itself. */
  photos?: PhotoStore;
  /** The face core that analyses photos. */
  core: FaceCore;
  /** The database; when absent the gallery opens its own (databaseUrl, or <dataDir>/faces.db) and closes it with itself. */
  store?: Store;
  /** Distance within which a face may be a known person (checked by the configuration); the open-set rule decides. */
  tolerance: number;
  /** Share of strangers the open-set rule may name (MATCH_FPIR; default DEFAULT_MATCH_FPIR). */
  matchFpir?: number;
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

/** Per enrolment: the detector, and which of the photo's faces (largest first) to enrol instead of the main face. */
export interface EnrolOverrides extends DetectionOverrides {
  faceIndex?: number;
}

/** Extra jittered encodings averaged into a stored face's encoding (see enrolmentEncoding). */
export const ENROLMENT_JITTER = 10;

/** Share of strangers the open-set rule names by default (MATCH_FPIR). */
export const DEFAULT_MATCH_FPIR = DEFAULTS.matchFpir;

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
  readonly matchFpir: number;
  readonly detection: DetectionSettings;
  private readonly analysisTimeoutMs: number;
  private readonly index = new FaceIndex();
  private readonly images: PhotoStore;
  private readonly reserve: SpaceReserve;
  private readonly core: FaceCore;
  private readonly peopleCount: PeopleCount;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  private closed = false;
  private following = false;

  private constructor(
    private readonly store: Store,
    private readonly ownsStore: boolean,
    opts: GalleryOptions,
  ) {
    this.images = opts.photos ?? new ImageFiles(path.join(opts.dataDir, 'images'));
    this.reserve = new SpaceReserve(opts.dataDir);
    this.tolerance = opts.tolerance;
    this.matchFpir = opts.matchFpir ?? DEFAULT_MATCH_FPIR;
    this.detection = {
      detector: opts.detection?.detector ?? DEFAULT_SERVICE_DETECTOR,
      minFacePx: opts.detection?.minFacePx ?? DEFAULT_MIN_FACE_PX,
    };
    this.core = opts.core;
    this.peopleCount = new PeopleCount(store);
    this.analysisTimeoutMs = (opts.analysisTimeoutS ?? Infinity) * 1000;
    this.logger = opts.logger ?? console;
  }

  /** See checkDataDir in repair.ts: call before opening the store. */
  static readonly checkDataDir = checkDataDir;

  /**
   * Opens the store and the photo store, settles what an interrupted run left, loads the index and, on a shared
   * database, follows the change feed from the snapshot it was loaded from.
   */
  static async open(opts: GalleryOptions): Promise<Gallery> {
    const where = { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl };
    if (!opts.store) await Gallery.checkDataDir(where, opts.photos);
    const store = opts.store ?? (await openStore({ ...where, logger: opts.logger }));
    const g = new Gallery(store, !opts.store, opts);
    try {
      reportRepair(await g.reconcile(), g.images.location, g.logger);
      await g.loadIndex();
      g.reserve.ensure();
    } catch (err) {
      if (g.ownsStore) await store.close();
      g.images.close();
      throw err;
    }
    return g;
  }

  /** Finishes or removes what interrupted writes left (see the top of this file); deletes nothing else. */
  reconcile(): Promise<ReconcileReport> {
    return settleInterruptedWrites(this.store, this.images);
  }

  /**
   * Rebuilds the in-memory index from the rows; on a store with a change feed, the first load starts following
   * it from the snapshot's position (later reloads on such a store are not needed: the feed keeps the index whole).
   */
  async loadIndex(): Promise<number> {
    this.index.clear();
    const { count, position } = await loadEncodings(this.store, this.index);
    if (this.store.feed && position !== null && !this.following) {
      this.following = true;
      this.store.feed.follow(position, (changes) => this.applyChanges(changes));
    }
    return count;
  }

  /**
   * Changes from the feed, in order; each is applied at most once whatever this replica already did itself. A
   * removal also removes this replica's copy of the photo: with photos on each replica's own disk, the replica that
   * deleted it could only remove its own.
   */
  private applyChanges(changes: FaceChange[]): void {
    if (this.closed) return;
    for (const c of changes) {
      if (c.kind === 'remove') {
        this.index.remove(c.faceId);
        const fileName = c.fileName;
        if (fileName) void this.removeQuietly(() => this.images.removeErased(fileName), fileName);
      }
      // An addition whose row is already gone again brings no encoding; its removal follows in the feed.
      else if (c.encoding && !this.index.has(c.faceId)) this.index.add(c.faceId, c.encoding);
    }
  }

  /** The engine under the gallery. */
  get storeEngine(): StoreEngine {
    return this.store.engine;
  }

  /** Where this replica is in the change feed; null on a store without one (SQLite). */
  async feedState(): Promise<FeedState | null> {
    return this.store.feed ? this.store.feed.state() : null;
  }

  /** Applies every change committed so far to the index (tests; the feed does this by itself within moments). */
  async catchUp(): Promise<void> {
    await this.store.feed?.catchUp();
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

  person(id: number): Promise<PersonRow | undefined> {
    return this.store.people.get(id);
  }

  async personByImageId(imageId: string): Promise<PersonRow | undefined> {
    const face = await this.store.faces.getByImageId(imageId);
    return face && this.store.people.get(face.personId);
  }

  personOfFace(faceId: number): Promise<PersonRow | undefined> {
    return personOfFaceIn(this.store, faceId);
  }

  /** People whose name contains `nameContains` (case-insensitive), by id, after `afterId`. */
  findPeople(options: ListPeopleOptions): Promise<PersonRow[]> {
    return this.store.people.list(options);
  }

  countPeople(nameContains?: string): Promise<number> {
    return this.store.people.count(nameContains);
  }

  countFaces(): Promise<number> {
    return this.store.faces.count();
  }

  /**
   * A person's stored photos, oldest first: at most `first`, after the photo `afterImageId` (which must be one of
   * theirs; NOT_FOUND otherwise).
   */
  async facesOf(personId: number, first: number, afterImageId?: string): Promise<FaceRow[]> {
    let afterId = 0;
    if (afterImageId !== undefined) {
      const after = await this.store.faces.getByImageId(afterImageId);
      if (!after || after.personId !== personId) throw new GalleryError('NOT_FOUND', `This person has no stored photo with the id given as after`);
      afterId = after.id;
    }
    return first === 0 ? [] : this.store.faces.listByPerson(personId, { afterId, limit: first });
  }

  firstFaceOf(personId: number): Promise<FaceRow | undefined> {
    return this.store.faces.firstOfPerson(personId);
  }

  faceCountOf(personId: number): Promise<number> {
    return this.store.faces.countByPerson(personId);
  }

  /** The nearest enrolled face: the scan on the calling thread (video decisions take a few per track). */
  async nearestFace(encoding: Float32Array): Promise<NearestFace | null> {
    return nearestFaceIn(this.store, this.index, encoding, { targetFpir: this.matchFpir, tolerance: this.tolerance }, await this.peopleCount.get());
  }

  // ---- enrolling and searching

  /** Checks the name and the bytes, then detects and encodes every face (largest first); once per photo and detector. */
  analyze(photo: Photo, overrides: DetectionOverrides = {}): Promise<{ analysis: AnalysedPhoto; ext: StoredExt }> {
    const detector = overrides.detector ?? this.detection.detector;
    photo.analyses ??= new Map();
    let analysis = photo.analyses.get(detector);
    if (!analysis) {
      analysis = this.analyzeOnce(photo, { detector });
      photo.analyses.set(detector, analysis);
    }
    return analysis;
  }

  private async analyzeOnce(photo: Photo, overrides: DetectionOverrides): Promise<{ analysis: AnalysedPhoto; ext: StoredExt }> {
    checkExtension(photo.filename, PHOTO_EXTENSIONS, 'a file');
    if (photo.bytes.length === 0) throw new GalleryError('INVALID_IMAGE', 'The file is empty.');
    const detector = overrides.detector ?? this.detection.detector;
    // One budget for the photo, the second look included.
    const deadline = performance.now() + this.analysisTimeoutMs;
    const run = (d: Detector) => {
      const options = analyzeOptionsFor({ ...this.detection, detector: d });
      const left = Math.max(1, deadline - performance.now());
      const limited = Number.isFinite(left) ? { ...options, timeoutMs: left } : options;
      return this.withinBudget(this.core.analyze(photo.bytes, limited), left).catch((err: unknown) => {
        throw fromCoreError(err);
      });
    };
    let analysis: AnalysedPhoto = { ...(await run(detector)), detector };
    // A face that fills the frame (a passport photo, a face chip) leaves the CNN no context around it; HOG's window
    // finds it. Only a photo where the CNN found nothing pays for the second look.
    if (analysis.faces.length === 0 && detector === 'cnn') {
      const hog = await run('hog');
      if (hog.faces.length > 0) analysis = { ...hog, detector: 'hog' };
    }
    const ext = storedExtension(analysis.format);
    if (!imageIsComplete(photo.bytes, analysis.format)) {
      throw new GalleryError('INVALID_IMAGE', 'The image is cut short: the end of the file is missing. Upload the whole file.');
    }
    return { analysis, ext };
  }

  /**
   * The encoding a face is stored with: its chip encoded ENROLMENT_JITTER times more, slightly shifted and mirrored,
   * and averaged (dlib's jitter). A stored face is compared with every later search, so it is worth the extra work
   * once: on LFW with 1,000 people enrolled, 76.3 % instead of 73.4 % of them are named at the same share of
   * strangers (docs/benchmarks.md).
   */
  private async enrolmentEncoding(photo: Photo, landmarks: Point[]): Promise<Float32Array> {
    const work = (async () => {
      const image = await this.core.decode(photo.bytes);
      const [chip] = await this.core.align(image, [landmarks]);
      const [encoding] = await this.core.encode([chip!], { jitter: ENROLMENT_JITTER });
      return encoding!;
    })();
    return this.withinBudget(work, this.analysisTimeoutMs).catch((err: unknown) => {
      throw fromCoreError(err);
    });
  }

  /**
   * The analysis, or TIMEOUT once the budget has passed. The core stops its native work at its next step past the
   * same limit (timeoutMs); a step that cannot be cut (decoding one huge image) finishes in its slot and its result
   * is dropped, but the caller has its answer in time and nothing is stored.
   */
  private withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
    if (!Number.isFinite(budgetMs)) return work;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GalleryError('TIMEOUT', TIMEOUT_MESSAGE)), budgetMs);
    });
    work.catch(() => undefined); // a late failure after the timeout is nobody's to hear
    return Promise.race([work, budget]).finally(() => clearTimeout(timer));
  }

  /** Enrols the main face (or `faceIndex`) under this name; an existing name (case-insensitive) gets the face added. */
  async addPerson(photo: Photo, name: PersonName, overrides: EnrolOverrides = {}): Promise<EnrolResult> {
    return this.enrol(photo, overrides, async () => {
      const existing = await this.store.people.findByName(name.firstName, name.surName);
      return existing ? { person: existing, created: false } : { person: await this.store.people.insert(name.firstName, name.surName), created: true };
    });
  }

  /** Enrols the main face (or `faceIndex`) as another photo of a known person. */
  async addFace(personId: number, photo: Photo, overrides: EnrolOverrides = {}): Promise<EnrolResult> {
    if (!(await this.store.people.get(personId))) throw notFoundPerson(personId);
    return this.enrol(photo, overrides, async () => {
      // Checked again inside the transaction: the person may have been deleted while the photo was analysed.
      const person = await this.store.people.get(personId);
      if (!person) throw notFoundPerson(personId);
      return { person, created: false };
    });
  }

  private async enrol(photo: Photo, overrides: EnrolOverrides, personFor: () => Promise<{ person: PersonRow; created: boolean }>): Promise<EnrolResult> {
    const { analysis, ext } = await this.analyze(photo, overrides);
    const faceIndex = chooseFaceToEnrol(analysis, overrides.faceIndex);
    const chosen = { box: analysis.faces[faceIndex]!.box, encoding: await this.enrolmentEncoding(photo, analysis.faces[faceIndex]!.landmarks) };
    this.assertOpen();

    // The space reserve comes first: no enrolment takes space a deletion on a full disk could not get back.
    if (this.store.engine === 'sqlite' && !this.reserve.ensure()) throw new GalleryError('STORAGE_FULL', STORAGE_FULL_MESSAGE);
    const imageId = randomUUID();
    const fileName = imageFileName(imageId, ext);
    await this.images.writePending(fileName, photo.bytes);
    let result: { person: PersonRow; face: FaceRow; created: boolean };
    try {
      this.assertOpen();
      result = await this.store.transaction(async () => {
        const { person, created } = await personFor();
        const face = await this.store.faces.insert({ imageId, personId: person.id, fileName, box: chosen.box, encoding: chosen.encoding });
        return { person, face, created };
      });
    } catch (err) {
      if (err instanceof StoreUnavailableError && err.commitUnknown) this.settleLater(imageId, fileName, 'pending');
      else await this.removeQuietly(() => this.images.removePending(fileName), fileName);
      throw err;
    }
    try {
      await this.images.promote(fileName);
      this.index.add(result.face.id, chosen.encoding);
    } catch (err) {
      // Keep the three in step: without a photo and an index entry the rows must go too.
      await this.store.transaction(async () => {
        await this.store.faces.delete(result.face.id);
        if (result.created) await this.store.people.delete(result.person.id);
      });
      this.index.remove(result.face.id);
      await this.removeQuietly(() => this.images.removePending(fileName), fileName);
      await this.removeQuietly(() => this.images.remove(fileName), fileName);
      throw err;
    }
    if (result.created) this.peopleCount.invalidate();
    return { person: result.person, face: result.face, facesDetected: analysis.faces.length, faceIndex, createdPerson: result.created };
  }

  /**
   * Who is in this photo? Every recognisable face (the quality verdict) is identified by the open-set rule
   * (open-set.ts); with `tolerance` given, by the raw rule instead: its nearest face within that distance.
   */
  async search(photo: Photo, tolerance?: number, overrides: DetectionOverrides = {}): Promise<SearchOutcome> {
    const { analysis } = await this.analyze(photo, overrides);
    const verdicts = analysis.faces.map((f) => faceQuality(f, analysis.width, analysis.height, analysis.detector));
    // MATCH_FPIR is the share of strangers' *photos* named: a photo of several faces gives each its share of it.
    const recognisable = verdicts.filter((v) => v.recognisable).length;
    const targetFpir = this.matchFpir / Math.max(1, recognisable);
    const faces: DetectedFaceOutcome[] = await Promise.all(
      analysis.faces.map(async (f, i) => ({
        box: f.box,
        score: f.score,
        quality: verdicts[i]!,
        tooSmall: isTooSmall(f.box),
        match: verdicts[i]!.recognisable ? await this.identify(f.encoding, targetFpir, tolerance) : null,
      })),
    );
    const usedTolerance = tolerance ?? this.tolerance;
    const matched = faces.map((f) => f.match).filter((m): m is FaceMatchOutcome => m !== null);
    const persons = new Set(matched.map((m) => m.person.id));
    const base = { tolerance: usedTolerance, faces, best: null };
    if (faces.length === 0) return { ...base, status: 'NO_FACE_FOUND', message: NO_FACE_MESSAGE };
    if (verdicts.every((v) => !v.recognisable)) {
      return { ...base, status: 'NO_FACE_FOUND', message: unrecognisableMessage(verdicts, RECOGNISABLE_FACE_PX) };
    }
    if (persons.size === 0) return { ...base, status: 'UNKNOWN', message: UNKNOWN_MESSAGE };
    if (persons.size > 1) return { ...base, status: 'MULTIPLE_KNOWN_FACES', message: MULTIPLE_KNOWN_FACES_MESSAGE };
    const best = matched.reduce((a, b) => (b.distance < a.distance ? b : a));
    return { ...base, status: 'MATCH', message: fullName(best.person), best };
  }

  /**
   * The person a face is, or null: the open-set rule at `targetFpir`, or the raw rule within `tolerance` when one is
   * given.
   */
  private async identify(encoding: Float32Array, targetFpir: number, tolerance?: number): Promise<FaceMatchOutcome | null> {
    const neighbours = await neighboursOf(this.index, this.store, encoding);
    const shape = { people: await this.peopleCount.get(), faces: this.index.size };
    const id = decide(neighbours, shape, { targetFpir: Math.max(MIN_STRANGER_CHANCE, targetFpir), tolerance: this.tolerance });
    if (!id) return null;
    const known = tolerance === undefined ? id.known : id.distance <= tolerance;
    if (!known) return null;
    // The row can be gone if a delete committed while this search was running: then it is no match.
    const face = await this.store.faces.get(id.faceId);
    const person = face && (await this.store.people.get(face.personId));
    if (!face || !person) return null;
    return { person, face, distance: id.distance, confidence: distanceToConfidence(id.distance, tolerance ?? this.tolerance), strangerChance: id.strangerChance };
  }

  // ---- changing and deleting

  async renamePerson(id: number, firstName: string, surName: string): Promise<PersonRow> {
    const name = personName(firstName, surName);
    const other = await this.store.people.findByName(name.firstName, name.surName);
    if (other && other.id !== id) {
      throw new GalleryError('NAME_TAKEN', `Another person (id ${other.id}) is already named ${JSON.stringify(fullName(name))}`);
    }
    const row = await this.store.people.rename(id, name.firstName, name.surName);
    if (!row) throw notFoundPerson(id);
    return row;
  }

  /** Removes the person, every row of their faces, their index entries and their photo files. */
  async deletePerson(id: number): Promise<{ removedFaces: number }> {
    this.assertOpen();
    if (!(await this.store.people.get(id))) throw notFoundPerson(id);
    const marked = await this.store.faces.listByPerson(id);
    let late: FaceRow[] = [];
    await this.deleteFaces(marked, async () => {
      // A photo enrolled since the list above goes with the person too.
      late = (await this.store.faces.listByPerson(id)).filter((f) => !marked.some((m) => m.id === f.id));
      if (!(await this.store.people.delete(id))) throw notFoundPerson(id);
    });
    this.peopleCount.invalidate();
    for (const f of late) {
      this.index.remove(f.id);
      await this.removeQuietly(() => this.images.removeErased(f.fileName), f.fileName);
    }
    return { removedFaces: marked.length + late.length };
  }

  /** Removes one stored photo, its row and its index entry; the person stays. */
  async deleteFace(imageId: string): Promise<{ removedFaces: number; face: FaceRow }> {
    this.assertOpen();
    const face = await this.store.faces.getByImageId(imageId);
    const notFound = () => new GalleryError('NOT_FOUND', `No stored photo has the id ${quotedId(imageId)}`);
    if (!face) throw notFound();
    await this.deleteFaces([face], async () => {
      if (!(await this.store.faces.delete(face.id))) throw notFound();
    });
    return { removedFaces: 1, face };
  }

  /** Marks the files deleted, runs `deleteRows` in a transaction (undoing the marks if it fails), then removes the rest. */
  private async deleteFaces(faces: FaceRow[], deleteRows: () => Promise<void>): Promise<void> {
    const marked: FaceRow[] = [];
    try {
      for (const f of faces) {
        await this.images.markDeleted(f.fileName);
        marked.push(f);
      }
      this.assertOpen();
      try {
        await this.store.transaction(deleteRows);
      } catch (err) {
        // A full disk must not stop a deletion: give up the reserved space for it and try once more.
        const e = fromCoreError(err);
        if (!(e instanceof GalleryError && e.code === 'STORAGE_FULL') || !this.reserve.release()) throw err;
        this.logger.warn('gallery: the disk is full; the reserved space was used to delete');
        await this.store.transaction(deleteRows);
      }
    } catch (err) {
      if (err instanceof StoreUnavailableError && err.commitUnknown) {
        for (const f of marked) this.settleLater(f.imageId, f.fileName, 'deleted');
      } else {
        // Each mark follows its row, not this request's failure: another request deleting the same photos (a
        // double click, a retry, another replica) may have committed, and then the photo must go.
        for (const f of marked) await this.removeQuietly(() => this.settleDeletionMark(f), f.fileName);
      }
      throw err;
    }
    for (const f of faces) this.index.remove(f.id);
    for (const f of faces) {
      try {
        await this.images.removeErased(f.fileName);
      } catch (err) {
        // The rows are already gone; the next start-up removes a file left marked here.
        this.logger.warn(`gallery: could not remove ${f.fileName}: ${(err as Error).message}`);
      }
    }
    this.reserve.ensure();
  }

  /** After a failed deletion: the photo's mark comes off while its row is there, and the photo goes when it is not. */
  private async settleDeletionMark(face: FaceRow): Promise<void> {
    if (await this.store.faces.getByImageId(face.imageId)) await this.images.unmarkDeleted(face.fileName);
    else {
      this.index.remove(face.id);
      await this.images.removeErased(face.fileName);
    }
  }

  /**
   * Whether a photo may be served: only while its face row exists. A photo whose deletion committed is never
   * served, whatever copy of it is still on a disk; nor is a file without a row (kept for repair, not shown).
   */
  async isStoredPhoto(fileName: string): Promise<boolean> {
    const imageId = fileName.slice(0, fileName.indexOf('.'));
    const face = await this.store.faces.getByImageId(imageId);
    return face?.fileName === fileName;
  }

  /**
   * The connection broke while a transaction's COMMIT was on its way, so whether its rows exist is unknown: the
   * photo keeps its pending or deleted mark, which says so, and is settled by its row once the database answers
   * again (as the start-up repair would). Until then the photo is neither served nor counted as stored.
   */
  private settleLater(imageId: string, fileName: string, mark: PhotoMark): void {
    const attempt = async (): Promise<void> => {
      if (this.closed) return; // the next start-up's repair settles it
      try {
        const row = await this.store.faces.getByImageId(imageId);
        await this.images.settle(fileName, mark, row !== undefined);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code !== 'STORE_UNAVAILABLE' && code !== 'STORAGE_UNAVAILABLE') {
          this.logger.warn(`gallery: could not settle ${fileName} after an interrupted commit (a later start settles it): ${(err as Error).message}`);
          return;
        }
        setTimeout(() => void attempt(), SETTLE_RETRY_MS).unref();
      }
    };
    setTimeout(() => void attempt(), SETTLE_RETRY_MS).unref();
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.index.clear();
    this.images.close();
    if (this.ownsStore) await this.store.close();
  }
}
