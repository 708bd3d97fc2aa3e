// Imported photos: one row per photo an import (npm run import, importPhotos) has taken, by the SHA-256 of its
// bytes, so the same photo is never imported twice. The photo itself is not kept: each face kept from it has a row
// in faces (photo_id) with its own crop. Each engine implements the interface.

export interface ImportedPhotoRow {
  id: number;
  /** SHA-256 of the file's bytes, hex. */
  contentHash: string;
  /** The file's name, or its path under the imported folder. */
  source: string;
  facesFound: number;
  facesKept: number;
  /** ISO-8601, UTC. */
  importedAt: string;
}

export interface RawImportedPhoto {
  id: number;
  content_hash: string;
  source: string;
  faces_found: number;
  faces_kept: number;
  imported_at: string;
}

export const IMPORTED_PHOTO_COLUMNS = 'id, content_hash, source, faces_found, faces_kept, imported_at';

export const importedPhotoFromRow = (r: RawImportedPhoto): ImportedPhotoRow => ({
  id: r.id,
  contentHash: r.content_hash,
  source: r.source,
  facesFound: r.faces_found,
  facesKept: r.faces_kept,
  importedAt: r.imported_at,
});

export interface NewImportedPhoto {
  contentHash: string;
  source: string;
  facesFound: number;
  facesKept: number;
}

export interface ImportedPhotosStore {
  get(id: number): Promise<ImportedPhotoRow | undefined>;
  byHash(contentHash: string): Promise<ImportedPhotoRow | undefined>;
  /** Rejects with the engine's unique-constraint error when the photo is already recorded. */
  insert(photo: NewImportedPhoto): Promise<ImportedPhotoRow>;
  /** The record only: the gallery deletes the photo's faces first. */
  delete(id: number): Promise<boolean>;
  count(): Promise<number>;
}
