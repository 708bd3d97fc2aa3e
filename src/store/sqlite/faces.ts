// Faces on SQLite: prepared statements over the faces table (encodings as 512-byte BLOBs); every call is synchronous.
import type { Db } from './db.js';
import {
  encodingToBlob,
  faceFromRow,
  type RawFace,
  packEncodings,
  type EncodingSink,
  type EncodingSnapshot,
  type FacePage,
  type FaceRow,
  SNAPSHOT_BATCH,
  type NewFace,
} from '../faces.js';

function prepare(db: Db) {
  const cols = 'id, image_id, person_id, file_name, box_x, box_y, box_width, box_height, created_at';
  return {
    insert: db.prepare<[string, number, string, number, number, number, number, Buffer, string], RawFace>(
      `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${cols}`,
    ),
    byId: db.prepare<[number], RawFace>(`SELECT ${cols} FROM faces WHERE id = ?`),
    byImageId: db.prepare<[string], RawFace>(`SELECT ${cols} FROM faces WHERE image_id = ?`),
    byPerson: db.prepare<[number, number, number], RawFace>(`SELECT ${cols} FROM faces WHERE person_id = ? AND id > ? ORDER BY id LIMIT ?`),
    firstOfPerson: db.prepare<[number], RawFace>(`SELECT ${cols} FROM faces WHERE person_id = ? ORDER BY id LIMIT 1`),
    countOfPerson: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM faces WHERE person_id = ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM faces'),
    deleteById: db.prepare<[number]>('DELETE FROM faces WHERE id = ?'),
    files: db.prepare<[], { id: number; file_name: string }>('SELECT id, file_name FROM faces'),
    personOf: db.prepare<[number], { person_id: number }>('SELECT person_id FROM faces WHERE id = ?'),
    erased: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM erased_photos WHERE file_name = ?'),
    encodings: db.prepare<[], { id: number; encoding: Buffer }>('SELECT id, encoding FROM faces ORDER BY id'),
  };
}

export class SqliteFaces {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Db) {
    this.q = prepare(db);
  }

  insert(f: NewFace): FaceRow {
    const b = f.box;
    return faceFromRow(
      this.q.insert.get(
        f.imageId,
        f.personId,
        f.fileName,
        Math.round(b.x),
        Math.round(b.y),
        Math.round(b.width),
        Math.round(b.height),
        encodingToBlob(f.encoding),
        f.createdAt ?? new Date().toISOString(),
      )!,
    );
  }

  get(id: number): FaceRow | undefined {
    const r = this.q.byId.get(id);
    return r && faceFromRow(r);
  }

  getByImageId(imageId: string): FaceRow | undefined {
    const r = this.q.byImageId.get(imageId);
    return r && faceFromRow(r);
  }

  listByPerson(personId: number, page: FacePage = { afterId: 0, limit: -1 }): FaceRow[] {
    return this.q.byPerson.all(personId, page.afterId, page.limit).map(faceFromRow);
  }

  firstOfPerson(personId: number): FaceRow | undefined {
    const r = this.q.firstOfPerson.get(personId);
    return r && faceFromRow(r);
  }

  countByPerson(personId: number): number {
    return this.q.countOfPerson.get(personId)!.n;
  }

  count(): number {
    return this.q.count.get()!.n;
  }

  delete(id: number): boolean {
    return this.q.deleteById.run(id).changes > 0;
  }

  /** Every row's id and file name (for reconciling rows with the files on disk). */
  fileNames(): { id: number; fileName: string }[] {
    return this.q.files.all().map((r) => ({ id: r.id, fileName: r.file_name }));
  }

  /** The person of each of these face ids that still has a row. */
  personIds(faceIds: number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (const id of faceIds) {
      const r = this.q.personOf.get(id);
      if (r) out.set(id, r.person_id);
    }
    return out;
  }

  /** Which of these file names were erased (their row's deletion committed). */
  erased(fileNames: string[]): Set<string> {
    return new Set(fileNames.filter((f) => this.q.erased.get(f) !== undefined));
  }

  /** Every encoding (one statement: one consistent read), a batch at a time; the count first, as a size hint. */
  readEncodings(sink: EncodingSink): EncodingSnapshot {
    sink.expect(this.count());
    let ids: number[] = [];
    let blobs: Buffer[] = [];
    let count = 0;
    for (const r of this.q.encodings.iterate()) {
      ids.push(r.id);
      blobs.push(r.encoding);
      if (ids.length === SNAPSHOT_BATCH) {
        sink.add(ids, packEncodings(blobs));
        count += ids.length;
        ids = [];
        blobs = [];
      }
    }
    if (ids.length > 0) sink.add(ids, packEncodings(blobs));
    return { count: count + ids.length, position: null };
  }
}
