// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import path from 'node:path';
import { openDatabase } from '../adapters/postgres/connect.js';
import { migrateToLatest } from '../adapters/postgres/migrator.js';
import { ConfigError, loadConfig } from './config.js';

try {
  const config = loadConfig(process.env, { requireSigningKey: false });
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
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
