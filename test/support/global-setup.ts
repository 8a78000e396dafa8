// Once per run: with a real PostgreSQL, build a migrated template database that every test file
// clones (CREATE DATABASE … TEMPLATE …), and drop it at the end. On PGlite, dump a migrated data
// directory to a file that every test database starts from: an empty PGlite cluster runs initdb
// (about 4 s of CPU on a 2-core machine), loading the dump takes about 1.5 s.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import type { Database } from '../../src/adapters/postgres/database.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import { PgliteDialect } from '../../src/adapters/postgres/pglite-dialect.js';
import { testDatabaseUrl, uniqueTag } from './env.js';
import { databaseUrl, dropDatabase } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | null;
    /** A dump of a migrated PGlite data directory (a file), when the run is on PGlite. */
    pgliteTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (!testDatabaseUrl) {
    project.provide('templateDatabase', null);
    return pgliteTemplate(project);
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

async function pgliteTemplate(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'teamflow-pglite-'));
  const file = path.join(dir, 'migrated.tar');
  const client = new PGlite();
  try {
    await migrateToLatest(new Kysely<Database>({ dialect: new PgliteDialect(client) }));
    await writeFile(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await client.close();
  }
  project.provide('pgliteTemplate', file);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
