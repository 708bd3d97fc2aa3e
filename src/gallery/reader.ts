// The read side of a gallery: the lookups every gallery answers from its store and its index (GalleryLookups, which
// the Gallery extends with enrolment, search and deletion), and the read-only GalleryReader the command line uses. A
// GalleryReader loads the encodings and answers who a face is without repairing anything (a running server may be
// writing to the same folder or database).
import { FaceIndex } from '../core/index.js';
import type { EncodingSnapshot, FaceRow } from '../store/faces.js';
import type { ListPeopleOptions, PersonRow } from '../store/people.js';
import type { FeedState } from '../store/feed.js';
import { openStore, type Store, type StoreEngine, type StoreLocation } from '../store/store.js';
import { distanceToConfidence } from './confidence.js';
import { GalleryError, notFoundPhoto } from './errors.js';
import type { FaceMatchOutcome, GalleryView, NearestFace } from './results.js';
import { decide, MIN_STRANGER_CHANCE, neighboursOf, PeopleCount, type OpenSetRule } from './open-set.js';

/** The faces with these photo ids (each once); NOT_FOUND naming the first that has none. */
export async function storedFaces(store: Store, imageIds: string[]): Promise<FaceRow[]> {
  const unique = [...new Set(imageIds)];
  const faces = await store.faces.getMany(unique);
  const found = new Set(faces.map((f) => f.imageId));
  const missing = unique.find((id) => !found.has(id));
  if (missing !== undefined) throw notFoundPhoto(missing);
  return faces;
}

/** The two indexes a gallery keeps: the named faces searches match, and the unnamed ones new faces are grouped with. */
export interface GalleryIndexes {
  named: FaceIndex;
  unnamed: FaceIndex;
}

/**
 * Puts every stored encoding into its index, a batch at a time; returns the snapshot's size and feed position. A
 * reader that only searches passes no unnamed index, and the unnamed faces are skipped.
 */
export function loadEncodings(store: Store, named: FaceIndex, unnamed?: FaceIndex): Promise<EncodingSnapshot> {
  return store.faces.readEncodings({
    expect: (count) => named.reserve(named.size + count),
    add: (ids, encodings, as) => (as === 'named' ? named : unnamed)?.addMany(ids, encodings),
  });
}

/** People, their stored photos and the nearest enrolled face, read from a store and the index of its encodings. */
export class GalleryLookups implements GalleryView {
  /** The named faces: what searches match. */
  protected readonly index = new FaceIndex();
  /** The faces nobody has named yet (a gallery that imports; empty in a reader): what new faces are grouped with. */
  protected readonly unnamedIndex = new FaceIndex();
  /** The number of people, for the open-set rule (re-read every few seconds, and after this process changes it). */
  protected readonly peopleCount: PeopleCount;

  protected constructor(
    protected readonly store: Store,
    /** The open-set settings (the service's tolerance and MATCH_FPIR) nearestFace decides with. */
    protected readonly rule: OpenSetRule,
  ) {
    this.peopleCount = new PeopleCount(store);
  }

  /** The engine under the gallery. */
  get storeEngine(): StoreEngine {
    return this.store.engine;
  }

  /** Where this process is in the change feed; null on a store without one (SQLite). */
  async feedState(): Promise<FeedState | null> {
    return this.store.feed ? this.store.feed.state() : null;
  }

  /** Encodings in the in-memory index. */
  get size(): number {
    return this.index.size;
  }

  /** Whether a face row's encoding is in the index (searchable). */
  isIndexed(faceId: number): boolean {
    return this.index.has(faceId);
  }

  /** Which index holds a face: the named faces', the unnamed faces', or none. */
  indexedAs(faceId: number): 'named' | 'unnamed' | null {
    if (this.index.has(faceId)) return 'named';
    return this.unnamedIndex.has(faceId) ? 'unnamed' : null;
  }

  /** Unnamed faces in the index (ignored ones included). */
  get unnamedSize(): number {
    return this.unnamedIndex.size;
  }

  person(id: number): Promise<PersonRow | undefined> {
    return this.store.people.get(id);
  }

  async personByImageId(imageId: string): Promise<PersonRow | undefined> {
    const face = await this.store.faces.getByImageId(imageId);
    return face?.personId != null ? this.store.people.get(face.personId) : undefined;
  }

  /** The person a stored face belongs to (none for an unnamed face). */
  async personOfFace(faceId: number): Promise<PersonRow | undefined> {
    const face = await this.store.faces.get(faceId);
    return face?.personId != null ? this.store.people.get(face.personId) : undefined;
  }

  /** A stored face by its photo's id (named or not). */
  faceByImageId(imageId: string): Promise<FaceRow | undefined> {
    return this.store.faces.getByImageId(imageId);
  }

  /** People whose name contains `nameContains` (case-insensitive), by id, after `afterId`. */
  findPeople(options: ListPeopleOptions): Promise<PersonRow[]> {
    return this.store.people.list(options);
  }

  countPeople(nameContains?: string): Promise<number> {
    return this.store.people.count(nameContains);
  }

  /** Faces of people (unnamed faces aside). */
  async countFaces(): Promise<number> {
    const [all, unnamed] = await Promise.all([this.store.faces.count(), this.store.faces.countUnnamed()]);
    return all - unnamed;
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

  /**
   * The nearest enrolled face of an encoding and the open-set decision on it: the scan on the calling thread (video
   * decisions take a few per track).
   */
  async nearestFace(encoding: Float32Array): Promise<NearestFace | null> {
    const people = await this.peopleCount.get();
    const id = decide(await neighboursOf(this.index, this.store, encoding, true), { people, faces: this.index.size }, this.rule);
    return id ? { faceId: id.faceId, personId: id.personId, distance: id.distance, known: id.known, strangerChance: id.strangerChance } : null;
  }

  /**
   * The person a face is, with the stored face it matched, or null: the open-set rule at `targetFpir`, or the raw rule
   * within `tolerance` when one is given (a search's own).
   */
  async identify(encoding: Float32Array, targetFpir: number, tolerance?: number): Promise<FaceMatchOutcome | null> {
    const neighbours = await neighboursOf(this.index, this.store, encoding);
    const shape = { people: await this.peopleCount.get(), faces: this.index.size };
    const id = decide(neighbours, shape, { targetFpir: Math.max(MIN_STRANGER_CHANCE, targetFpir), tolerance: this.rule.tolerance });
    if (!id) return null;
    const known = tolerance === undefined ? id.known : id.distance <= tolerance;
    if (!known) return null;
    // The row can be gone if a delete committed while this search was running: then it is no match.
    const face = await this.store.faces.get(id.faceId);
    const person = face?.personId != null ? await this.store.people.get(face.personId) : undefined;
    if (!face || !person) return null;
    const confidence = distanceToConfidence(id.distance, tolerance ?? this.rule.tolerance);
    return { person, face, distance: id.distance, confidence, strangerChance: id.strangerChance };
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
}

/** A gallery opened only to read it: its encodings loaded once, nothing repaired or written. */
export class GalleryReader extends GalleryLookups {
  /** `rule`: the service's open-set settings (its tolerance and MATCH_FPIR). */
  static async open(where: StoreLocation, rule: OpenSetRule): Promise<GalleryReader> {
    const store = await openStore(where);
    const reader = new GalleryReader(store, rule);
    try {
      await loadEncodings(store, reader.index);
      return reader;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.index.clear();
    await this.store.close();
  }
}
