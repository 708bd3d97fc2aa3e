// Start-up repair of a gallery's data folder. It settles only what the file names prove an interrupted run left
// (see the top of gallery.ts) and deletes nothing on a guess; a folder it cannot trust stops the start.
import path from 'node:path';
import { ImageFiles } from '../store/images.js';
import type { PhotoStore } from '../store/photo-store.js';
import { peekGallery, storeLocation, type Store, type StoreLocation } from '../store/store.js';
import { DataDirError } from './errors.js';
import type { ReconcileReport } from './results.js';

/**
 * Refuses a data folder whose database holds no face while its photo store (images/ by default) holds photos it
 * has no record of erasing (the database was removed, emptied, or restored without its WAL), before anything is
 * written to it. Call before
 * opening the store.
 */
export async function checkDataDir(where: StoreLocation, photos: PhotoStore = new ImageFiles(path.join(where.dataDir, 'images'))): Promise<void> {
  const names = await photos.listPhotos();
  if (names.length === 0) return;
  const { faces, erased } = await peekGallery(where, names);
  // Photos whose deletion the database records are no sign of a lost database: the repair removes them.
  if (faces > 0 || erased === names.length) return;
  throw DataDirError.emptyDatabase(storeLocation(where), photos.location, names.length, where.databaseUrl ? 'postgres' : 'sqlite');
}

/**
 * A photo left pending is promoted when its row committed and removed when it did not; a photo left marked
 * deleted gets its mark taken off when its row is still there and is removed when it is gone; a photo whose row's
 * deletion is on record (erased_photos) is removed whatever its name; temp files go.
 */
export async function settleInterruptedWrites(store: Store, images: PhotoStore): Promise<ReconcileReport> {
  const rows = await store.faces.fileNames();
  const rowFiles = new Set(rows.map((r) => r.fileName));
  const tempFiles = await images.removeLeftovers();
  let finished = 0;
  let abandoned = 0;
  const { pending, deleted, recent } = await images.listMarks();
  for (const f of pending) {
    await images.settle(f, 'pending', rowFiles.has(f));
    if (rowFiles.has(f)) finished++;
    else abandoned++;
  }
  for (const f of deleted) {
    await images.settle(f, 'deleted', rowFiles.has(f));
    if (rowFiles.has(f)) abandoned++;
    else finished++;
  }
  let stored = new Set(await images.listPhotos());
  // A deletion that committed is proven by its record, so its photo goes even when no mark says so (a crash
  // between the commit and the unlink, or a copy on a replica's own disk that missed the change feed).
  const erased = await store.faces.erased([...stored].filter((f) => !rowFiles.has(f)));
  for (const f of erased) await images.removeErased(f);
  finished += erased.size;
  if (erased.size > 0) stored = new Set(await images.listPhotos());
  return {
    tempFiles,
    finished,
    abandoned,
    recentMarks: recent,
    photosWithoutRow: [...stored].filter((f) => !rowFiles.has(f)).length,
    rowsWithoutPhoto: rows.filter((r) => !stored.has(r.fileName)).length,
  };
}

/** One warning line for what was settled, one for what was kept as it was. */
export function reportRepair(r: ReconcileReport, imagesDir: string, logger: Pick<Console, 'warn'>): void {
  if (r.tempFiles + r.finished + r.abandoned > 0) {
    logger.warn(
      `gallery: repaired an interrupted run: finished ${r.finished} and undid ${r.abandoned} interrupted write(s) or deletion(s); ` +
        `removed ${r.tempFiles} temp file(s)`,
    );
  }
  if (r.recentMarks > 0) {
    logger.warn(
      `gallery: ${r.recentMarks} photo(s) in ${imagesDir} are marked by a write or deletion too recent to settle (another replica may be making it); a later start settles them`,
    );
  }
  if (r.photosWithoutRow + r.rowsWithoutPhoto > 0) {
    logger.warn(
      `gallery: ${r.photosWithoutRow} photo(s) in ${imagesDir} have no row and ${r.rowsWithoutPhoto} row(s) have no photo; ` +
        'both are kept (a database restored from a backup brings them together again)',
    );
  }
}
