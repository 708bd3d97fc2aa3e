// FaceIndex: the native in-memory gallery of encodings with exact nearest-neighbour search.
// The addon checks ids, encodings and search options itself and throws FaceCoreError (INVALID_ARGUMENT).
import { binding, type NativeFaceIndex } from './binding.js';
import type { IndexMatch, SearchOptions } from './types.js';

export class FaceIndex {
  private native: NativeFaceIndex;

  constructor() {
    const { FaceIndex: Native } = binding();
    this.native = new Native();
  }

  /** Number of encodings held. */
  get size(): number {
    return this.native.size;
  }

  /** Bytes held by the index's vectors, ids and lookup table. */
  get memoryBytes(): number {
    return this.native.memoryBytes;
  }

  /** Adds (or replaces) the encoding stored under `id`, a non-negative safe integer. */
  add(id: number, encoding: Float32Array): void {
    this.native.add(id, encoding);
  }

  /** Adds n encodings at once: ids[i] gets encodings[i*128 .. i*128+127]. */
  addMany(ids: ArrayLike<number>, encodings: Float32Array): void {
    this.native.addMany(ids, encodings);
  }

  /** Makes room for `count` encodings in all, so a load of that many never copies the index to grow it. */
  reserve(count: number): void {
    this.native.reserve(count);
  }

  /** Removes `id`; false when it was not there. */
  remove(id: number): boolean {
    return this.native.remove(id);
  }

  has(id: number): boolean {
    return this.native.has(id);
  }

  clear(): void {
    this.native.clear();
  }

  /** The k nearest encodings within maxDistance, nearest first, computed off the JavaScript thread. */
  search(encoding: Float32Array, options: SearchOptions = {}): Promise<IndexMatch[]> {
    try {
      return this.native.search(encoding, options);
    } catch (e) {
      return Promise.reject(e); // an argument the addon refused: a rejection, like every other failure of search()
    }
  }

  /** The same answer as search(), on the calling thread: for small galleries where a worker costs more than the scan. */
  searchSync(encoding: Float32Array, options: SearchOptions = {}): IndexMatch[] {
    return this.native.searchSync(encoding, options);
  }
}
