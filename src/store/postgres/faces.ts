// Faces on PostgreSQL: the faces table (encodings as 512-byte bytea) through the store's Sql. Every insert and
// delete also writes the change feed (the trigger of migration 003).
import {
  encodingToBlob,
  faceFromRow,
  type RawFace,
  ENCODING_LENGTH,
  type EncodingSink,
  type EncodingSnapshot,
  type FacePage,
  type FaceRow,
  SNAPSHOT_BATCH,
  type FacesStore,
  type NewFace,
} from '../faces.js';
import { inOwnTransaction, type Sql } from './connection.js';

const COLS = 'id, image_id, person_id, file_name, box_x, box_y, box_width, box_height, created_at';

export class PostgresFaces implements FacesStore {
  constructor(private readonly sql: Sql) {}

  async insert(f: NewFace): Promise<FaceRow> {
    const b = f.box;
    const r = await this.sql.first<RawFace>(
      `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLS}`,
      [
        f.imageId,
        f.personId,
        f.fileName,
        Math.round(b.x),
        Math.round(b.y),
        Math.round(b.width),
        Math.round(b.height),
        encodingToBlob(f.encoding),
        f.createdAt ?? new Date().toISOString(),
      ],
    );
    return faceFromRow(r!);
  }

  async get(id: number): Promise<FaceRow | undefined> {
    const r = await this.sql.first<RawFace>(`SELECT ${COLS} FROM faces WHERE id = $1`, [id]);
    return r && faceFromRow(r);
  }

  async getByImageId(imageId: string): Promise<FaceRow | undefined> {
    const r = await this.sql.first<RawFace>(`SELECT ${COLS} FROM faces WHERE image_id = $1`, [imageId]);
    return r && faceFromRow(r);
  }

  async listByPerson(personId: number, page?: FacePage): Promise<FaceRow[]> {
    const rows = page
      ? await this.sql.rows<RawFace>(`SELECT ${COLS} FROM faces WHERE person_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [
          personId,
          page.afterId,
          page.limit,
        ])
      : await this.sql.rows<RawFace>(`SELECT ${COLS} FROM faces WHERE person_id = $1 ORDER BY id`, [personId]);
    return rows.map(faceFromRow);
  }

  async firstOfPerson(personId: number): Promise<FaceRow | undefined> {
    const r = await this.sql.first<RawFace>(`SELECT ${COLS} FROM faces WHERE person_id = $1 ORDER BY id LIMIT 1`, [personId]);
    return r && faceFromRow(r);
  }

  async countByPerson(personId: number): Promise<number> {
    return (await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM faces WHERE person_id = $1', [personId]))!.n;
  }

  async count(): Promise<number> {
    return (await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM faces'))!.n;
  }

  async delete(id: number): Promise<boolean> {
    return ((await this.sql.result('DELETE FROM faces WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async fileNames(): Promise<{ id: number; fileName: string }[]> {
    const rows = await this.sql.rows<{ id: number; file_name: string }>('SELECT id, file_name FROM faces');
    return rows.map((r) => ({ id: r.id, fileName: r.file_name }));
  }

  /** The person of each of these face ids that still has a row (one round trip). */
  async personIds(faceIds: number[]): Promise<Map<number, number>> {
    if (faceIds.length === 0) return new Map();
    const rows = await this.sql.rows<{ id: number; person_id: number }>('SELECT id, person_id FROM faces WHERE id = ANY($1::bigint[])', [faceIds]);
    return new Map(rows.map((r) => [Number(r.id), Number(r.person_id)]));
  }

  /** Which of these file names were erased (their row's deletion committed). */
  async erased(fileNames: string[]): Promise<Set<string>> {
    if (fileNames.length === 0) return new Set();
    const rows = await this.sql.rows<{ file_name: string }>('SELECT file_name FROM erased_photos WHERE file_name = ANY($1::text[])', [fileNames]);
    return new Set(rows.map((r) => r.file_name));
  }

  /**
   * Every encoding and the feed position they are at, read in one REPEATABLE READ snapshot: the rows hold
   * exactly the changes up to that position. Fetched through a cursor and handed to `sink` one FETCH at a time,
   * so a million rows never sit in the client at once.
   */
  readEncodings(sink: EncodingSink): Promise<EncodingSnapshot> {
    return inOwnTransaction(this.sql.pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const position = (await client.query<{ p: number }>('SELECT coalesce(max(position), 0)::bigint AS p FROM face_changes')).rows[0]!.p;
      sink.expect(Number((await client.query<{ n: number }>('SELECT count(*) AS n FROM faces')).rows[0]!.n));
      let count = 0;
      await client.query('DECLARE snapshot NO SCROLL CURSOR FOR SELECT id, encoding FROM faces ORDER BY id');
      for (;;) {
        const { rows } = await client.query<{ id: number; encoding: Buffer }>(`FETCH ${SNAPSHOT_BATCH} FROM snapshot`);
        if (rows.length > 0) {
          const encodings = new Float32Array(rows.length * ENCODING_LENGTH);
          const bytes = new Uint8Array(encodings.buffer);
          rows.forEach((r, i) => bytes.set(r.encoding, i * ENCODING_LENGTH * 4));
          sink.add(
            rows.map((r) => r.id),
            encodings,
          );
          count += rows.length;
        }
        if (rows.length < SNAPSHOT_BATCH) break;
      }
      return { count, position };
    });
  }
}
