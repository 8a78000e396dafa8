// Opens the database: PostgreSQL through `pg` when a URL is given, else PGlite in a local folder.
import { mkdir, readFile } from 'node:fs/promises';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { PgliteDialect } from './pglite-dialect.js';
import { unavailableOr } from './errors.js';
import { watchClient } from './lost-connections.js';
import { preparingClient } from './wire/pg-internals.js';
import { pipelineConnector, type PipelineConnector } from './wire/pipeline.js';
import { scopedReader, type ScopedReader } from './wire/scoped-read.js';

export type DatabaseTarget = (
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  /**
   * `dataDir` undefined → in memory (tests); `loadDataDir`, a dump of a data directory
   * (PGlite's dumpDataDir) to start from instead of an empty cluster (tests: a migrated template).
   */
  | {
      readonly kind: 'pglite';
      readonly dataDir: string | undefined;
      readonly loadDataDir?: Blob | undefined;
    }
) & {
  /**
   * The role every connection switches to (SET ROLE): one that owns no table and is no
   * superuser, so row-level security applies. Unset for migrations, which run as the owner.
   */
  readonly role?: string | undefined;
};

const ROLE_NAME = /^[a-z_][a-z0-9_]*$/;

function setRoleStatement(role: string): string {
  if (!ROLE_NAME.test(role)) throw new Error(`Invalid database role name: ${role}`);
  return `SET ROLE ${role}`;
}

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: DatabaseTarget['kind'];
  /** PostgreSQL: read-only work whose statements each carry the tenant scope (one trip each). */
  readonly scopedRead?: ScopedReader;
  /** PostgreSQL: a client per transaction, on which statements can ride ahead of the next one. */
  readonly pipelined?: PipelineConnector;
  /** Pool figures for health and metrics; PGlite has a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Told when a pooled connection dies (a restart, a failover): for the log. */
  readonly onConnectionLost?: (error: Error) => void;
  /** Told how long each checkout waited for the pool to hand out a connection: for the metrics. */
  readonly onPoolWait?: (seconds: number) => void;
}

/** A checkout that fails because the server is down, starting or full is a 503, not a 500. */
async function checkOut(pool: pg.Pool, onWait: (seconds: number) => void): Promise<pg.PoolClient> {
  const started = performance.now();
  try {
    return await pool.connect();
  } catch (error) {
    throw unavailableOr(error);
  } finally {
    onWait((performance.now() - started) / 1000);
  }
}

/**
 * Checks clients out of the pool, switching each new one to `role` before it serves anything
 * (a client whose switch fails is discarded, never handed out as the owner).
 */
function workingAs(
  pool: pg.Pool,
  role: string | undefined,
  onWait: (seconds: number) => void,
): () => Promise<pg.PoolClient> {
  if (role === undefined) return () => checkOut(pool, onWait);
  const statement = setRoleStatement(role);
  const switched = new WeakSet<pg.PoolClient>();
  return async () => {
    const client = await checkOut(pool, onWait);
    if (switched.has(client)) return client;
    try {
      await client.query(statement);
    } catch (error) {
      client.release(error as Error);
      throw unavailableOr(error);
    }
    switched.add(client);
    return client;
  };
}

export async function openDatabase(
  target: DatabaseTarget,
  options: DatabaseOptions = {},
): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    });
    // Every client listens to its own 'error' for its whole life, checked out or idle: a server
    // that restarts ends every connection, and an 'error' with no listener ends the process.
    const onLost = options.onConnectionLost ?? (() => undefined);
    pool.on('connect', (client) => watchClient(client, onLost));
    // The pool re-emits an idle client's error (already reported by the client's own listener).
    pool.on('error', () => undefined);
    const connect = workingAs(pool, target.role, options.onPoolWait ?? (() => undefined));
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        // A statement with parameters goes out as a prepared statement of the connection;
        // transactions of the unit of work go through wire/pipeline.ts instead.
        pool: { connect: async () => preparingClient(await connect()), end: () => pool.end() },
      }),
    });
    return {
      db,
      kind: 'postgres',
      scopedRead: scopedReader(connect),
      pipelined: pipelineConnector(connect),
      poolStats: () => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      }),
      close: () => db.destroy(),
    };
  }
  if (target.dataDir !== undefined) await mkdir(target.dataDir, { recursive: true });
  const modules = await pgliteModules();
  const client = new PGlite({
    ...(target.dataDir !== undefined && { dataDir: target.dataDir }),
    ...(target.loadDataDir !== undefined && { loadDataDir: target.loadDataDir }),
    pgliteWasmModule: modules.pglite,
    initdbWasmModule: modules.initdb,
  });
  await client.waitReady;
  if (target.role !== undefined) await client.exec(setRoleStatement(target.role));
  const db = new Kysely<Database>({ dialect: new PgliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => db.destroy(),
  };
}

/**
 * Switches an open PGlite handle to the application role (after migrations ran as the owner).
 * PGlite has one connection, so the switch covers every later query.
 */
export async function assumeRole(handle: DatabaseHandle, role: string): Promise<void> {
  if (handle.kind !== 'pglite')
    throw new Error('assumeRole is for PGlite; pass `role` when opening');
  await sql.raw(setRoleStatement(role)).execute(handle.db);
}

/** Round-trips a trivial query; resolves with the elapsed milliseconds. */
/** How long a trivial query takes, and the role the connection works as (teamflow_app). */
export async function pingDatabase(db: Db): Promise<{ latencyMs: number; role: string }> {
  const started = performance.now();
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(db);
  return { latencyMs: performance.now() - started, role: rows[0]?.role ?? '' };
}

/**
 * PGlite's WebAssembly, compiled once per process and shared by every instance it opens. Left to
 * itself, PGlite compiles its modules again for each instance, and a process that opens many in
 * turn (a test worker: one per test file) compiles them again each time; shared, each instance
 * starts sooner. (It does not keep Node 24's V8 from freeing the wasm-to-JS wrappers of closed
 * instances, which its wasm code GC can free twice: the test workers run without that GC, see
 * vitest.config.ts.)
 */
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

/** The global WebAssembly object (this project's TypeScript libraries do not declare it). */
const { WebAssembly: wasm } = globalThis as {
  WebAssembly?: { compile(bytes: Uint8Array): Promise<WasmModule> };
};

let compiled: Promise<{ pglite: WasmModule; initdb: WasmModule }> | undefined;

function pgliteModules() {
  compiled ??= (async () => {
    if (wasm === undefined) throw new Error('This runtime has no WebAssembly: PGlite needs it');
    const compile = async (file: string) =>
      wasm.compile(await readFile(new URL(file, import.meta.resolve('@electric-sql/pglite'))));
    const [pglite, initdb] = await Promise.all([
      compile('./pglite.wasm'),
      compile('./initdb.wasm'),
    ]);
    return { pglite, initdb };
  })();
  return compiled;
}
