// Applies the PostgreSQL migrations in ./migrations (NNN_what.sql, in order). schema_migrations records each
// applied version, as SQLite's user_version does; a migration and its record commit together, and an advisory
// lock lets several replicas start at once without applying one twice.
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { readMigrations } from '../sqlite/db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** The lock replicas take while migrating (the bytes of "migr"). */
const MIGRATION_LOCK = 1835624306;

export const postgresMigrations = () => readMigrations(MIGRATIONS_DIR);

/** Brings the database up to the last migration; returns how many were applied. */
export async function migrate(client: pg.ClientBase, migrations = postgresMigrations()): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    let applied = 0;
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      applied++;
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
