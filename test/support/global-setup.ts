// Once per run: with a real PostgreSQL, build a migrated template database that every test file
// clones (CREATE DATABASE … TEMPLATE …), and drop it at the end.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import { testDatabaseUrl, uniqueTag } from './env.js';
import { databaseUrl, dropDatabase } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (!testDatabaseUrl) {
    project.provide('templateDatabase', null);
    return;
  }
  const template = `tf_tpl_${uniqueTag()}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({
    kind: 'postgres',
    url: databaseUrl(testDatabaseUrl, template),
    poolSize: 1,
  });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
  project.provide('templateDatabase', template);
  return async () => {
    await dropDatabase(testDatabaseUrl!, template);
  };
}
