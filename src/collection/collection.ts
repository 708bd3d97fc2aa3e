// A photo collection becoming people: photos imported in bulk (every recognisable face kept: as the person the
// open-set rule recognises, or unnamed and grouped with faces like it), and the changes that turn groups into
// people: name a group, move faces to another person or back to the unnamed faces, merge two people, ignore faces,
// regroup everything. Each change is one transaction; the gallery's two indexes follow it at once (and, on
// PostgreSQL, every other replica's through the change feed).
import type { FaceIndex } from '../core/index.js';
import type { FaceGroupRow, FaceRow } from '../store/faces.js';
import type { ImportedPhotoRow } from '../store/imported-photos.js';
import type { PersonRow } from '../store/people.js';
import type { Store } from '../store/store.js';
import type { PhotoAnalyser } from '../gallery/analysis.js';
import { GalleryError, notFoundPerson } from '../gallery/errors.js';
import type { Photo } from '../gallery/files.js';
import type { PhotoWrites } from '../gallery/photo-writes.js';
import type { FaceMatchOutcome } from '../gallery/results.js';
import { storedFaces } from '../gallery/reader.js';
import { Serial } from './serial.js';
import { Importer, personFor, type ImportOptions, type ImportOutcome, type PersonTarget } from './importer.js';
import { DEFAULT_GROUPING, groupAll, type GroupingRule } from './grouping.js';

/** What the collection needs of the gallery it belongs to. */
export interface CollectionParts {
  store: Store;
  analyser: PhotoAnalyser;
  writes: PhotoWrites;
  unnamedIndex: FaceIndex;
  /** Takes a face out of both indexes. */
  unindex(faceId: number): void;
  /** Puts a face into the index it belongs in (and out of the other). */
  place(faceId: number, encoding: Float32Array, as: 'named' | 'unnamed'): void;
  /** The person a face is by the open-set rule (the service's MATCH_FPIR), or null. */
  identify(encoding: Float32Array, targetFpir: number): Promise<FaceMatchOutcome | null>;
  matchFpir: number;
  /** The number of people changed. */
  peopleChanged(): void;
  assertOpen(): void;
}

export interface CollectionOptions {
  /** Unnamed faces kept at most (MAX_UNNAMED_FACES); recognisable faces beyond are dropped and counted. */
  maxUnnamedFaces: number;
  grouping?: GroupingRule;
}

export const DEFAULT_MAX_UNNAMED_FACES = 100_000;

export type { ImportOptions, ImportOutcome, ImportStatus, PersonTarget } from './importer.js';

export class Collection {
  private readonly rule: GroupingRule;
  /** Grouping decisions and the writes they lead to run one at a time, so each sees the faces placed before it. */
  private readonly serial = new Serial();
  private readonly importer: Importer;

  constructor(
    private readonly parts: CollectionParts,
    readonly options: CollectionOptions,
  ) {
    this.rule = options.grouping ?? DEFAULT_GROUPING;
    this.importer = new Importer(parts, options.maxUnnamedFaces, this.rule, this.serial);
  }

  private get store(): Store {
    return this.parts.store;
  }

  // ---- importing

  /**
   * Imports one photo: skipped when the same bytes were imported before; otherwise every recognisable face is kept
   * (named when the open-set rule is confident, else grouped), or with `person`, the main face as that person.
   */
  importPhoto(photo: Photo, source: string, options: ImportOptions = {}): Promise<ImportOutcome> {
    return this.importer.importPhoto(photo, source, options);
  }

  // ---- naming, moving, merging, ignoring

  /** Gives every face of a group (ignored ones aside) to a person: an existing one, or one made for the name. */
  async nameGroup(groupId: number, target: PersonTarget): Promise<PersonRow> {
    const { person, faces } = await this.serial.run(() =>
      this.store.transaction(async () => {
        const faces = await this.store.faces.listGroup(groupId, -1);
        if (faces.length === 0) throw new GalleryError('NOT_FOUND', `No group of unnamed faces has the id ${groupId}`);
        const { row } = await personFor(this.store, target);
        await this.store.faces.assign(
          faces.map((f) => f.id),
          row.id,
          null,
        );
        return { person: row, faces };
      }),
    );
    await this.reindex(faces, 'named');
    this.parts.peopleChanged();
    return person;
  }

  /**
   * Moves faces to a person, or back to the unnamed faces (a group of their own) when `target` is null: how a
   * person is split. Every face must exist.
   */
  async moveFaces(imageIds: string[], target: PersonTarget | null): Promise<{ moved: number; person: PersonRow | null; groupId: number | null }> {
    if (imageIds.length === 0) throw new GalleryError('BAD_USER_INPUT', 'No face was given to move');
    const result = await this.serial.run(() =>
      this.store.transaction(async () => {
        const faces = await storedFaces(this.store, imageIds);
        const ids = faces.map((f) => f.id);
        if (target === null) {
          const groupId = await this.store.faces.nextGroupId();
          await this.store.faces.assign(ids, null, groupId);
          return { faces, person: null, groupId };
        }
        const { row } = await personFor(this.store, target);
        await this.store.faces.assign(ids, row.id, null);
        return { faces, person: row, groupId: null };
      }),
    );
    await this.reindex(result.faces, result.person ? 'named' : 'unnamed');
    this.parts.peopleChanged();
    return { moved: result.faces.length, person: result.person, groupId: result.groupId };
  }

