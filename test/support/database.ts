// A database of this test file's own: a clone of the migrated template on PostgreSQL, or a fresh
// in-memory PGlite with the migrations applied. Both are dropped by `close()`.
import { inject } from 'vitest';
import {
  assumeRole,
  openDatabase,
  type DatabaseHandle,
} from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import { testDatabaseUrl, uniqueTag } from './env.js';
import { adminQuery, databaseUrl, dropDatabase } from './postgres-admin.js';

/** The role the application works as (row-level security applies to it). */
export const APP_ROLE = 'teamflow_app';

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  readonly engine: 'postgres' | 'pglite';
  /** The URL of this file's database (PostgreSQL only). */
  readonly url: string | undefined;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  if (testDatabaseUrl && template) {
    const name = `tf_t_${uniqueTag()}`;
    await adminQuery(testDatabaseUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
    const url = databaseUrl(testDatabaseUrl, name);
    const handle = await openDatabase({ kind: 'postgres', url, poolSize: 10, role: APP_ROLE });
    return {
      handle,
      engine: 'postgres',
      url,
      async close() {
        await handle.close();
        await dropDatabase(testDatabaseUrl!, name);
      },
    };
  }
  const handle = await openDatabase({ kind: 'pglite', dataDir: undefined });
  await migrateToLatest(handle.db);
  await assumeRole(handle, APP_ROLE);
  return { handle, engine: 'pglite', url: undefined, close: () => handle.close() };
}
