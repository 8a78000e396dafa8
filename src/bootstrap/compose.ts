// The composition root: builds every adapter once, hands them to the use cases and the HTTP app,
// and lists what to close, in order, once the server has stopped (http-server.ts runs the stop).
// The only place that picks PGlite or PostgreSQL, memory or Redis.
import type { Server } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import type { Deps } from '../application/deps.js';
import type { Mailer } from '../application/identity/ports.js';
import type { Cache, Clock } from '../application/shared/ports.js';
import { createHttpApp } from '../adapters/http/app.js';
import type { HealthProbe } from '../adapters/http/operations/probes.js';
import { memoryCache } from '../adapters/memory/memory-cache.js';
import type { DatabaseHandle } from '../adapters/postgres/connect.js';
import { postgresIdempotencyStore } from '../adapters/postgres/idempotency-store.js';
import { postgresRepositories, postgresUnitOfWork } from '../adapters/postgres/unit-of-work.js';
import { addressKey } from '../adapters/http/middleware/rate-limit.js';
import { redisCache } from '../adapters/redis/redis-cache.js';
import { createRedisClient } from '../adapters/redis/redis-client.js';
import type { Argon2Params } from '../adapters/security/argon2-password-hasher.js';
import { cryptoSecretTokens } from '../adapters/security/secret-tokens.js';
import { inProcessBackgroundWork } from '../adapters/system/background-work.js';
import { systemClock } from '../adapters/system/clock.js';
import { uuidV7Ids } from '../adapters/system/uuid-v7-ids.js';
import { clientAddress } from '../adapters/shared/client-address.js';
import { cacheNameOf, observedCache } from '../adapters/telemetry/instruments.js';
import { createMetrics } from '../adapters/telemetry/metrics.js';
import type { Config } from './config.js';
import { composeAttachments } from './compose-attachments.js';
import { composeEvents, nudgingUnitOfWork, type EventsRuntime } from './compose-events.js';
import { composeJobs, type JobsRuntime } from './compose-jobs.js';
import { composeWebhooks, type WebhooksRuntime } from './compose-webhooks.js';
import { composeNotifications } from './compose-notifications.js';
import type { NotificationPush } from '../application/notifications/ports.js';
import type { AttachmentScanner } from '../application/attachments/ports.js';
import { publicLimits, rateLimiters } from './compose-limits.js';
import { smsDeps, smsSender } from './compose-sms.js';
import { hmacUnsubscribeTokens } from '../adapters/security/hmac-unsubscribe-tokens.js';
import { accessTokenService, identityLimits, passwordHasher } from './compose-identity.js';
import { healthProbes } from './health-probes.js';
import { redisReady } from './redis-ready.js';
import { createHttpServer, type Closer } from './http-server.js';
import { openOwnDatabase } from './own-database.js';
import { ownLogger } from './own-logger.js';
import { composeRealtime, type Realtime } from './realtime.js';
import { VERSION } from './version.js';

/** What tests (and tools) may swap; production passes none of these. */
export interface ComposeOverrides {
  /** An already-open (and migrated) database; the caller closes it. */
  readonly database?: DatabaseHandle;
  readonly logger?: PinoLogger;
  /** Captures mail instead of the configured transport (undefined: the configured one). */
  readonly mailer?: Mailer | undefined;
  readonly argon2?: Argon2Params;
  readonly extraProbes?: readonly HealthProbe[];
  /** The time the use cases and the token service read; the system's unless a test moves it. */
  readonly clock?: Clock;
  /** The timer of the database start-up retries (own database only) and the shutdown grace. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where recorded notifications are pushed (a test records them; see compose-notifications). */
  readonly notificationPush?: NotificationPush;
  /** Looks at each uploaded file (a test quarantines); default: passes everything. */
  readonly attachmentScanner?: AttachmentScanner;
}

