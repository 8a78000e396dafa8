// Opening the stores the composition root needs: its own database (PostgreSQL, or the embedded
// PGlite migrated at start) and the first Redis connection.
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger as PinoLogger } from 'pino';
import { assumeRole, openDatabase, type DatabaseHandle } from '../adapters/postgres/connect.js';
import { migrateToLatest } from '../adapters/postgres/migrator.js';
import type { Metrics } from '../adapters/telemetry/metrics.js';
import type { Config } from './config.js';

export async function openOwnDatabase(
  config: Config,
  logger: PinoLogger,
  metrics: Pick<Metrics, 'observePoolWait'>,
): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) {
    return openDatabase(
      {
        kind: 'postgres',
        url: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        // Every connection works as the application role: row-level security applies to it.
        role: config.DATABASE_APP_ROLE,
      },
      // A restart or failover ends every connection: logged, never fatal (the pool reconnects).
      {
        onConnectionLost: (error) => logger.warn({ err: error }, 'database connection lost'),
        onPoolWait: (seconds) => metrics.observePoolWait(seconds),
      },
    );
  }
  const dataDir = path.resolve(config.DATA_DIR, 'pglite');
  const database = await openDatabase({ kind: 'pglite', dataDir });
  // The embedded default applies migrations at start; with PostgreSQL, `npm run migrate` does.
  const applied = await migrateToLatest(database.db);
  await assumeRole(database, config.DATABASE_APP_ROLE);
  logger.info({ dataDir, applied }, 'embedded database ready');
  return database;
}

/** Waits for the first connection; Redis being down is not fatal (the cache degrades). */
export function redisReady(redis: Redis, timeoutMs: number, logger: PinoLogger): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ timeout_ms: timeoutMs }, 'redis not reachable; cache degraded until it is');
      redis.off('ready', onReady);
      resolve();
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
