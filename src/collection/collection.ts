// A photo collection becoming people: photos imported in bulk (every recognisable face kept: as the person the
// open-set rule recognises, or unnamed and grouped with faces like it), and the changes that turn groups into
// people: name a group, move faces to another person or back to the unnamed faces, merge two people, ignore faces,
// regroup everything. Each change is one transaction; the gallery's two indexes follow it at once (and, on
// PostgreSQL, every other replica's through the change feed).
import { createHash, randomUUID } from 'node:crypto';
import { FaceIndex } from '../core/index.js';
import type { FaceGroupRow, FaceRow } from '../store/faces.js';
import type { ImportedPhotoRow } from '../store/imported-photos.js';
import type { PersonRow } from '../store/people.js';
import type { Store } from '../store/store.js';
import { imageFileName } from '../store/images.js';
import type { PhotoAnalyser, DetectionOverrides } from '../gallery/analysis.js';
import { GalleryError, notFoundPerson } from '../gallery/errors.js';
import type { Photo } from '../gallery/files.js';
import { chooseFaceToEnrol } from '../gallery/main-face.js';
import type { PersonName } from '../gallery/names.js';
import type { FileToStore, PhotoWrites } from '../gallery/photo-writes.js';
import { faceQuality } from '../gallery/quality.js';
import type { FaceMatchOutcome } from '../gallery/results.js';
import { DEFAULT_GROUPING, GroupUnion, placeFace, type GroupingRule, type Placement } from './grouping.js';

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

export type ImportStatus = 'IMPORTED' | 'ALREADY_IMPORTED' | 'NO_FACE_FOUND';

export interface ImportOutcome {
  status: ImportStatus;
  photo: ImportedPhotoRow;
  facesFound: number;
  named: FaceRow[];
  unnamed: FaceRow[];
  dropped: number;
}

/** How one photo is imported. */
export interface ImportOptions extends DetectionOverrides {
  /** Enrol the photo's main face as this person (a folder named after them), instead of keeping every face. */
  person?: PersonName;
  /**
   * Resolves when this photo's faces may be stored: photos analysed side by side are then grouped in the order
   * given (grouping depends on the order faces arrive in), so an import of a folder always groups it the same way.
   */
  turn?: Promise<unknown>;
}

/** Where a name or a person id given with a change points. */
export type PersonTarget = { personId: number } | { name: PersonName };

/** A face to store from an import, and what decides it. */
interface KeptFace {
  box: FaceRow['box'];
  encoding: Float32Array;
  crop: Buffer;
  person: PersonRow | null;
}

export class Collection {
  private readonly rule: GroupingRule;
  /** Grouping decisions and the writes they lead to run one at a time, so each sees the faces placed before it. */
  private readonly serial = new Serial();

  constructor(
    private readonly parts: CollectionParts,
    readonly options: CollectionOptions,
  ) {
    this.rule = options.grouping ?? DEFAULT_GROUPING;
  }

  private get store(): Store {
    return this.parts.store;
  }

  // ---- importing

  /**
   * Imports one photo: skipped when the same bytes were imported before; otherwise every recognisable face is kept
   * (named when the open-set rule is confident, else grouped), or with `person`, the main face as that person.
   */
  async importPhoto(photo: Photo, source: string, options: ImportOptions = {}): Promise<ImportOutcome> {
    const contentHash = createHash('sha256').update(photo.bytes).digest('hex');
    const before = await this.store.importedPhotos.byHash(contentHash);
    if (before) return { status: 'ALREADY_IMPORTED', photo: before, facesFound: before.facesFound, named: [], unnamed: [], dropped: 0 };
    // The photo itself is not kept: each face keeps its crop (a JPEG).
    const { analysis } = await this.parts.analyser.analyze(photo, options);
    let chosen: number[];
    if (options.person) chosen = analysis.faces.length === 0 ? [] : [chooseFaceToEnrol(analysis)];
    else chosen = analysis.faces.flatMap((f, i) => (faceQuality(f, analysis.width, analysis.height, analysis.detector).recognisable ? [i] : []));
    const faces = chosen.map((i) => analysis.faces[i]!);
    const crops = await this.parts.analyser.faceCrops(
      photo,
      faces.map((f) => f.landmarks),
    );
    // Each face is identified at its share of MATCH_FPIR, as a search of the photo would.
    const targetFpir = this.parts.matchFpir / Math.max(1, faces.length);
    const kept: KeptFace[] = await Promise.all(
      faces.map(async (f, i) => ({
        box: f.box,
        encoding: f.encoding,
        crop: crops[i]!,
        person: options.person ? null : ((await this.parts.identify(f.encoding, targetFpir))?.person ?? null),
      })),
    );
    await options.turn;
    this.parts.assertOpen();
    return this.serial.run(() => this.storeImport(contentHash, source, analysis.faces.length, kept, options.person));
  }