export interface Application {
  readonly deps: Deps;
  readonly config: Config;
  /** The event bus and, when this process dispatches, the dispatcher (started by start()). */
  readonly events: EventsRuntime;
  /** The job queue and, when this process runs jobs, the runner (started by start()). */
  readonly jobs: JobsRuntime;
  /** The webhook delivery loop, when this process dispatches (tests wake it). */
  readonly webhooks: WebhooksRuntime;
  /** The realtime WebSocket's hub (tests tick it) and gateway (tests beat its heart). */
  readonly realtime: Realtime;
  readonly logger: PinoLogger;
  readonly server: Server;
  /** Listens on config.PORT (0 → a free port), then ADMIN_PORT if set; resolves with the first. */
  start(): Promise<number>;
  /** The admin listener's bound port once started; undefined without ADMIN_PORT. */
  adminPort(): number | undefined;
  /** Graceful stop: readiness turns false, in-flight requests finish (bounded), then everything closes. */
  stop(): Promise<void>;
  isDraining(): boolean;
}

export async function compose(
  config: Config,
  overrides: ComposeOverrides = {},
): Promise<Application> {
  const logger = overrides.logger ?? (await ownLogger(config));
  const closers: Closer[] = [];
  const clock = overrides.clock ?? systemClock;
  // Its sources are read at each scrape, once everything below exists.
  const metrics = createMetrics({
    poolStats: () => database.poolStats(),
    cacheCircuit: () => sharedCache?.circuit(),
    passwordQueueDepth: () => passwords.queueDepth(),
  });

  const own = overrides.database
    ? undefined
    : await openOwnDatabase(config, logger, {
        ...(overrides.sleep && { sleep: overrides.sleep }),
        onPoolWait: (seconds) => metrics.observePoolWait(seconds),
      });
  const database = overrides.database ?? own!.database;
  closers.push(...(own?.closers ?? []));

  const redis =
    config.CACHE_STORE === 'redis' && config.REDIS_URL
      ? createRedisClient(config.REDIS_URL)
      : undefined;
  if (redis) await redisReady(redis, 2_000, logger);
  const sharedCache = redis
    ? redisCache(redis, {
        prefix: config.REDIS_KEY_PREFIX,
        timeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        cooldownMs: config.REDIS_CIRCUIT_COOLDOWN_MS,
        onError: (operation, key) =>
          metrics.observeCacheError(key === '' ? 'all' : cacheNameOf(key), operation),
      })
    : undefined;
  const cache: Cache = observedCache(
    sharedCache ?? memoryCache({ maxEntries: config.CACHE_MAX_ENTRIES }),
    metrics,
  );
  closers.push({ name: 'cache', close: () => cache.close() });

  const { limiter, apiLimiter } = rateLimiters(config, redis, metrics);
  const events = composeEvents({
    ...{ config, database, redis, logger, clock, registry: metrics.registry },
    dispatch: config.WORKER_MODE === 'inline',
  });

  const sms = smsSender(config, logger);
  const attachments = composeAttachments(config, overrides.attachmentScanner);
  closers.push(attachments.closer);
  const jobs = composeJobs({
    ...{ config, database, bus: events.bus, logger, clock, metrics, mailer: overrides.mailer, sms },
    run: config.WORKER_MODE === 'inline',
    attachments: attachments.settings,
  });

  // Drained before the job runner stops (its jobs enqueue mail) and before the database closes.
  const background = inProcessBackgroundWork(logger.child({ component: 'background' }));
  closers.unshift(
    events.closeFirst,
    { name: 'background work', close: () => background.idle() },
    jobs.closeFirst,
  );
  closers.push(jobs.closeLast);

  const accessTokens = await accessTokenService(config, clock);
  const passwords = passwordHasher(metrics, overrides.argon2);

  const uow = nudgingUnitOfWork(
    postgresUnitOfWork(database.db, {
      pipelined: database.pipelined,
      scopedRead: database.scopedRead,
      // Writers waiting on a hot row never take the connections the reads need (PostgreSQL).
      maxConcurrentTransactions:
        database.kind === 'postgres'
          ? (config.DATABASE_MAX_TRANSACTIONS ??
            Math.max(1, Math.floor(config.DATABASE_POOL_SIZE / 2)))
          : undefined,
    }),
    events.bus,
  );
  const webhooks = composeWebhooks({
    ...{ config, db: database.db, uow, events, clock, ids: uuidV7Ids, logger },
    registry: metrics.registry,
    dispatch: config.WORKER_MODE === 'inline',
  });
  // Stopped first: the sends in flight are recorded while the database is still open.
  closers.unshift(webhooks.closer);

  const deps: Deps = {
    repos: postgresRepositories(database.db),
    uow,
    clock,
    ids: uuidV7Ids,
    cache,
    passwords,
    accessTokens,
    secrets: cryptoSecretTokens(),
    ...identityLimits(config, limiter),
    ...smsDeps(config, sms, limiter),
    analyticsCacheSeconds: config.ANALYTICS_CACHE_SECONDS,
    ...publicLimits(config, limiter),
    unsubscribeTokens: hmacUnsubscribeTokens(config.UNSUBSCRIBE_SECRET),
    background,
    identity: {
      publicUrl: config.APP_URL ?? config.PUBLIC_URL,
      maxSessionsPerUser: config.MAX_SESSIONS_PER_USER,
    },
    idempotency: postgresIdempotencyStore(database.db, database.pipelined),
    signals: events.bus,
    webhooks: webhooks.settings,
    attachments: attachments.settings,
  };

  // The consumer's writes wake no dispatcher: they are no events.
  const notifications = composeNotifications({
    ...{ config, events, uow, ids: uuidV7Ids, clock, logger },
    push: overrides.notificationPush,
  });
  closers.unshift(notifications.closer);

  const probes = [
    ...healthProbes({ database, cache, redisCache: sharedCache, logger }),
    ...events.probes,
    ...jobs.probes,
    ...(own?.probes ?? []),
    ...(overrides.extraProbes ?? []),
  ];

  const perAddress = apiLimiter('rl-address', config.RATE_LIMIT_PER_ADDRESS);
  const proxyHops = config.TRUST_PROXY ? Math.max(1, config.TRUST_PROXY_HOPS ?? 1) : 0;
  const apps = createHttpApp({
    deps,
    logger,
    operations: {
      version: VERSION,
      startedAt: new Date(),
      probes,
      // `http` is built from this app just below; readiness is only asked once it serves.
      isDraining: () => http.isDraining(),
      metrics: () => metrics.render(),
      jwks: () => accessTokens.jwks(),
    },
    options: {
      corsOrigins: config.CORS_ORIGINS,
      trustProxy: config.TRUST_PROXY,
      proxyHops,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      idempotencyLockMs: config.IDEMPOTENCY_LOCK_SECONDS * 1000,
    },
    observe: (o) => metrics.observeRequest(o),
    onIdempotentRepeat: (outcome) => metrics.observeIdempotency(outcome),
    ...(own && { isReady: own.isReady }),
    adminListener: config.ADMIN_PORT !== undefined,
    rateLimits: {
      perAddress,
      perPrincipal: apiLimiter('rl-principal', config.RATE_LIMIT_PER_PRINCIPAL),
      onThrottled: (scope) => metrics.observeThrottled(scope),
    },
  });
  closers.push(events.closeLast);
  const realtime = composeRealtime({
    ...{ config, deps, bus: events.bus, logger, metrics },
    // An upgrade counts against its address's budget as a request does, under the same key.
    rateLimit: perAddress && {
      limiter: perAddress,
      keyOf: (request) => addressKey(clientAddress(request, proxyHops)),
      onThrottled: () => metrics.observeThrottled('address'),
    },
  });
  const http = createHttpServer(apps.api.callback(), {
    upgrades: realtime.gateway,
    admin: apps.admin?.callback(),
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    closers,
    sleep: overrides.sleep,
  });

  let bound: number | undefined;
  return {
    deps,
    config,
    events,
    jobs,
    webhooks,
    realtime,
    logger,
    server: http.server,
    isDraining: () => http.isDraining(),
    async start() {
      const ports = await http.listen(
        { port: config.PORT, adminPort: config.ADMIN_PORT },
        config.HOST,
      );
      bound = ports.adminPort;
      const stores = { database: database.kind, cache: redis ? 'redis' : 'memory' };
      events.start();
      jobs.runner?.start();
      webhooks.start();
      notifications.start();
      jobs.scheduler?.start();
      logger.info({ port: ports.port, admin_port: bound, ...stores }, 'listening');
      return ports.port;
    },
    adminPort: () => bound,
    stop: () => http.stop(),
  };
}