  /** Two people are one: every face of `sourceId` becomes `targetId`'s, and `sourceId` is removed. */
  async mergePeople(sourceId: number, targetId: number): Promise<PersonRow> {
    if (sourceId === targetId) throw new GalleryError('BAD_USER_INPUT', 'A person cannot be merged into themselves');
    const target = await this.store.transaction(async () => {
      const source = await this.store.people.get(sourceId);
      if (!source) throw notFoundPerson(sourceId);
      const target = await this.store.people.get(targetId);
      if (!target) throw notFoundPerson(targetId);
      await this.store.faces.reassignPerson(sourceId, targetId);
      await this.store.people.delete(sourceId);
      return target;
    });
    this.parts.peopleChanged();
    return target;
  }

  /** Marks unnamed faces (these, or a group's) as nobody to name; returns how many were marked. */
  async ignore(which: { imageIds: string[] } | { groupId: number }): Promise<number> {
    return this.store.transaction(async () => {
      let faces: FaceRow[];
      if ('groupId' in which) {
        faces = await this.store.faces.listGroup(which.groupId, -1);
        if (faces.length === 0) throw new GalleryError('NOT_FOUND', `No group of unnamed faces has the id ${which.groupId}`);
      } else {
        faces = await storedFaces(this.store, which.imageIds);
        const named = faces.find((f) => f.personId !== null);
        if (named) throw new GalleryError('BAD_USER_INPUT', `The face ${named.imageId} has a name: move it back to the unnamed faces first`);
      }
      await this.store.faces.setIgnored(
        faces.map((f) => f.id),
        true,
      );
      return faces.length;
    });
  }

  /** Groups every unnamed face again, from scratch, in the order they arrived (as they would have been grouped). */
  async regroup(): Promise<{ faces: number; groups: number; seconds: number }> {
    return this.serial.run(async () => {
      const t0 = performance.now();
      const { ids, encodings, ignored } = await this.store.faces.unnamedEncodings();
      const groups = await groupAll(ids, encodings, ignored, this.rule);
      await this.store.transaction(() => this.store.faces.setGroups(ids, groups));
      return { faces: ids.length, groups: new Set(groups).size, seconds: (performance.now() - t0) / 1000 };
    });
  }

  // ---- reading groups

  /** Groups of unnamed faces (ignored ones aside), largest first. */
  groups(offset: number, limit: number): Promise<FaceGroupRow[]> {
    return this.store.faces.listGroups(offset, limit);
  }

  countGroups(): Promise<number> {
    return this.store.faces.countGroups();
  }

  /** One group and its size, or undefined when none of its faces is left unnamed and not ignored. */
  async group(groupId: number): Promise<FaceGroupRow | undefined> {
    const faces = await this.store.faces.listGroup(groupId, -1);
    return faces.length === 0 ? undefined : { groupId, size: faces.length };
  }

  groupFaces(groupId: number, first: number): Promise<FaceRow[]> {
    return first === 0 ? Promise.resolve([]) : this.store.faces.listGroup(groupId, first);
  }

  // ---- imported photos

  /** Removes an imported photo's record and every face kept from it, named or not. */
  async deleteImportedPhoto(photoId: number): Promise<{ removedFaces: number }> {
    const photo = await this.store.importedPhotos.get(photoId);
    if (!photo) throw new GalleryError('NOT_FOUND', `No imported photo has the id ${photoId}`);
    const faces = await this.store.faces.listByPhoto(photoId);
    // An imported photo's faces are written once, with its record: none can have been added since.
    await this.parts.writes.delete(faces, async () => {
      for (const f of faces) await this.store.faces.delete(f.id);
      if (!(await this.store.importedPhotos.delete(photoId))) throw new GalleryError('NOT_FOUND', `No imported photo has the id ${photoId}`);
    });
    this.parts.peopleChanged();
    return { removedFaces: faces.length };
  }

  importedPhoto(photoId: number): Promise<ImportedPhotoRow | undefined> {
    return this.store.importedPhotos.get(photoId);
  }

  // ---- helpers

  /** Moves faces whose rows changed side into the index they now belong in. */
  private async reindex(faces: FaceRow[], as: 'named' | 'unnamed'): Promise<void> {
    const encodings = await this.store.faces.encodingsOf(faces.map((f) => f.id));
    for (const [id, encoding] of encodings) this.parts.place(id, encoding, as);
  }
}
