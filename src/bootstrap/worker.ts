// The worker process (`npm run worker`): dispatches the events table to the event bus, records
// notifications, runs the background jobs (every email) and the daily digest's scheduler, sends
// the webhook deliveries, and
// purges expired events and notifications, against PostgreSQL (DATABASE_URL) and, for several
// API processes, Redis. It serves its own /health, /health/ready, /health/detailed and /metrics
// on WORKER_ADMIN_PORT. The embedded default needs none of this: its API process does all of it
// (WORKER_MODE=inline).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOperationsApp } from '../adapters/http/operations-app.js';
import { pingDatabase } from '../adapters/postgres/connect.js';
import { postgresUnitOfWork } from '../adapters/postgres/unit-of-work.js';
import { createRedisClient } from '../adapters/redis/redis-client.js';
import { systemClock } from '../adapters/system/clock.js';
import { uuidV7Ids } from '../adapters/system/uuid-v7-ids.js';
import { createMetrics } from '../adapters/telemetry/metrics.js';
import { composeAttachments } from './compose-attachments.js';
import { composeEvents } from './compose-events.js';
import { composeJobs } from './compose-jobs.js';
import { composeWebhooks } from './compose-webhooks.js';
import { composeNotifications } from './compose-notifications.js';
import { smsSender } from './compose-sms.js';
import { openOwnDatabase } from './own-database.js';
import { ownLogger } from './own-logger.js';
import { configOrExit, guardProcess, refuseToStart } from './process-guards.js';
import { redisReady } from './redis-ready.js';
import { VERSION } from './version.js';

const config = configOrExit();
if (!config.DATABASE_URL) {
  refuseToStart(
    'The worker needs PostgreSQL: set DATABASE_URL. The embedded database (no DATABASE_URL) runs ' +
      'its dispatcher inside the API process: `npm start` alone does everything.',
  );
}

if (config.CACHE_STORE !== 'redis') {
  refuseToStart(
    'The worker needs Redis: set REDIS_URL (and not CACHE_STORE=memory). It hands events to the ' +
      'API processes through Redis pub/sub; without Redis, run one API with WORKER_MODE=inline.',
  );
}

const logger = (await ownLogger(config)).child({ process: 'worker' });
const metrics = createMetrics({ poolStats: () => database.poolStats() });
const own = await openOwnDatabase(config, logger, {
  onPoolWait: (seconds) => metrics.observePoolWait(seconds),
});
const database = own.database;
const redis = createRedisClient(config.REDIS_URL!);
await redisReady(redis, 2_000, logger);
const events = composeEvents({
  ...{ config, database, redis, logger, clock: systemClock, registry: metrics.registry },
  dispatch: true,
});
const attachments = composeAttachments(config);
const jobs = composeJobs({
  ...{ config, database, bus: events.bus, logger, clock: systemClock, metrics },
  sms: smsSender(config, logger),
  run: true,
  attachments: attachments.settings,
});
const webhooks = composeWebhooks({
  ...{ config, db: database.db, events, clock: systemClock, ids: uuidV7Ids, logger },
  uow: postgresUnitOfWork(database.db),
  registry: metrics.registry,
  dispatch: true,
});
const notifications = composeNotifications({
  config,
  events,
  uow: postgresUnitOfWork(database.db, { pipelined: database.pipelined }),
  ids: uuidV7Ids,
  clock: systemClock,
  logger,
});

let draining = false;
const app = createOperationsApp({
  logger,
  operations: {
    version: VERSION,
    startedAt: new Date(),
    probes: [
      {
        name: 'database',
        critical: true,
        check: async () => ({ status: 'ok', role: (await pingDatabase(database.db)).role }),
      },
      ...own.probes,
      ...events.probes,
      ...jobs.probes,
    ],
    isDraining: () => draining,
    metrics: () => metrics.render(),
    jwks: () => ({ keys: [] }),
  },
});
const handle = app.callback();
const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.WORKER_ADMIN_PORT, config.HOST, resolve);
}).catch((error: unknown) => {
  const { code } = (error ?? {}) as { code?: unknown };
  if (code === 'EADDRINUSE') {
    refuseToStart(
      `Cannot listen: port ${config.WORKER_ADMIN_PORT} on ${config.HOST} is already in use: set WORKER_ADMIN_PORT to a free port`,
    );
  }
  throw error;
});
events.start();
jobs.runner!.start();
webhooks.start();
notifications.start();
jobs.scheduler!.start();
const port = (server.address() as AddressInfo).port;
logger.info({ port, bus: 'redis' }, 'listening');

guardProcess(logger);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  draining = true;
  logger.info({ signal }, 'worker shutting down');
  // The batch in flight finishes (or its transaction rolls back and the next worker sends it);
  // the jobs in flight end (or their leases pass and another worker runs them again).
  await webhooks.closer.close();
  await notifications.closer.close();
  await events.closeFirst.close();
  await jobs.closeFirst.close();
  await new Promise((resolve) => server.close(resolve));
  await events.closeLast.close();
  await jobs.closeLast.close();
  await attachments.closer.close();
  redis.disconnect();
  for (const closer of own.closers) await closer.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
