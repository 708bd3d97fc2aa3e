// The gallery: enrol, search and delete faces. The one place that keeps the image files, the database rows and the
// two in-memory indexes in step (the named faces searches match; the unnamed faces an import keeps, which its
// Collection groups: src/collection/). Its lookups are GalleryLookups' (reader.ts); a photo's analysis is
// PhotoAnalyser's (analysis.ts), and the answer to a search is searchOutcome's (search.ts).
//
// Order of writes (photo-writes.ts), so that a process killed at any instant leaves nothing a restart can't repair:
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
// the start with the ways to recover. Then the indexes are rebuilt from the rows.
//
// On a database several replicas share (PostgreSQL), the rows' encodings are loaded from one snapshot with the
// change feed's position it is at, and every face change committed after it, by this replica or any other, is
// applied to the indexes in feed order (store/feed.ts). This replica's own writes reach its indexes at once, as
// above; the feed then brings the same change again, and applying it twice changes nothing.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_MIN_FACE_PX, DEFAULT_SERVICE_DETECTOR } from '../core/index.js';
import type { FaceRow } from '../store/faces.js';
import { ImageFiles, imageFileName, type StoredExt } from '../store/images.js';
import type { PhotoStore } from '../store/photo-store.js';
import type { PersonRow } from '../store/people.js';
import type { FaceChange } from '../store/feed.js';
import { SpaceReserve } from '../store/space-reserve.js';
import { openStore, type Store } from '../store/store.js';
import { PhotoAnalyser, type DetectionOverrides, type DetectionSettings } from './analysis.js';
import { GalleryLookups, loadEncodings, storedFaces } from './reader.js';
import { chooseFaceToEnrol } from './main-face.js';
import { checkDataDir, reportRepair, settleInterruptedWrites } from './repair.js';
import { GalleryError, notFoundPerson, notFoundPhoto } from './errors.js';
import { PhotoWrites } from './photo-writes.js';
import type { Photo } from './files.js';
import { fullName, personName, type PersonName } from './names.js';
import type { AnalysedPhoto, EnrolResult, ReconcileReport, SearchOutcome } from './results.js';
import { searchOutcome } from './search.js';
import { DEFAULT_MATCH_FPIR, type EnrolOverrides, type GalleryOptions } from './options.js';
import { Collection, DEFAULT_MAX_UNNAMED_FACES } from '../collection/collection.js';
import { personFor } from '../collection/importer.js';

export { DEFAULT_MATCH_FPIR, type EnrolOverrides, type GalleryOptions } from './options.js';

/** A gallery that enrols, searches and deletes; its lookups (people, photos, the nearest face) are GalleryLookups'. */
export class Gallery extends GalleryLookups {
  readonly tolerance: number;
  readonly matchFpir: number;
  private readonly analyser: PhotoAnalyser;
  private readonly images: PhotoStore;
  private readonly reserve: SpaceReserve;
  private readonly logger: Pick<Console, 'warn' | 'error'>;
  /** Photos and rows written and deleted together. */
  protected readonly writes: PhotoWrites;
  /** Imports, and turning groups of unnamed faces into people. */
  readonly collection: Collection;
  private closed = false;
  private following = false;

  private constructor(
    store: Store,
    private readonly ownsStore: boolean,
    opts: GalleryOptions,
  ) {
    const matchFpir = opts.matchFpir ?? DEFAULT_MATCH_FPIR;
    super(store, { targetFpir: matchFpir, tolerance: opts.tolerance });
    this.images = opts.photos ?? new ImageFiles(path.join(opts.dataDir, 'images'));
    this.reserve = new SpaceReserve(opts.dataDir);
    this.tolerance = opts.tolerance;
    this.matchFpir = matchFpir;
    const detection: DetectionSettings = {
      detector: opts.detection?.detector ?? DEFAULT_SERVICE_DETECTOR,
      minFacePx: opts.detection?.minFacePx ?? DEFAULT_MIN_FACE_PX,
    };
    this.analyser = new PhotoAnalyser(opts.core, detection, (opts.analysisTimeoutS ?? Infinity) * 1000);
    this.logger = opts.logger ?? console;
    this.writes = new PhotoWrites(
      store,
      this.images,
      this.reserve,
      (faceId) => this.unindex(faceId),
      this.logger,
      () => this.assertOpen(),
      () => this.closed,
    );
    this.collection = new Collection(
      {
        store,
        analyser: this.analyser,
        writes: this.writes,
        unnamedIndex: this.unnamedIndex,
        unindex: (faceId) => this.unindex(faceId),
        place: (faceId, encoding, as) => this.place(faceId, encoding, as),
        identify: (encoding, targetFpir) => this.identify(encoding, targetFpir),
        matchFpir,
        peopleChanged: () => this.peopleCount.invalidate(),
        assertOpen: () => this.assertOpen(),
      },
      { maxUnnamedFaces: opts.maxUnnamedFaces ?? DEFAULT_MAX_UNNAMED_FACES },
    );
  }

  /** Takes a face out of both indexes. */
  protected unindex(faceId: number): void {
    this.index.remove(faceId);
    this.unnamedIndex.remove(faceId);
  }

  /** Puts a face's encoding into the index it belongs in (and out of the other). */
  protected place(faceId: number, encoding: Float32Array, as: 'named' | 'unnamed'): void {
    const [into, out] = as === 'named' ? [this.index, this.unnamedIndex] : [this.unnamedIndex, this.index];
    out.remove(faceId);
    if (!into.has(faceId)) into.add(faceId, encoding);
  }

