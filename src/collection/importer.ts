// Importing a photo: its faces found once, each recognisable one kept with a small crop — as the person the open-set
// rule recognises, as the person a folder names, or unnamed and placed in a group by its nearest unnamed neighbours
// (grouping.ts) — and the photo recorded by the SHA-256 of its bytes, so it is never imported twice. The faces'
// crops and rows are written the gallery's crash-safe way (photo-writes.ts), one photo at a time.
import { createHash, randomUUID } from 'node:crypto';
import type { FaceRow } from '../store/faces.js';
import type { ImportedPhotoRow } from '../store/imported-photos.js';
import type { PersonRow } from '../store/people.js';
import type { Store } from '../store/store.js';
import { imageFileName } from '../store/images.js';
import type { DetectionOverrides } from '../gallery/analysis.js';
import { notFoundPerson } from '../gallery/errors.js';
import type { Photo } from '../gallery/files.js';
import { chooseFaceToEnrol } from '../gallery/main-face.js';
import type { PersonName } from '../gallery/names.js';
import type { FileToStore } from '../gallery/photo-writes.js';
import { faceQuality } from '../gallery/quality.js';
import type { CollectionParts } from './collection.js';
import { placeFace, type GroupingRule, type Placement } from './grouping.js';
import type { Serial } from './serial.js';

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

/** What importing a photo imported before answers: its record, and nothing stored. */
const alreadyImported = (photo: ImportedPhotoRow): ImportOutcome => ({
  status: 'ALREADY_IMPORTED',
  photo,
  facesFound: photo.facesFound,
  named: [],
  unnamed: [],
  dropped: 0,
});

/** Where a name or a person id given with a change points. */
export type PersonTarget = { personId: number } | { name: PersonName };

/** The person a change names: by id (NOT_FOUND when there is none), or by name (made when nobody has it). */
export async function personFor(store: Store, target: PersonTarget): Promise<{ row: PersonRow; created: boolean }> {
  if ('personId' in target) {
    const row = await store.people.get(target.personId);
    if (!row) throw notFoundPerson(target.personId);
    return { row, created: false };
  }
  const existing = await store.people.findByName(target.name.firstName, target.name.surName);
  if (existing) return { row: existing, created: false };
  return { row: await store.people.insert(target.name.firstName, target.name.surName), created: true };
}

/** A face to store from an import, and what decides it. */
interface KeptFace {
  box: FaceRow['box'];
  encoding: Float32Array;
  crop: Buffer;
  person: PersonRow | null;
}
export class Importer {
  constructor(
    private readonly parts: CollectionParts,
    /** MAX_UNNAMED_FACES. */
    private readonly maxUnnamedFaces: number,
    private readonly rule: GroupingRule,
    /** The collection's: grouping decisions and the writes they lead to, one at a time. */
    private readonly serial: Serial,
  ) {}

  private get store(): Store {
    return this.parts.store;
  }

  /**
   * Imports one photo: skipped when the same bytes were imported before; otherwise every recognisable face is kept
   * (named when the open-set rule is confident, else grouped), or with `person`, the main face as that person.
   */
  async importPhoto(photo: Photo, source: string, options: ImportOptions = {}): Promise<ImportOutcome> {
    const contentHash = createHash('sha256').update(photo.bytes).digest('hex');
    const before = await this.store.importedPhotos.byHash(contentHash);
    if (before) return alreadyImported(before);
    // The photo itself is not kept: each face keeps its crop (a JPEG).
    const { analysis } = await this.parts.analyser.analyze(photo, options);
    let chosen: number[];
    if (options.person) chosen = analysis.faces.length === 0 ? [] : [chooseFaceToEnrol(analysis)];
    else chosen = analysis.faces.flatMap((f, i) => (faceQuality(f, analysis.width, analysis.height, analysis.detector).recognisable ? [i] : []));
    const faces = chosen.map((i) => analysis.faces[i]!);
    let kept: KeptFace[];
    if (options.person && faces.length > 0) {
      // Enrolled as the folder's person: stored with the encoding addPerson stores (with its jitter).
      const { encoding, crop } = await this.parts.analyser.enrolmentEncoding(photo, faces[0]!.landmarks);
      kept = [{ box: faces[0]!.box, encoding, crop, person: null }];
    } else {
      const crops = await this.parts.analyser.faceCrops(
        photo,
        faces.map((f) => f.landmarks),
      );
      // Each face is identified at its share of MATCH_FPIR, as a search of the photo would.
      const targetFpir = this.parts.matchFpir / Math.max(1, faces.length);
      kept = await Promise.all(
        faces.map(async (f, i) => ({
          box: f.box,
          encoding: f.encoding,
          crop: crops[i]!,
          person: (await this.parts.identify(f.encoding, targetFpir))?.person ?? null,
        })),
      );
    }
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
    if (before) return alreadyImported(before);
    // The cap on unnamed faces: faces beyond it are not kept (a named face always is).
    let room = this.maxUnnamedFaces - (await this.store.faces.countUnnamed());
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
      if (other) return alreadyImported(other);
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
        // A folder's person is made with their first face, never without one.
        const person = folderPerson && stored.length > 0 ? await personFor(this.store, { name: folderPerson }) : null;
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
}