  private async storeImport(
    contentHash: string,
    source: string,
    facesFound: number,
    kept: KeptFace[],
    folderPerson: PersonName | undefined,
  ): Promise<ImportOutcome> {
    // The same bytes may have been imported while this copy was analysed (a folder holding a photo twice).
    const before = await this.store.importedPhotos.byHash(contentHash);
    if (before) return { status: 'ALREADY_IMPORTED', photo: before, facesFound: before.facesFound, named: [], unnamed: [], dropped: 0 };
    // The cap on unnamed faces: faces beyond it are not kept (a named face always is).
    let room = this.options.maxUnnamedFaces - (await this.store.faces.countUnnamed());
    const stored = kept.filter((k) => k.person !== null || folderPerson !== undefined || room-- > 0);
    const dropped = kept.length - stored.length;
    const placements = await Promise.all(stored.map(async (k) => (k.person || folderPerson ? null : this.placement(k.encoding))));
    const files = stored.map((k) => {
      const imageId = randomUUID();
      return { imageId, fileName: imageFileName(imageId, 'jpg'), bytes: k.crop };
    });
    let result;
    try {
      result = await this.writeImport(contentHash, source, facesFound, stored, placements, files, folderPerson);
    } catch (err) {
      // Another replica imported the same bytes in the meantime (this transaction then broke the record's
      // uniqueness and rolled back): its record stands, nothing of this one was kept.
      const other = await this.store.importedPhotos.byHash(contentHash).catch(() => undefined);
      if (other) return { status: 'ALREADY_IMPORTED', photo: other, facesFound: other.facesFound, named: [], unnamed: [], dropped: 0 };
      throw err;
    }
    if (result.createdPerson) this.parts.peopleChanged();
    const status: ImportStatus = facesFound === 0 ? 'NO_FACE_FOUND' : 'IMPORTED';
    return {
      status,
      photo: result.photo,
      facesFound,
      named: result.rows.filter((r) => r.personId !== null),
      unnamed: result.rows.filter((r) => r.personId === null),
      dropped,
    };
  }

  private writeImport(
    contentHash: string,
    source: string,
    facesFound: number,
    stored: KeptFace[],
    placements: (Placement | null)[],
    files: FileToStore[],
    folderPerson: PersonName | undefined,
  ) {
    return this.parts.writes.write(
      files,
      async () => {
        const photo = await this.store.importedPhotos.insert({ contentHash, source, facesFound, facesKept: stored.length });
        const person = folderPerson ? await this.personFor({ name: folderPerson }) : null;
        const rows: FaceRow[] = [];
        for (const [i, k] of stored.entries()) {
          const placement = placements[i];
          const personId = person?.row.id ?? k.person?.id ?? null;
          let groupId: number | null = null;
          if (personId === null) {
            groupId = placement?.groupId ?? (await this.store.faces.nextGroupId());
            if (placement?.merge.length) await this.store.faces.mergeGroups(placement.merge, groupId);
          }
          const f = files[i]!;
          rows.push(
            await this.store.faces.insert({
              imageId: f.imageId,
              fileName: f.fileName,
              personId,
              groupId,
              ignored: placement?.ignored ?? false,
              photoId: photo.id,
              box: k.box,
              encoding: k.encoding,
              crop: k.crop,
            }),
          );
        }
        return { photo, rows, createdPerson: person?.created ?? false };
      },
      (r) => r.rows.forEach((row, i) => this.parts.place(row.id, stored[i]!.encoding, row.personId === null ? 'unnamed' : 'named')),
      async (r) => {
        for (const row of r.rows) {
          this.parts.unindex(row.id);
          await this.store.faces.delete(row.id);
        }
        await this.store.importedPhotos.delete(r.photo.id);
      },
    );
  }

  /** Where a new unnamed face goes, from its nearest unnamed neighbours. */
  private async placement(encoding: Float32Array) {
    const neighbours = await this.parts.unnamedIndex.search(encoding, {
      k: this.rule.neighbours,
      maxDistance: Math.max(this.rule.linkDistance, this.rule.looseDistance),
    });
    const members = await this.store.faces.groupMembers(neighbours.map((n) => n.id));
    return placeFace(neighbours, members, this.rule);
  }

  // ---- naming, moving, merging, ignoring