  /** The default detection settings (FACE_DETECTOR, MIN_FACE_PX); each call may pick another detector. */
  get detection(): DetectionSettings {
    return this.analyser.detection;
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
    this.unnamedIndex.clear();
    const { count, position } = await loadEncodings(this.store, this.index, this.unnamedIndex);
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
        this.unindex(c.faceId);
        const fileName = c.fileName;
        if (fileName) void this.writes.removeQuietly(() => this.images.removeErased(fileName), fileName);
      }
      // A change whose row is already gone again brings no encoding; its removal follows in the feed.
      else if (c.encoding && c.as) this.place(c.faceId, c.encoding, c.as);
    }
  }

  /** Applies every change committed so far to the index (tests; the feed does this by itself within moments). */
  async catchUp(): Promise<void> {
    await this.store.feed?.catchUp();
  }

  /** Where stored photos are kept: the local folder or an S3 bucket. */
  get photos(): PhotoStore {
    return this.images;
  }

  // ---- enrolling and searching

  /** Checks the name and the bytes, then detects and encodes every face (largest first); once per photo and detector. */
  analyze(photo: Photo, overrides: DetectionOverrides = {}): Promise<{ analysis: AnalysedPhoto; ext: StoredExt }> {
    return this.analyser.analyze(photo, overrides);
  }

  /** Enrols the main face (or `faceIndex`) under this name; an existing name (case-insensitive) gets the face added. */
  async addPerson(photo: Photo, name: PersonName, overrides: EnrolOverrides = {}): Promise<EnrolResult> {
    return this.enrol(photo, overrides, async () => {
      const { row, created } = await personFor(this.store, { name });
      return { person: row, created };
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

  private async enrol(
    photo: Photo,
    overrides: EnrolOverrides,
    personFor: () => Promise<{ person: PersonRow; created: boolean }>,
  ): Promise<EnrolResult> {
    const { analysis, ext } = await this.analyze(photo, overrides);
    const faceIndex = chooseFaceToEnrol(analysis, overrides.faceIndex);
    const { encoding, crop } = await this.analyser.enrolmentEncoding(photo, analysis.faces[faceIndex]!.landmarks);
    const chosen = { box: analysis.faces[faceIndex]!.box, encoding };
    this.assertOpen();
    const imageId = randomUUID();
    const fileName = imageFileName(imageId, ext);
    const result = await this.writes.write(
      [{ imageId, fileName, bytes: photo.bytes }],
      async () => {
        const { person, created } = await personFor();
        const face = await this.store.faces.insert({ imageId, personId: person.id, fileName, box: chosen.box, encoding: chosen.encoding, crop });
        return { person, face, created };
      },
      (r) => this.index.add(r.face.id, chosen.encoding),
      async (r) => {
        this.index.remove(r.face.id);
        await this.store.faces.delete(r.face.id);
        if (r.created) await this.store.people.delete(r.person.id);
      },
    );
    if (result.created) this.peopleCount.invalidate();
    return { person: result.person, face: result.face, facesDetected: analysis.faces.length, faceIndex, createdPerson: result.created };
  }

  /**
   * Who is in this photo? Every recognisable face (the quality verdict) is identified by the open-set rule
   * (open-set.ts); with `tolerance` given, by the raw rule instead: its nearest face within that distance.
   */
  async search(photo: Photo, tolerance?: number, overrides: DetectionOverrides = {}): Promise<SearchOutcome> {
    const { analysis } = await this.analyze(photo, overrides);
    return searchOutcome(analysis, this.matchFpir, tolerance ?? this.tolerance, (encoding, targetFpir) =>
      this.identify(encoding, targetFpir, tolerance),
    );
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
    await this.writes.delete(marked, async () => {
      // A photo enrolled since the list above goes with the person too.
      late = (await this.store.faces.listByPerson(id)).filter((f) => !marked.some((m) => m.id === f.id));
      if (!(await this.store.people.delete(id))) throw notFoundPerson(id);
    });
    this.peopleCount.invalidate();
    for (const f of late) {
      this.unindex(f.id);
      await this.writes.removeErased(f);
    }
    return { removedFaces: marked.length + late.length };
  }

  /** Removes one stored photo, its row and its index entry; the person stays. */
  async deleteFace(imageId: string): Promise<{ removedFaces: number; face: FaceRow }> {
    this.assertOpen();
    const face = await this.store.faces.getByImageId(imageId);
    if (!face) throw notFoundPhoto(imageId);
    await this.writes.delete([face], async () => {
      if (!(await this.store.faces.delete(face.id))) throw notFoundPhoto(imageId);
    });
    return { removedFaces: 1, face };
  }

  /** Removes stored faces (a person's photos or unnamed faces): files, rows and index entries; NOT_FOUND if one is missing. */
  async deleteFaces(imageIds: string[]): Promise<{ removedFaces: number }> {
    this.assertOpen();
    const faces = await storedFaces(this.store, imageIds);
    await this.writes.delete(faces, async () => {
      for (const f of faces) if (!(await this.store.faces.delete(f.id))) throw notFoundPhoto(f.imageId);
    });
    return { removedFaces: faces.length };
  }

  /**
   * A face's crop (JPEG), or undefined when there is no such face. A face stored before crops existed gets its crop
   * now, from its photo, once.
   */
  async faceCrop(imageId: string): Promise<Buffer | undefined> {
    const crop = await this.store.faces.crop(imageId);
    if (crop !== null) return crop;
    const face = await this.store.faces.getByImageId(imageId);
    const bytes = face && (await this.images.read(face.fileName));
    if (!face || !bytes) return undefined;
    const made = await this.analyser.cropOfBox(bytes, face.box);
    await this.store.faces.setCrop(face.id, made);
    return made;
  }

  private assertOpen(): void {
    if (this.closed || !this.store.isOpen) throw new Error('The gallery is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.index.clear();
    this.unnamedIndex.clear();
    this.images.close();
    if (this.ownsStore) await this.store.close();
  }
}
