// Opens the database: PostgreSQL through `pg` when a URL is given, else PGlite in a local folder.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { PgliteDialect } from './pglite-dialect.js';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  /** `dataDir` undefined → in memory (tests). */
  | { readonly kind: 'pglite'; readonly dataDir: string | undefined };

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: DatabaseTarget['kind'];
  /** Pool figures for health and metrics; PGlite has a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its server emits 'error' on the pool; without a listener it would crash.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      poolStats: () => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      }),
      close: () => db.destroy(),
    };
  }
  if (target.dataDir !== undefined) await mkdir(target.dataDir, { recursive: true });
  const client = target.dataDir === undefined ? new PGlite() : new PGlite(target.dataDir);
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PgliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => db.destroy(),
  };
}

/** Round-trips a trivial query; resolves with the elapsed milliseconds. */
export async function pingDatabase(db: Db): Promise<number> {
  const started = performance.now();
  await sql`select 1`.execute(db);
  return performance.now() - started;
}
