// The service's parts (photo store, database, gallery, video jobs) are opened in order and closed in reverse: a
// stopped service, and one whose start failed halfway, hold nothing open on the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startTestServer, tempDataDir } from '../fixtures/server.js';
import { databaseUrlFor, dropDatabaseFor, TEST_STORE } from '../fixtures/database.js';

/**
 * What the service still holds on its database: on PostgreSQL its connections (pool, change feed, queue, worker
 * lock: every one is named face-service…), on SQLite the WAL, which SQLite removes when its last connection closes.
 */
async function heldOpen(dataDir: string, databaseUrl: string | undefined): Promise<string[]> {
  if (!databaseUrl) return fs.existsSync(path.join(dataDir, 'faces.db-wal')) ? ['faces.db-wal'] : [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A connection's end reaches the server a moment after the client let go of it.
    for (let tries = 0; ; tries++) {
      const { rows } = await client.query<{ name: string }>(
        "SELECT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'face-service%'",
      );
      if (rows.length === 0 || tries >= 40) return rows.map((r) => r.name);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.end();
  }
}

test('a stopped service holds nothing open on its database', async (t) => {
  const dataDir = tempDataDir();
  const databaseUrl = await databaseUrlFor(dataDir);
  t.after(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropDatabaseFor(dataDir);
  });
  const server = await startTestServer({ dataDir, databaseUrl });
  assert.notDeepEqual(await heldOpen(dataDir, databaseUrl), [], 'a running service holds its database');
  await server.close();
  assert.deepEqual(await heldOpen(dataDir, databaseUrl), []);
});

test('a start that fails after the database and the gallery opened closes them again, and says why', async (t) => {
  const dataDir = tempDataDir();
  const databaseUrl = await databaseUrlFor(dataDir);
  t.after(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropDatabaseFor(dataDir);
  });
  // The video jobs' folder cannot be made: the job list, opened last, fails.
  fs.writeFileSync(path.join(dataDir, 'videos'), 'not a folder');
  await assert.rejects(startTestServer({ dataDir, databaseUrl }), /videos/);
  assert.deepEqual(await heldOpen(dataDir, databaseUrl), [], `nothing is left open (${TEST_STORE})`);

  // With the folder free again the same data folder starts.
  fs.rmSync(path.join(dataDir, 'videos'));
  const server = await startTestServer({ dataDir, databaseUrl });
  await server.close();
});
