// A database of this test file's own: a clone of the migrated template on PostgreSQL, or an
// in-memory PGlite loaded from the migrated template's dump (global-setup.ts). Both are dropped
// by `close()`.
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import {
  assumeRole,
  openDatabase,
  type DatabaseHandle,
} from '../../src/adapters/postgres/connect.js';
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

/**
 * `asOwner` connects as the tables' owner, to which row-level security does not apply: for tests
 * of a repository's own SQL. Everything else runs as the application role, as the app does.
 */
export async function createTestDatabase(
  options: { asOwner?: boolean } = {},
): Promise<TestDatabase> {
  const role = options.asOwner ? undefined : APP_ROLE;
  const template = inject('templateDatabase');
  if (testDatabaseUrl && template) {
    const name = `tf_t_${uniqueTag()}`;
    await adminQuery(testDatabaseUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
    const url = databaseUrl(testDatabaseUrl, name);
    const handle = await openDatabase({ kind: 'postgres', url, poolSize: 10, role });
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
  const dump = inject('pgliteTemplate');
  if (!dump) throw new Error('No migrated PGlite dump: test/support/global-setup.ts makes one');
  const handle = await openDatabase({
    kind: 'pglite',
    dataDir: undefined,
    loadDataDir: new Blob([await readFile(dump)]),
  });
  if (role !== undefined) await assumeRole(handle, role);
  return { handle, engine: 'pglite', url: undefined, close: () => handle.close() };
}
