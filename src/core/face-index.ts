// FaceIndex: the native in-memory gallery of encodings with exact nearest-neighbour search.
import { binding, type NativeFaceIndex } from './binding.js';
import { FaceCoreError } from './errors.js';
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
    wrap(() => this.native.add(id, encoding));
  }

  /** Adds n encodings at once: ids[i] gets encodings[i*128 .. i*128+127]. */
  addMany(ids: ArrayLike<number>, encodings: Float32Array): void {
    wrap(() => this.native.addMany(ids, encodings));
  }

  /** Removes `id`; false when it was not there. */
  remove(id: number): boolean {
    return wrap(() => this.native.remove(id));
  }

  has(id: number): boolean {
    return wrap(() => this.native.has(id));
  }

  clear(): void {
    this.native.clear();
  }

  /** The k nearest encodings within maxDistance, nearest first, computed off the JavaScript thread. */
  async search(encoding: Float32Array, options: SearchOptions = {}): Promise<IndexMatch[]> {
    try {
      return await this.native.search(encoding, options);
    } catch (e) {
      throw FaceCoreError.from(e);
    }
  }

  /** The same answer as search(), on the calling thread: for small galleries where a worker costs more than the scan. */
  searchSync(encoding: Float32Array, options: SearchOptions = {}): IndexMatch[] {
    return wrap(() => this.native.searchSync(encoding, options));
  }
}

function wrap<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw FaceCoreError.from(e);
  }
}
