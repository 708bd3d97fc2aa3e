// Faces on SQLite: prepared statements over the faces table (encodings as 512-byte BLOBs); every call is synchronous.
import type { Db } from './db.js';
import {
  blobToEncoding,
  encodingToBlob,
  FACE_COLUMNS,
  faceFromRow,
  type FaceGroupRow,
  type GroupMember,
  type IndexedAs,
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
  const cols = FACE_COLUMNS;
  return {
    insert: db.prepare<
      [string, number | null, string, number, number, number, number, Buffer, string, number | null, number | null, number, Buffer | null],
      RawFace
    >(
      `INSERT INTO faces (image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at, photo_id, group_id, ignored, crop)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${cols}`,
    ),
    byPhoto: db.prepare<[number], RawFace>(`SELECT ${cols} FROM faces WHERE photo_id = ? ORDER BY id`),
    crop: db.prepare<[string], { crop: Buffer | null }>('SELECT crop FROM faces WHERE image_id = ?'),
    setCrop: db.prepare<[Buffer, number]>('UPDATE faces SET crop = ? WHERE id = ?'),
    countUnnamed: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM faces WHERE person_id IS NULL'),
    member: db.prepare<[number], { group_id: number; ignored: number }>('SELECT group_id, ignored FROM faces WHERE id = ? AND person_id IS NULL'),
    groupSize: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM faces WHERE group_id = ?'),
    groups: db.prepare<[number, number], { group_id: number; n: number }>(
      `SELECT group_id, count(*) AS n FROM faces WHERE person_id IS NULL AND ignored = 0
        GROUP BY group_id ORDER BY n DESC, group_id LIMIT ? OFFSET ?`,
    ),
    countGroups: db.prepare<[], { n: number }>('SELECT count(DISTINCT group_id) AS n FROM faces WHERE person_id IS NULL AND ignored = 0'),
    group: db.prepare<[number, number], RawFace>(
      `SELECT ${cols} FROM faces WHERE group_id = ? AND person_id IS NULL AND ignored = 0 ORDER BY id LIMIT ?`,
    ),
    mergeGroup: db.prepare<[number, number]>('UPDATE faces SET group_id = ? WHERE group_id = ?'),
    assign: db.prepare<[number | null, number | null, number]>('UPDATE faces SET person_id = ?, group_id = ?, ignored = 0 WHERE id = ?'),
    reassign: db.prepare<[number, number]>('UPDATE faces SET person_id = ? WHERE person_id = ?'),
    setIgnored: db.prepare<[number, number]>('UPDATE faces SET ignored = ? WHERE id = ? AND person_id IS NULL'),
    setGroup: db.prepare<[number, number]>('UPDATE faces SET group_id = ? WHERE id = ? AND person_id IS NULL'),
    unnamed: db.prepare<[], { id: number; encoding: Buffer; ignored: number }>(
      'SELECT id, encoding, ignored FROM faces WHERE person_id IS NULL ORDER BY id',
    ),
    encodingOf: db.prepare<[number], { encoding: Buffer }>('SELECT encoding FROM faces WHERE id = ?'),
    // Through faces_by_group (a partial index): without the condition, max() reads every row.
    maxGroup: db.prepare<[], { g: number }>('SELECT coalesce(max(group_id), 0) AS g FROM faces WHERE group_id IS NOT NULL'),
    byId: db.prepare<[number], RawFace>(`SELECT ${cols} FROM faces WHERE id = ?`),
    byImageId: db.prepare<[string], RawFace>(`SELECT ${cols} FROM faces WHERE image_id = ?`),
    byPerson: db.prepare<[number, number, number], RawFace>(`SELECT ${cols} FROM faces WHERE person_id = ? AND id > ? ORDER BY id LIMIT ?`),
    firstOfPerson: db.prepare<[number], RawFace>(`SELECT ${cols} FROM faces WHERE person_id = ? ORDER BY id LIMIT 1`),
    countOfPerson: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM faces WHERE person_id = ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM faces'),
    deleteById: db.prepare<[number]>('DELETE FROM faces WHERE id = ?'),
    files: db.prepare<[], { id: number; file_name: string }>('SELECT id, file_name FROM faces'),
    personOf: db.prepare<[number], { person_id: number }>('SELECT person_id FROM faces WHERE id = ? AND person_id IS NOT NULL'),
    erased: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM erased_photos WHERE file_name = ?'),
    encodings: db.prepare<[], { id: number; encoding: Buffer; unnamed: number }>(
      'SELECT id, encoding, person_id IS NULL AS unnamed FROM faces ORDER BY person_id IS NULL, id',
    ),
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
        f.photoId ?? null,
        f.personId === null ? (f.groupId ?? null) : null,
        f.ignored ? 1 : 0,
        f.crop ?? null,
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

  /**
   * Every encoding (one statement: one consistent read), named faces first, a batch at a time; the count first, as
   * a size hint.
   */
  readEncodings(sink: EncodingSink): EncodingSnapshot {
    sink.expect(this.count());
    let ids: number[] = [];
    let blobs: Buffer[] = [];
    let as: IndexedAs = 'named';
    let count = 0;
    const flush = () => {
      if (ids.length > 0) sink.add(ids, packEncodings(blobs), as);
      count += ids.length;
      ids = [];
      blobs = [];
    };
    for (const r of this.q.encodings.iterate()) {
      const rowAs: IndexedAs = r.unnamed ? 'unnamed' : 'named';
      if (rowAs !== as || ids.length === SNAPSHOT_BATCH) flush();
      as = rowAs;
      ids.push(r.id);
      blobs.push(r.encoding);
    }
    flush();
    return { count, position: null };
  }

  getMany(imageIds: string[]): FaceRow[] {
    return imageIds.flatMap((id) => this.getByImageId(id) ?? []);
  }

  listByPhoto(photoId: number): FaceRow[] {
    return this.q.byPhoto.all(photoId).map(faceFromRow);
  }

  crop(imageId: string): Buffer | null | undefined {
    return this.q.crop.get(imageId)?.crop;
  }

  setCrop(id: number, crop: Buffer): void {
    this.q.setCrop.run(crop, id);
  }

  countUnnamed(): number {
    return this.q.countUnnamed.get()!.n;
  }

  groupMembers(faceIds: number[]): Map<number, GroupMember> {
    const out = new Map<number, GroupMember>();
    for (const id of faceIds) {
      const r = this.q.member.get(id);
      if (!r) continue;
      // Each group counted once, however many of the faces are in it.
      const groupSize = [...out.values()].find((m) => m.groupId === r.group_id)?.groupSize ?? this.q.groupSize.get(r.group_id)!.n;
      out.set(id, { groupId: r.group_id, ignored: r.ignored === 1, groupSize });
    }
    return out;
  }

  listGroups(offset: number, limit: number): FaceGroupRow[] {
    return this.q.groups.all(limit, offset).map((r) => ({ groupId: r.group_id, size: r.n }));
  }

  countGroups(): number {
    return this.q.countGroups.get()!.n;
  }

  listGroup(groupId: number, limit: number): FaceRow[] {
    return this.q.group.all(groupId, limit).map(faceFromRow);
  }

  mergeGroups(groupIds: number[], into: number): void {
    for (const g of groupIds) if (g !== into) this.q.mergeGroup.run(into, g);
  }

  assign(faceIds: number[], personId: number | null, groupId: number | null): void {
    for (const id of faceIds) this.q.assign.run(personId, personId === null ? groupId : null, id);
  }

  reassignPerson(fromPersonId: number, toPersonId: number): number {
    return this.q.reassign.run(toPersonId, fromPersonId).changes;
  }

  setIgnored(faceIds: number[], ignored: boolean): void {
    for (const id of faceIds) this.q.setIgnored.run(ignored ? 1 : 0, id);
  }

  unnamedEncodings(): { ids: number[]; encodings: Float32Array; ignored: boolean[] } {
    const rows = this.q.unnamed.all();
    return { ids: rows.map((r) => r.id), encodings: packEncodings(rows.map((r) => r.encoding)), ignored: rows.map((r) => r.ignored === 1) };
  }

  encodingsOf(faceIds: number[]): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    for (const id of faceIds) {
      const r = this.q.encodingOf.get(id);
      if (r) out.set(id, blobToEncoding(r.encoding));
    }
    return out;
  }

  nextGroupId(): number {
    return this.q.maxGroup.get()!.g + 1;
  }

  setGroups(ids: number[], groupIds: number[]): void {
    ids.forEach((id, i) => this.q.setGroup.run(groupIds[i]!, id));
  }
}
