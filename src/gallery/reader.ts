// A read-only view of a gallery for the command line: it loads the encodings and answers who a face is,
// without repairing anything (a running server may be writing to the same folder or database). The lookups
// here serve the Gallery too.
import { FaceIndex } from '../core/index.js';
import type { EncodingSnapshot } from '../store/faces.js';
import type { PersonRow } from '../store/people.js';
import { openStore, type Store, type StoreLocation } from '../store/store.js';
import type { GalleryView, NearestFace } from './results.js';
import { decide, neighboursOf, PeopleCount, type OpenSetRule } from './open-set.js';

/** Puts every stored encoding into the index, a batch at a time; returns the snapshot's size and feed position. */
export function loadEncodings(store: Store, index: FaceIndex): Promise<EncodingSnapshot> {
  return store.faces.readEncodings({
    expect: (count) => index.reserve(index.size + count),
    add: (ids, encodings) => index.addMany(ids, encodings),
  });
}

/**
 * The nearest enrolled face of an encoding and the open-set decision on it: the scan on the calling thread (video
 * decisions take a few per track).
 */
export async function nearestFaceIn(store: Store, index: FaceIndex, encoding: Float32Array, rule: OpenSetRule, people: number): Promise<NearestFace | null> {
  const id = decide(await neighboursOf(index, store, encoding, true), { people, faces: index.size }, rule);
  return id ? { faceId: id.faceId, personId: id.personId, distance: id.distance, known: id.known, strangerChance: id.strangerChance } : null;
}

/** The person a stored face belongs to. */
export async function personOfFaceIn(store: Store, faceId: number): Promise<PersonRow | undefined> {
  const face = await store.faces.get(faceId);
  return face && store.people.get(face.personId);
}

export class GalleryReader implements GalleryView {
  private readonly index = new FaceIndex();

  private readonly people: PeopleCount;

  private constructor(
    private readonly store: Store,
    private readonly rule: OpenSetRule,
  ) {
    this.people = new PeopleCount(store);
  }

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

  /** Encodings loaded. */
  get size(): number {
    return this.index.size;
  }

  async nearestFace(encoding: Float32Array): Promise<NearestFace | null> {
    return nearestFaceIn(this.store, this.index, encoding, this.rule, await this.people.get());
  }

  personOfFace(faceId: number): Promise<PersonRow | undefined> {
    return personOfFaceIn(this.store, faceId);
  }

  async close(): Promise<void> {
    this.index.clear();
    await this.store.close();
  }
}
