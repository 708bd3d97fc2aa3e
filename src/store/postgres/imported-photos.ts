// Imported photos on PostgreSQL: the imported_photos table through the store's Sql.
import {
  IMPORTED_PHOTO_COLUMNS as COLS,
  importedPhotoFromRow,
  type ImportedPhotoRow,
  type ImportedPhotosStore,
  type NewImportedPhoto,
  type RawImportedPhoto,
} from '../imported-photos.js';
import type { Sql } from './connection.js';

export class PostgresImportedPhotos implements ImportedPhotosStore {
  constructor(private readonly sql: Sql) {}

  async get(id: number): Promise<ImportedPhotoRow | undefined> {
    const r = await this.sql.first<RawImportedPhoto>(`SELECT ${COLS} FROM imported_photos WHERE id = $1`, [id]);
    return r && importedPhotoFromRow(r);
  }

  async byHash(contentHash: string): Promise<ImportedPhotoRow | undefined> {
    const r = await this.sql.first<RawImportedPhoto>(`SELECT ${COLS} FROM imported_photos WHERE content_hash = $1`, [contentHash]);
    return r && importedPhotoFromRow(r);
  }

  async insert(p: NewImportedPhoto): Promise<ImportedPhotoRow> {
    const r = await this.sql.first<RawImportedPhoto>(
      `INSERT INTO imported_photos (content_hash, source, faces_found, faces_kept, imported_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`,
      [p.contentHash, p.source, p.facesFound, p.facesKept, new Date().toISOString()],
    );
    return importedPhotoFromRow(r!);
  }

  async delete(id: number): Promise<boolean> {
    return ((await this.sql.result('DELETE FROM imported_photos WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async count(): Promise<number> {
    return (await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM imported_photos'))!.n;
  }
}
