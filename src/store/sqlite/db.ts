// Opens the SQLite database (better-sqlite3, WAL mode) and applies the SQL migrations in ./migrations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migration files are named NNN_what.sql and applied in order; PRAGMA user_version records the last one. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number.parseInt(f, 10), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

export function migrate(db: Db, migrations = readMigrations()): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  let applied = 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    // Each migration and its version bump commit together, so a crash never leaves one half-applied.
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied++;
  }
  return applied;
}

/** What an open of `file` answers while another process holds it exclusively (npm run restore: see exclusive.ts). */
export function databaseLockedError(file: string): Error {
  return new Error(
    `${file} is locked by another process (a restore, \`npm run restore\`, is running on this data folder): start again once it has finished.`,
  );
}

export const isBusyError = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code ?? ''));

/**
 * Opens (creating if needed) the database file. WAL lets readers run during a write;
 * synchronous=NORMAL in WAL mode survives a killed process (only a power cut can lose the last commits).
 * The connection keeps a shared lock on the file while it is open, which is what makes `npm run restore` refuse.
 */
export function openDb(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw isBusyError(err) ? databaseLockedError(file) : err;
  }
  return db;
}
