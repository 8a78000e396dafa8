// The database the process opens for itself: PostgreSQL at DATABASE_URL (checked at start, see
// database-readiness.ts), else PGlite in DATA_DIR (the folder locked to this process, migrated at
// start). Resolves with what to close, in order, once the server has stopped.
import path from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import type { HealthProbe } from '../adapters/http/operations/probes.js';
import { assumeRole, openDatabase, type DatabaseHandle } from '../adapters/postgres/connect.js';
import { migrateToLatest } from '../adapters/postgres/migrator.js';
import { lockFolder } from '../adapters/system/folder-lock.js';
import type { Config } from './config.js';
import { databaseProblem, watchDatabaseReadiness } from './database-readiness.js';
import type { Closer } from './http-server.js';

export interface OwnDatabase {
  readonly database: DatabaseHandle;
  /** False while PostgreSQL is unreachable, missing or not migrated at start; the API answers 503. */
  readonly isReady: () => boolean;
  readonly closers: readonly Closer[];
  /** PostgreSQL: readiness is down while the start-up check has not passed (the API says 503). */
  readonly probes: readonly HealthProbe[];
}

export interface OwnDatabaseOptions {
  /** The timer of the start-up retries; the system's unless a test drives it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told how long each pool checkout waited for a client (seconds), for the metrics. */
  readonly onPoolWait?: (seconds: number) => void;
}

export async function openOwnDatabase(
  config: Config,
  logger: PinoLogger,
  options: OwnDatabaseOptions = {},
): Promise<OwnDatabase> {
  if (config.DATABASE_URL) {
    const url = config.DATABASE_URL;
    const database = await openDatabase(
      {
        kind: 'postgres',
        url,
        poolSize: config.DATABASE_POOL_SIZE,
        // Every connection works as the application role: row-level security applies to it.
        role: config.DATABASE_APP_ROLE,
      },
      // A restart or failover ends every connection: logged, never fatal (the pool reconnects).
      {
        onConnectionLost: (error) => logger.warn({ err: error }, 'database connection lost'),
        ...(options.onPoolWait && { onPoolWait: options.onPoolWait }),
      },
    );
    // This process never migrates PostgreSQL (`npm run migrate` does): it waits for it.
    const readiness = watchDatabaseReadiness({
      check: () => databaseProblem(database.db, url),
      logger,
      ...(options.sleep && { sleep: options.sleep }),
    });
    // A database that is there serves from the first request: the start waits for one answer
    // (a connect timeout at most), and only then listens, ready or not.
    await readiness.firstChecked;
    return {
      database,
      isReady: () => readiness.isReady(),
      closers: [
        { name: 'database start check', close: async () => readiness.stop() },
        { name: 'database', close: () => database.close() },
      ],
      probes: [
        {
          name: 'startup',
          critical: true,
          // Asked while not ready: the watcher checks again now, not at the end of its delay.
          check: async () => {
            if (readiness.isReady()) return { status: 'ok' };
            readiness.poke();
            return { status: 'down', error: 'starting' };
          },
        },
      ],
    };
  }
  const folder = path.resolve(config.DATA_DIR);
  const lock = await lockFolder(folder);
  try {
    const dataDir = path.join(folder, 'pglite');
    const database = await openDatabase({ kind: 'pglite', dataDir });
    // The embedded default applies migrations at start; with PostgreSQL, `npm run migrate` does.
    const applied = await migrateToLatest(database.db);
    await assumeRole(database, config.DATABASE_APP_ROLE);
    logger.info({ dataDir, applied }, 'embedded database ready');
    return {
      database,
      isReady: () => true,
      probes: [],
      closers: [
        { name: 'database', close: () => database.close() },
        { name: 'data folder lock', close: () => lock.release() },
      ],
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
