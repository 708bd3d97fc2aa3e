// A read-only view of a gallery for the command line: it loads the encodings and answers who a face is,
// without repairing anything (a running server may be writing to the same folder).
import { FaceIndex } from '../core/index.js';
import type { PersonRow } from '../store/people.js';
import { Store } from '../store/store.js';
import type { GalleryView, NearestFace } from './results.js';

export class GalleryReader implements GalleryView {
  private readonly index = new FaceIndex();

  private constructor(private readonly store: Store) {
    const { ids, encodings } = store.faces.allEncodings();
    if (ids.length > 0) this.index.addMany(ids, encodings);
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
    const [hit] = this.index.searchSync(encoding, { k: 1 });
    const face = hit && this.store.faces.get(hit.id);
    return face ? { faceId: face.id, personId: face.personId, distance: hit.distance } : null;
  }

  personOfFace(faceId: number): PersonRow | undefined {
    const face = this.store.faces.get(faceId);
    return face && this.store.people.get(face.personId);
  }

  close(): void {
    this.index.clear();
    this.store.close();
  }
}
