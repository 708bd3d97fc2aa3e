// A read-only view of a gallery for the command line: it loads the encodings and answers who a face is,
// without repairing anything (a running server may be writing to the same folder or database). The lookups
// here serve the Gallery too.
import { FaceIndex } from '../core/index.js';
import type { EncodingSnapshot } from '../store/faces.js';
import type { PersonRow } from '../store/people.js';
import { openStore, type Store, type StoreLocation } from '../store/store.js';
import type { GalleryView, NearestFace } from './results.js';

/** Puts every stored encoding into the index, a batch at a time; returns the snapshot's size and feed position. */
export function loadEncodings(store: Store, index: FaceIndex): Promise<EncodingSnapshot> {
  return store.faces.readEncodings({
    expect: (count) => index.reserve(index.size + count),
    add: (ids, encodings) => index.addMany(ids, encodings),
  });
}

/** The nearest enrolled face of an encoding: the scan on the calling thread (video decisions take a few per track). */
export async function nearestFaceIn(store: Store, index: FaceIndex, encoding: Float32Array): Promise<NearestFace | null> {
  const [hit] = index.searchSync(encoding, { k: 1 });
  const face = hit && (await store.faces.get(hit.id));
  return face ? { faceId: face.id, personId: face.personId, distance: hit.distance } : null;
}

/** The person a stored face belongs to. */
export async function personOfFaceIn(store: Store, faceId: number): Promise<PersonRow | undefined> {
  const face = await store.faces.get(faceId);
  return face && store.people.get(face.personId);
}

export class GalleryReader implements GalleryView {
  private readonly index = new FaceIndex();

  private constructor(private readonly store: Store) {}

  static async open(where: StoreLocation): Promise<GalleryReader> {
    const store = await openStore(where);
    const reader = new GalleryReader(store);
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

  nearestFace(encoding: Float32Array): Promise<NearestFace | null> {
    return nearestFaceIn(this.store, this.index, encoding);
  }

  personOfFace(faceId: number): Promise<PersonRow | undefined> {
    return personOfFaceIn(this.store, faceId);
  }

  async close(): Promise<void> {
    this.index.clear();
    await this.store.close();
  }
}
