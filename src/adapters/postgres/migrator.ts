// Applies the migrations in migrations/ (one list for PostgreSQL and PGlite) and reports their state.
import { Migrator, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import type { Db } from './database.js';

function migratorFor(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const result: MigrationResultSet = await migratorFor(db).migrateToLatest();
  if (result.error)
    throw result.error instanceof Error
      ? result.error
      : new Error('Migration failed', { cause: result.error });
  return (result.results ?? []).map((r) => r.migrationName);
}

export interface MigrationState {
  readonly applied: number;
  readonly pending: string[];
}

export async function migrationState(db: Db): Promise<MigrationState> {
  const all = await migratorFor(db).getMigrations();
  return {
    applied: all.filter((m) => m.executedAt !== undefined).length,
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
