// Faces on PostgreSQL: the faces table (encodings as 512-byte bytea) through the store's Sql. Every insert and
// delete also writes the change feed (the trigger of migration 003).
import {
  blobToEncoding,
  encodingToBlob,
  FACE_COLUMNS as COLS,
  faceFromRow,
  type FaceGroupRow,
  type GroupMember,
  packEncodings,
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

export class PostgresFaces implements FacesStore {
  constructor(private readonly sql: Sql) {}

  async insert(f: NewFace): Promise<FaceRow> {
    const b = f.box;
    const r = await this.sql.first<RawFace>(
      `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at, photo_id, group_id, ignored, crop)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLS}`,
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
        f.photoId ?? null,
        f.personId === null ? (f.groupId ?? null) : null,
        f.ignored ?? false,
        f.crop ?? null,
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
    const rows = await this.sql.rows<{ id: number; person_id: number }>(
      'SELECT id, person_id FROM faces WHERE id = ANY($1::bigint[]) AND person_id IS NOT NULL',
      [faceIds],
    );
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
      await client.query(
        'DECLARE snapshot NO SCROLL CURSOR FOR SELECT id, encoding, person_id IS NULL AS unnamed FROM faces ORDER BY person_id IS NULL, id',
      );
      for (;;) {
        const { rows } = await client.query<{ id: number; encoding: Buffer; unnamed: boolean }>(`FETCH ${SNAPSHOT_BATCH} FROM snapshot`);
        // A batch may hold the last named faces and the first unnamed ones: each part goes to its own index.
        for (const unnamed of [false, true]) {
          const part = rows.filter((r) => r.unnamed === unnamed);
          if (part.length === 0) continue;
          const encodings = new Float32Array(part.length * ENCODING_LENGTH);
          const bytes = new Uint8Array(encodings.buffer);
          part.forEach((r, i) => bytes.set(r.encoding, i * ENCODING_LENGTH * 4));
          sink.add(
            part.map((r) => r.id),
            encodings,
            unnamed ? 'unnamed' : 'named',
          );
          count += part.length;
        }
        if (rows.length < SNAPSHOT_BATCH) break;
      }
      return { count, position };
    });
  }

  async getMany(imageIds: string[]): Promise<FaceRow[]> {
    if (imageIds.length === 0) return [];
    const rows = await this.sql.rows<RawFace>(`SELECT ${COLS} FROM faces WHERE image_id = ANY($1::text[]) ORDER BY id`, [imageIds]);
    return rows.map(faceFromRow);
  }

  async listByPhoto(photoId: number): Promise<FaceRow[]> {
    return (await this.sql.rows<RawFace>(`SELECT ${COLS} FROM faces WHERE photo_id = $1 ORDER BY id`, [photoId])).map(faceFromRow);
  }

  async crop(imageId: string): Promise<Buffer | null | undefined> {
    return (await this.sql.first<{ crop: Buffer | null }>('SELECT crop FROM faces WHERE image_id = $1', [imageId]))?.crop;
  }

  async setCrop(id: number, crop: Buffer): Promise<void> {
    await this.sql.result('UPDATE faces SET crop = $1 WHERE id = $2', [crop, id]);
  }

  async countUnnamed(): Promise<number> {
    return (await this.sql.first<{ n: number }>('SELECT count(*) AS n FROM faces WHERE person_id IS NULL'))!.n;
  }

  async groupMembers(faceIds: number[]): Promise<Map<number, GroupMember>> {
    if (faceIds.length === 0) return new Map();
    // Each group counted once, however many of the faces are in it.
    const rows = await this.sql.rows<{ id: number; group_id: number; ignored: boolean; n: number }>(
      `WITH m AS (SELECT id, group_id, ignored FROM faces WHERE id = ANY($1::bigint[]) AND person_id IS NULL),
            sizes AS (SELECT group_id, count(*) AS n FROM faces WHERE group_id IN (SELECT group_id FROM m) GROUP BY group_id)
       SELECT m.id, m.group_id, m.ignored, sizes.n FROM m JOIN sizes USING (group_id)`,
      [faceIds],
    );
    return new Map(rows.map((r) => [Number(r.id), { groupId: Number(r.group_id), ignored: r.ignored, groupSize: Number(r.n) }]));
  }

  async listGroups(offset: number, limit: number): Promise<FaceGroupRow[]> {
    const rows = await this.sql.rows<{ group_id: number; n: number }>(
      `SELECT group_id, count(*) AS n FROM faces WHERE person_id IS NULL AND NOT ignored
        GROUP BY group_id ORDER BY n DESC, group_id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map((r) => ({ groupId: Number(r.group_id), size: Number(r.n) }));
  }

  async countGroups(): Promise<number> {
    return (await this.sql.first<{ n: number }>('SELECT count(DISTINCT group_id) AS n FROM faces WHERE person_id IS NULL AND NOT ignored'))!.n;
  }

  async listGroup(groupId: number, limit: number): Promise<FaceRow[]> {
    const rows = await this.sql.rows<RawFace>(
      `SELECT ${COLS} FROM faces WHERE group_id = $1 AND person_id IS NULL AND NOT ignored ORDER BY id LIMIT $2`,
      [groupId, limit < 0 ? null : limit],
    );
    return rows.map(faceFromRow);
  }

  async mergeGroups(groupIds: number[], into: number): Promise<void> {
    const from = groupIds.filter((g) => g !== into);
    if (from.length > 0) await this.sql.result('UPDATE faces SET group_id = $1 WHERE group_id = ANY($2::bigint[])', [into, from]);
  }

  async assign(faceIds: number[], personId: number | null, groupId: number | null): Promise<void> {
    if (faceIds.length === 0) return;
    await this.sql.result('UPDATE faces SET person_id = $1, group_id = $2, ignored = false WHERE id = ANY($3::bigint[])', [
      personId,
      personId === null ? groupId : null,
      faceIds,
    ]);
  }

  async reassignPerson(fromPersonId: number, toPersonId: number): Promise<number> {
    return (await this.sql.result('UPDATE faces SET person_id = $1 WHERE person_id = $2', [toPersonId, fromPersonId])).rowCount ?? 0;
  }

  async setIgnored(faceIds: number[], ignored: boolean): Promise<void> {
    if (faceIds.length === 0) return;
    await this.sql.result('UPDATE faces SET ignored = $1 WHERE id = ANY($2::bigint[]) AND person_id IS NULL', [ignored, faceIds]);
  }

  async unnamedEncodings(): Promise<{ ids: number[]; encodings: Float32Array; ignored: boolean[] }> {
    const rows = await this.sql.rows<{ id: number; encoding: Buffer; ignored: boolean }>(
      'SELECT id, encoding, ignored FROM faces WHERE person_id IS NULL ORDER BY id',
    );
    return { ids: rows.map((r) => Number(r.id)), encodings: packEncodings(rows.map((r) => r.encoding)), ignored: rows.map((r) => r.ignored) };
  }

  async encodingsOf(faceIds: number[]): Promise<Map<number, Float32Array>> {
    if (faceIds.length === 0) return new Map();
    const rows = await this.sql.rows<{ id: number; encoding: Buffer }>('SELECT id, encoding FROM faces WHERE id = ANY($1::bigint[])', [faceIds]);
    return new Map(rows.map((r) => [Number(r.id), blobToEncoding(r.encoding)]));
  }

  async nextGroupId(): Promise<number> {
    // Through faces_by_group (a partial index): without the condition, max() reads every row.
    return Number((await this.sql.first<{ g: number }>('SELECT coalesce(max(group_id), 0) + 1 AS g FROM faces WHERE group_id IS NOT NULL'))!.g);
  }

  async setGroups(ids: number[], groupIds: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.result(
      `UPDATE faces SET group_id = g.group_id FROM unnest($1::bigint[], $2::bigint[]) AS g(id, group_id)
        WHERE faces.id = g.id AND faces.person_id IS NULL`,
      [ids, groupIds],
    );
  }
}
