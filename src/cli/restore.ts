// Command line: restore a backup made by `npm run backup` into DATA_DIR. Stop the service first: while it (or
// `npm run video`, or a backup) has DATA_DIR's faces.db open, restore refuses, changes nothing and exits 1.
// The database it replaces is kept beside it (faces.db.before-restore-<time>); nothing is deleted.
//   npm run restore -- <file>
import { loadConfig } from '../config.js';
import { restoreGallery } from '../store/backup.js';

const source = process.argv[2];
if (!source || process.argv.length > 3) {
  console.error('Usage: npm run restore -- <backup file>   (stop the service first)');
  process.exit(2);
}
try {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set: the gallery is in PostgreSQL, whose own tools (pg_dump, pg_restore) restore it; this command handles the SQLite gallery in DATA_DIR.',
    );
  }
  if (config.photoStore) {
    // The photos are in the bucket, not in DATA_DIR: this command reads and writes the local folder only.
    throw new Error(
      `PHOTO_STORE is ${config.photoStore}: restore handles photos kept in the data folder only; with S3 storage, back up the bucket with your S3 tools`,
    );
  }
  const r = await restoreGallery(source, config.dataDir);
  console.log(`restore: ${r.people} people and ${r.faces} faces restored into ${config.dataDir} (${r.photosWritten} photo(s) written)`);
  if (r.previousDatabase) console.log(`restore: the database that was there is kept as ${r.previousDatabase}`);
} catch (err) {
  console.error(`restore: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
