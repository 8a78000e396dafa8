// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database, whose
// folder it takes for itself while it runs, as the API does).
import path from 'node:path';
import { openDatabase } from '../adapters/postgres/connect.js';
import { migrateToLatest } from '../adapters/postgres/migrator.js';
import { FolderInUseError, lockFolder, type FolderLock } from '../adapters/system/folder-lock.js';
import { ConfigError, loadConfig } from './config.js';

try {
  const config = loadConfig(process.env, { requireSigningKey: false, requireMail: false });
  let lock: FolderLock | undefined;
  if (!config.DATABASE_URL) lock = await lockFolder(path.resolve(config.DATA_DIR));
  try {
    const database = await openDatabase(
      config.DATABASE_URL
        ? { kind: 'postgres', url: config.DATABASE_URL, poolSize: 1 }
        : { kind: 'pglite', dataDir: path.resolve(config.DATA_DIR, 'pglite') },
    );
    try {
      const applied = await migrateToLatest(database.db);
      process.stdout.write(
        applied.length === 0 ? 'Already up to date\n' : `Applied:\n  ${applied.join('\n  ')}\n`,
      );
    } finally {
      await database.close();
    }
  } finally {
    await lock?.release();
  }
} catch (error) {
  const known = error instanceof ConfigError || error instanceof FolderInUseError;
  process.stderr.write(`${known ? (error as Error).message : String(error)}\n`);
  process.exit(1);
}
