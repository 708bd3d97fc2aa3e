// How stored photos (a face's photo, or an imported face's crop) and their rows are written and deleted together,
// in the order that lets a process killed at any instant leave nothing a restart cannot repair (see gallery.ts):
//   store:  files → pending names  →  rows in one transaction  →  files to their final names  →  indexes
//   delete: files → deleted names  →  rows in one transaction  →  indexes  →  files removed
// The gallery's enrolment and deletion, and the collection's imports, all write through here.
import type { FaceRow } from '../store/faces.js';
import type { PhotoMark, PhotoStore } from '../store/photo-store.js';
import type { SpaceReserve } from '../store/space-reserve.js';
import type { Store } from '../store/store.js';
import { storageFailure, StoreUnavailableError } from '../store/errors.js';
import { fromCoreError, GalleryError, STORAGE_FULL_MESSAGE } from './errors.js';

/** How often a photo whose commit was cut off is checked against the database again. */
const SETTLE_RETRY_MS = 1000;

/** A file to store with its row. */
export interface FileToStore {
  imageId: string;
  fileName: string;
  bytes: Buffer;
}

export class PhotoWrites {
  constructor(
    private readonly store: Store,
    private readonly images: PhotoStore,
    private readonly reserve: SpaceReserve,
    /** Takes a face out of the in-memory indexes. */
    private readonly unindex: (faceId: number) => void,
    private readonly logger: Pick<Console, 'warn' | 'error'>,
    /** Throws when the gallery has closed. */
    private readonly assertOpen: () => void,
    private readonly isClosed: () => boolean,
  ) {}

  /**
   * Writes the files pending, runs `writeRows` in one transaction, gives the files their final names and then runs
   * `index`. When anything after the commit fails, `undoRows` takes the rows back (in a transaction) and the files go.
   */
  async write<T>(files: FileToStore[], writeRows: () => Promise<T>, index: (rows: T) => void, undoRows: (rows: T) => Promise<void>): Promise<T> {
    // The space reserve comes first: no write takes space a deletion on a full disk could not get back.
    if (this.store.engine === 'sqlite' && !this.reserve.ensure()) throw new GalleryError('STORAGE_FULL', STORAGE_FULL_MESSAGE);
    const written: FileToStore[] = [];
    let rows: T;
    try {
      for (const f of files) {
        await this.images.writePending(f.fileName, f.bytes);
        written.push(f);
      }
      this.assertOpen();
      rows = await this.store.transaction(writeRows);
    } catch (err) {
      if (err instanceof StoreUnavailableError && err.commitUnknown) for (const f of written) this.settleLater(f.imageId, f.fileName, 'pending');
      else for (const f of written) await this.removeQuietly(() => this.images.removePending(f.fileName), f.fileName);
      throw err;
    }
    try {
      for (const f of files) await this.images.promote(f.fileName);
      index(rows);
    } catch (err) {
      // Keep the three in step: without a photo and an index entry the rows must go too.
      await this.store.transaction(() => undoRows(rows));
      for (const f of files) {
        await this.removeQuietly(() => this.images.removePending(f.fileName), f.fileName);
        await this.removeQuietly(() => this.images.remove(f.fileName), f.fileName);
      }
      throw err;
    }
    return rows;
  }

  /** Marks the files deleted, runs `deleteRows` in a transaction (undoing the marks if it fails), then removes the rest. */
  async delete(faces: FaceRow[], deleteRows: () => Promise<void>): Promise<void> {
    const marked: FaceRow[] = [];
    try {
      for (const f of faces) {
        await this.images.markDeleted(f.fileName);
        marked.push(f);
      }
      this.assertOpen();
      try {
        await this.store.transaction(deleteRows);
      } catch (err) {
        // A full disk must not stop a deletion: give up the reserved space for it and try once more.
        const e = fromCoreError(err);
        if (!(e instanceof GalleryError && e.code === 'STORAGE_FULL') || !this.reserve.release()) throw err;
        this.logger.warn('gallery: the disk is full; the reserved space was used to delete');
        await this.store.transaction(deleteRows);
      }
    } catch (err) {
      if (err instanceof StoreUnavailableError && err.commitUnknown) {
        for (const f of marked) this.settleLater(f.imageId, f.fileName, 'deleted');
      } else {
        // Each mark follows its row, not this request's failure: another request deleting the same photos (a
        // double click, a retry, another replica) may have committed, and then the photo must go.
        for (const f of marked) await this.removeQuietly(() => this.settleDeletionMark(f), f.fileName);
      }
      throw err;
    }
    for (const f of faces) this.unindex(f.id);
    for (const f of faces) await this.removeErased(f);
    this.reserve.ensure();
  }

  /** Removes a photo whose row's deletion committed; a failure is left to the next start-up. */
  async removeErased(face: FaceRow): Promise<void> {
    try {
      await this.images.removeErased(face.fileName);
    } catch (err) {
      // The rows are already gone; the next start-up removes a file left marked here.
      this.logger.warn(`gallery: could not remove ${face.fileName}: ${(err as Error).message}`);
    }
  }

  /** After a failed deletion: the photo's mark comes off while its row is there, and the photo goes when it is not. */
  private async settleDeletionMark(face: FaceRow): Promise<void> {
    if (await this.store.faces.getByImageId(face.imageId)) await this.images.unmarkDeleted(face.fileName);
    else {
      this.unindex(face.id);
      await this.images.removeErased(face.fileName);
    }
  }

  /**
   * The connection broke while a transaction's COMMIT was on its way, so whether its rows exist is unknown: the
   * photo keeps its pending or deleted mark, which says so, and is settled by its row once the database answers
   * again (as the start-up repair would). Until then the photo is neither served nor counted as stored.
   */
  private settleLater(imageId: string, fileName: string, mark: PhotoMark): void {
    const attempt = async (): Promise<void> => {
      if (this.isClosed()) return; // the next start-up's repair settles it
      try {
        const row = await this.store.faces.getByImageId(imageId);
        await this.images.settle(fileName, mark, row !== undefined);
      } catch (err) {
        const failure = storageFailure(err);
        if (failure !== 'STORE_UNAVAILABLE' && failure !== 'STORAGE_UNAVAILABLE') {
          this.logger.warn(`gallery: could not settle ${fileName} after an interrupted commit (a later start settles it): ${(err as Error).message}`);
          return;
        }
        setTimeout(() => void attempt(), SETTLE_RETRY_MS).unref();
      }
    };
    setTimeout(() => void attempt(), SETTLE_RETRY_MS).unref();
  }

  /**
   * Undoes a write whose enrolment failed. When the photo store cannot be reached either, the mark stays and the
   * start-up repair settles it; the caller's own error is the one to report.
   */
  async removeQuietly(undo: () => Promise<void>, fileName: string): Promise<void> {
    try {
      await undo();
    } catch (err) {
      this.logger.warn(`gallery: could not undo the write of ${fileName} (a later start settles it): ${(err as Error).message}`);
    }
  }
}
