// The health checks /health/ready and /health/detailed run: the database, its migrations and the
// cache. What each answers is public, so it names engines and states, never hosts or ports.
import type { Logger as PinoLogger } from 'pino';
import type { Cache } from '../application/shared/ports.js';
import type { HealthProbe } from '../adapters/http/operations/probes.js';
import { pingDatabase, type DatabaseHandle } from '../adapters/postgres/connect.js';
import { migrationState } from '../adapters/postgres/migrator.js';
import type { RedisCache } from '../adapters/redis/redis-cache.js';

export interface HealthProbeSources {
  readonly database: DatabaseHandle;
  readonly cache: Cache;
  /** The same cache when it is Redis: its circuit is reported too. */
  readonly redisCache: RedisCache | undefined;
  readonly logger: PinoLogger;
}

export function healthProbes(sources: HealthProbeSources): HealthProbe[] {
  return [databaseProbe(sources.database), migrationsProbe(sources.database), cacheProbe(sources)];
}

function databaseProbe(database: DatabaseHandle): HealthProbe {
  return {
    name: 'database',
    critical: true,
    check: async () => {
      const { role } = await pingDatabase(database.db);
      return { status: 'ok', engine: database.kind, role, pool: database.poolStats() };
    },
  };
}

function migrationsProbe(database: DatabaseHandle): HealthProbe {
  return {
    name: 'migrations',
    critical: true,
    check: async () => {
      const state = await migrationState(database.db);
      return { status: state.pending.length === 0 ? 'ok' : 'down', ...state };
    },
  };
}

function cacheProbe({ cache, redisCache, logger }: HealthProbeSources): HealthProbe {
  const adapter = redisCache ? 'redis' : 'memory';
  // With Redis, an open circuit (the cache bypassed) is degraded too: see redisCache.
  // Without its reason: a driver's message can name Redis's host and port (the log has it).
  const circuit = () => {
    if (!redisCache) return undefined;
    const { open, failures, trips, failedProbes } = redisCache.circuit();
    return { circuit: { open, failures, trips, failedProbes } };
  };
  return {
    name: 'cache',
    critical: false,
    check: async () => {
      try {
        await cache.ping();
        return { status: 'ok', adapter, ...circuit() };
      } catch (error) {
        // The public page says why in one word; the error (host, port) goes to the log only.
        logger.warn({ err: error, probe: 'cache' }, 'health probe failed');
        return { status: 'degraded', adapter, error: 'unreachable', ...circuit() };
      }
    },
  };
}
