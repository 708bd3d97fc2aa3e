// Backup and restore of a gallery as one self-contained SQLite file: SQLite's online backup of faces.db
// (consistent while the service runs) with every stored photo added in a backup_photos table.
// Restore never deletes anything: the database it replaces is kept beside it under a dated name.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImageFiles, IMAGE_FILE_RE, writeFileAtomic } from './images.js';
import { lockDatabaseExclusively } from './sqlite/exclusive.js';
import { DB_FILE } from './sqlite/store.js';

const PHOTOS_TABLE = 'backup_photos';

export interface BackupReport {
  file: string;
  people: number;
  faces: number;
  photos: number;
  /** Rows whose photo was not on disk (deleted while the backup ran, or lost before). */
  missingPhotos: string[];
}

/** Writes `<target>`: a copy of `<dataDir>/faces.db` taken with SQLite's online backup, plus the photos. */
export async function backupGallery(dataDir: string, target: string): Promise<BackupReport> {
  const dbFile = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(dbFile)) throw new Error(`There is no gallery to back up: ${dbFile} does not exist.`);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file name.`);
  const temp = `${target}.partial`;
  fs.rmSync(temp, { force: true });
  const source = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(temp);
  } finally {
    source.close();
  }
  const images = new ImageFiles(path.join(dataDir, 'images'));
  const out = new Database(temp);
  try {
    out.pragma('journal_mode = DELETE');
    out.exec(`CREATE TABLE ${PHOTOS_TABLE} (file_name TEXT PRIMARY KEY, bytes BLOB NOT NULL)`);
    const names = out
      .prepare<[], { file_name: string }>('SELECT file_name FROM faces ORDER BY id')
      .all()
      .map((r) => r.file_name);
    const insert = out.prepare<[string, Buffer]>(`INSERT INTO ${PHOTOS_TABLE} (file_name, bytes) VALUES (?, ?)`);
    const missingPhotos: string[] = [];
    let photos = 0;
    for (const name of names) {
      let bytes: Buffer;
      try {
        bytes = await fs.promises.readFile(images.pathOf(name));
      } catch {
        missingPhotos.push(name);
        continue;
      }
      insert.run(name, bytes);
      photos++;
    }
    const count = (table: string) => (out.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const report = { file: target, people: count('people'), faces: count('faces'), photos, missingPhotos };
    out.close();
    fs.renameSync(temp, target);
    return report;
  } catch (err) {
    if (out.open) out.close();
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

export interface RestoreReport {
  people: number;
  faces: number;
  photosWritten: number;
  /** Where the database that was there before was moved (null when there was none). */
  previousDatabase: string | null;
}

/**
 * Restores a backup into `dataDir`: writes the photos it holds into images/, then puts its database in place of
 * faces.db. The files it replaces are renamed, never deleted. Refused (DatabaseInUseError), with nothing changed,
 * while another process — the service, `npm run video`, a backup — has faces.db open; faces.db stays locked
 * against them until the restore is done (see exclusive.ts).
 */
export async function restoreGallery(backup: string, dataDir: string, now = new Date()): Promise<RestoreReport> {
  if (!fs.existsSync(backup)) throw new Error(`${backup} does not exist.`);
  const dbFile = path.join(dataDir, DB_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = lockDatabaseExclusively(dbFile);
  const temp = `${dbFile}.restoring`;
  let photosWritten = 0;
  let people: number;
  let faces: number;
  try {
    const src = new Database(backup, { readonly: true, fileMustExist: true });
    try {
      const check = src.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`${backup} is damaged (SQLite integrity check: ${String(check)}).`);
      const tables = new Set(
        src
          .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
          .all()
          .map((r) => r.name),
      );
      for (const t of ['people', 'faces', PHOTOS_TABLE]) if (!tables.has(t)) throw new Error(`${backup} is not a gallery backup (no ${t} table).`);
      people = (src.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
      faces = (src.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n;

      const images = new ImageFiles(path.join(dataDir, 'images'));
      for (const row of src.prepare<[], { file_name: string; bytes: Buffer }>(`SELECT file_name, bytes FROM ${PHOTOS_TABLE}`).iterate()) {
        if (!IMAGE_FILE_RE.test(row.file_name)) throw new Error(`${backup} holds a photo with an unexpected name: ${JSON.stringify(row.file_name)}`);
        const file = images.pathOf(row.file_name);
        if (fs.existsSync(file) && fs.statSync(file).size === row.bytes.length) continue;
        await writeFileAtomic(file, row.bytes);
        photosWritten++;
      }
      fs.rmSync(temp, { force: true });
      await src.backup(temp);
    } finally {
      src.close();
    }
    const restored = new Database(temp);
    restored.exec(`DROP TABLE ${PHOTOS_TABLE}`);
    restored.exec('VACUUM');
    restored.close();
  } catch (err) {
    lock.release();
    fs.rmSync(temp, { force: true });
    throw err;
  }

  const previousDatabase = lock.existed ? `${dbFile}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}` : null;
  lock.replaceWith(temp, previousDatabase);
  return { people, faces, photosWritten, previousDatabase };
}
