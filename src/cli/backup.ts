// Command line: back up the gallery in DATA_DIR into one file (database and photos), while the service runs or not.
//   npm run backup -- <file>
import { loadConfig } from '../config.js';
import { backupGallery } from '../store/backup.js';

const target = process.argv[2];
if (!target || process.argv.length > 3) {
  console.error('Usage: npm run backup -- <file>');
  process.exit(2);
}
try {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set: the gallery is in PostgreSQL, whose own tools (pg_dump, pg_restore) back it up; this command handles the SQLite gallery in DATA_DIR.',
    );
  }
  if (config.photoStore) {
    // The photos are in the bucket, not in DATA_DIR: this command reads and writes the local folder only.
    throw new Error(
      `PHOTO_STORE is ${config.photoStore}: backup handles photos kept in the data folder only; with S3 storage, back up the bucket with your S3 tools`,
    );
  }
  const r = await backupGallery(config.dataDir, target);
  console.log(`backup: ${r.people} people, ${r.faces} faces and ${r.photos} photos from ${config.dataDir} written to ${r.file}`);
  if (r.missingPhotos.length > 0) console.error(`backup: ${r.missingPhotos.length} photo(s) were not on disk: ${r.missingPhotos.join(', ')}`);
} catch (err) {
  console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
