// Imported photos on SQLite: prepared statements over imported_photos; every call is synchronous.
import type { Db } from './db.js';
import {
  IMPORTED_PHOTO_COLUMNS as COLS,
  importedPhotoFromRow,
  type ImportedPhotoRow,
  type NewImportedPhoto,
  type RawImportedPhoto,
} from '../imported-photos.js';

function prepare(db: Db) {
  return {
    get: db.prepare<[number], RawImportedPhoto>(`SELECT ${COLS} FROM imported_photos WHERE id = ?`),
    byHash: db.prepare<[string], RawImportedPhoto>(`SELECT ${COLS} FROM imported_photos WHERE content_hash = ?`),
    insert: db.prepare<[string, string, number, number, string], RawImportedPhoto>(
      `INSERT INTO imported_photos (content_hash, source, faces_found, faces_kept, imported_at) VALUES (?, ?, ?, ?, ?) RETURNING ${COLS}`,
    ),
    delete: db.prepare<[number]>('DELETE FROM imported_photos WHERE id = ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM imported_photos'),
  };
}

export class SqliteImportedPhotos {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.q = prepare(db);
  }

  get(id: number): ImportedPhotoRow | undefined {
    const r = this.q.get.get(id);
    return r && importedPhotoFromRow(r);
  }

  byHash(contentHash: string): ImportedPhotoRow | undefined {
    const r = this.q.byHash.get(contentHash);
    return r && importedPhotoFromRow(r);
  }

  insert(p: NewImportedPhoto): ImportedPhotoRow {
    return importedPhotoFromRow(this.q.insert.get(p.contentHash, p.source, p.facesFound, p.facesKept, new Date().toISOString())!);
  }

  delete(id: number): boolean {
    return this.q.delete.run(id).changes > 0;
  }

  count(): number {
    return this.q.count.get()!.n;
  }
}
