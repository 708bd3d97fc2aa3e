// A read-only view of a gallery for the command line: it loads the encodings and answers who a face is,
// without repairing anything (a running server may be writing to the same folder). The lookups here serve the
// Gallery too.
import { FaceIndex } from '../core/index.js';
import type { PersonRow } from '../store/people.js';
import { Store } from '../store/store.js';
import type { GalleryView, NearestFace } from './results.js';

/** Puts every stored encoding into the index; returns how many. */
export function loadEncodings(store: Store, index: FaceIndex): number {
  const { ids, encodings } = store.faces.allEncodings();
  if (ids.length > 0) index.addMany(ids, encodings);
  return ids.length;
}

/** The nearest enrolled face of an encoding, on the calling thread (video decisions take a few per track). */
export function nearestFaceIn(store: Store, index: FaceIndex, encoding: Float32Array): NearestFace | null {
  const [hit] = index.searchSync(encoding, { k: 1 });
  const face = hit && store.faces.get(hit.id);
  return face ? { faceId: face.id, personId: face.personId, distance: hit.distance } : null;
}

/** The person a stored face belongs to. */
export function personOfFaceIn(store: Store, faceId: number): PersonRow | undefined {
  const face = store.faces.get(faceId);
  return face && store.people.get(face.personId);
}

export class GalleryReader implements GalleryView {
  private readonly index = new FaceIndex();

  private constructor(private readonly store: Store) {
    loadEncodings(store, this.index);
  }

  static open(dataDir: string): GalleryReader {
    const store = Store.open(dataDir);
    try {
      return new GalleryReader(store);
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /** Encodings loaded. */
  get size(): number {
    return this.index.size;
  }

  nearestFace(encoding: Float32Array): NearestFace | null {
    return nearestFaceIn(this.store, this.index, encoding);
  }

  personOfFace(faceId: number): PersonRow | undefined {
    return personOfFaceIn(this.store, faceId);
  }

  close(): void {
    this.index.clear();
    this.store.close();
  }
}