  /** Gives every face of a group (ignored ones aside) to a person: an existing one, or one made for the name. */
  async nameGroup(groupId: number, target: PersonTarget): Promise<PersonRow> {
    const { person, faces } = await this.serial.run(() =>
      this.store.transaction(async () => {
        const faces = await this.store.faces.listGroup(groupId, -1);
        if (faces.length === 0) throw new GalleryError('NOT_FOUND', `No group of unnamed faces has the id ${groupId}`);
        const { row } = await this.personFor(target);
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
        const faces = await this.existingFaces(imageIds);
        const ids = faces.map((f) => f.id);
        if (target === null) {
          const groupId = await this.store.faces.nextGroupId();
          await this.store.faces.assign(ids, null, groupId);
          return { faces, person: null, groupId };
        }
        const { row } = await this.personFor(target);
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
        faces = await this.existingFaces(which.imageIds);
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
    await this.parts.writes.delete(faces, async () => {
      for (const f of await this.store.faces.listByPhoto(photoId)) await this.store.faces.delete(f.id);
      if (!(await this.store.importedPhotos.delete(photoId))) throw new GalleryError('NOT_FOUND', `No imported photo has the id ${photoId}`);
    });
    this.parts.peopleChanged();
    return { removedFaces: faces.length };
  }

  importedPhoto(photoId: number): Promise<ImportedPhotoRow | undefined> {
    return this.store.importedPhotos.get(photoId);
  }

  // ---- helpers

  /** The person a change names: by id (NOT_FOUND when there is none), or by name (made when nobody has it). */
  private async personFor(target: PersonTarget): Promise<{ row: PersonRow; created: boolean }> {
    if ('personId' in target) {
      const row = await this.store.people.get(target.personId);
      if (!row) throw notFoundPerson(target.personId);
      return { row, created: false };
    }
    const existing = await this.store.people.findByName(target.name.firstName, target.name.surName);
    if (existing) return { row: existing, created: false };
    return { row: await this.store.people.insert(target.name.firstName, target.name.surName), created: true };
  }

  /** The faces with these photo ids; NOT_FOUND naming the first that has none. */
  private async existingFaces(imageIds: string[]): Promise<FaceRow[]> {
    const unique = [...new Set(imageIds)];
    const faces = await this.store.faces.getMany(unique);
    if (faces.length !== unique.length) {
      const found = new Set(faces.map((f) => f.imageId));
      const missing = unique.find((id) => !found.has(id))!;
      throw new GalleryError('NOT_FOUND', `No stored face has the id ${JSON.stringify(missing.slice(0, 64))}`);
    }
    return faces;
  }

  /** Moves faces whose rows changed side into the index they now belong in. */
  private async reindex(faces: FaceRow[], as: 'named' | 'unnamed'): Promise<void> {
    const encodings = await this.store.faces.encodingsOf(faces.map((f) => f.id));
    for (const [id, encoding] of encodings) this.parts.place(id, encoding, as);
  }
}

/** Runs tasks one at a time, in the order they were given. */
class Serial {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task, task);
    this.last = result.catch(() => undefined);
    return result;
  }
}

/** The groups of faces placed one at a time in this order, each against those placed before it (ids → group numbers 1, 2, …). */
export async function groupAll(ids: number[], encodings: Float32Array, ignored: boolean[], rule: GroupingRule = DEFAULT_GROUPING): Promise<number[]> {
  const index = new FaceIndex();
  index.reserve(ids.length);
  const union = new GroupUnion();
  const groupOf = new Map<number, number>();
  const sizes = new Map<number, number>();
  let next = 1;
  try {
    for (let i = 0; i < ids.length; i++) {
      const encoding = encodings.subarray(i * 128, (i + 1) * 128);
      const neighbours =
        index.size === 0 ? [] : await index.search(encoding, { k: rule.neighbours, maxDistance: Math.max(rule.linkDistance, rule.looseDistance) });
      const members = new Map(
        neighbours.map((n) => {
          const groupId = union.find(groupOf.get(n.id)!);
          return [n.id, { groupId, ignored: ignored[n.id] ?? false, groupSize: sizes.get(groupId)! }];
        }),
      );
      const placement = placeFace(neighbours, members, rule);
      let group = placement.groupId ?? next++;
      let size = (sizes.get(group) ?? 0) + 1;
      for (const other of placement.merge) {
        size += sizes.get(other)!;
        group = union.union(group, other);
      }
      sizes.set(group, size);
      groupOf.set(i, group);
      index.add(i, encoding);
    }
  } finally {
    index.clear();
  }
  return ids.map((_, i) => union.find(groupOf.get(i)!));
}
