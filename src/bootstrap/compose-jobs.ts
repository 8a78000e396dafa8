// The background jobs' runtime: the queue over the jobs table, the mailer (SMTP, or the log),
// the runner loop with a handler per kind and the daily digest's scheduler (both in this process
// when WORKER_MODE=inline, and in the worker process), its metrics and its health probe.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger as PinoLogger } from 'pino';
import type { AttachmentSettings } from '../application/attachments/ports.js';
import type { EventBus } from '../application/events/ports.js';
import type { Mailer } from '../application/identity/ports.js';
import { foldAnalyticsRollups } from '../application/analytics/rollups.js';
import { purgeDigestRuns, sendDueDigests } from '../application/digest/send-digests.js';
import { EMAIL_JOB, emailHandler } from '../application/jobs/email.js';
import type { JobQueue } from '../application/jobs/ports.js';
import type { JobHandler } from '../application/jobs/run-jobs.js';
import { NOTIFICATION_JOBS } from '../application/notifications/delivery.js';
import {
  notificationEmailHandler,
  notificationSmsHandler,
} from '../application/notifications/send-notification.js';
import type { Clock } from '../application/shared/ports.js';
import type { SmsSender } from '../application/shared/sms.js';
import { DEFAULT_RETRY_POLICY } from '../domain/jobs/retry.js';
import type { HealthProbe } from '../adapters/http/operations/probes.js';
import { API_PREFIX } from '../adapters/http/locations.js';
import type { DatabaseHandle } from '../adapters/postgres/connect.js';
import { postgresJobQueue } from '../adapters/postgres/job-queue.js';
import { postgresRepositories, postgresUnitOfWork } from '../adapters/postgres/unit-of-work.js';
import { hmacUnsubscribeTokens } from '../adapters/security/hmac-unsubscribe-tokens.js';
import { observedMailer } from '../adapters/telemetry/instruments.js';
import { registerJobMetrics } from '../adapters/telemetry/job-metrics.js';
import type { Metrics } from '../adapters/telemetry/metrics.js';
import { periodic, withChore } from '../adapters/worker/periodic.js';
import { batchLoop, type BatchLoop } from '../adapters/worker/batch-loop.js';
import { jobLoop, type JobLoop } from '../adapters/worker/job-loop.js';
import { attachmentChore } from './compose-attachments.js';
import { nudgingUnitOfWork } from './compose-events.js';
import type { Config } from './config.js';
import { notificationChannels } from './compose-sms.js';
import { configuredMailer } from './mailer.js';
import type { Closer } from './http-server.js';
import { uuidV7Ids } from '../adapters/system/uuid-v7-ids.js';

export interface JobsRuntime {
  readonly queue: JobQueue;
  /** The runner, when this process runs jobs (started by the process's start). */
  readonly runner: JobLoop | undefined;
  /** The digest scheduler, where the runner is (started by the process's start). */
  readonly scheduler: BatchLoop | undefined;
  readonly probes: readonly HealthProbe[];
  /** Stop the runner first (its jobs use the database and the mailer), the mailer after them. */
  readonly closeFirst: Closer;
  readonly closeLast: Closer;
}

export interface JobsSources {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** Its nudges (a write committed) wake the runner. */
  readonly bus: EventBus;
  readonly logger: PinoLogger;
  readonly clock: Clock;
  readonly metrics: Pick<Metrics, 'registry' | 'observeMail'>;
  /** Instead of the configured transport (tests capture mail). */
  readonly mailer?: Mailer | undefined;
  /** The process's SMS sender (notification SMS). */
  readonly sms: SmsSender;
  /** Whether this process runs jobs (the worker process always; the API when inline). */
  readonly run: boolean;
  /** The blob store the scheduler's process deletes blobs from (with the deleted-task purge). */
  readonly attachments: AttachmentSettings;
}

/** How often the digest scheduler looks for due digests (and once at start). */
const DIGEST_TICK_MS = 60_000;

/** A due job waiting longer than this for a runner makes the probe degraded. */
const WAIT_DEGRADED_SECONDS = 60;

export function composeJobs(sources: JobsSources): JobsRuntime {
  const { config, logger, clock } = sources;
  const queue = postgresJobQueue(sources.database.db);
  const mailer = observedMailer(
    sources.mailer ?? configuredMailer(config, logger),
    sources.metrics,
  );
  const observer = registerJobMetrics(
    sources.metrics.registry,
    sources.run ? () => queue.stats(clock.now()) : undefined,
  );
  const runner = sources.run
    ? jobLoop(
        {
          jobs: queue,
          handlers: {
            [EMAIL_JOB]: emailHandler(mailer, messageIdDomain(config)),
            ...notificationHandlers(sources, mailer),
          },
          bus: sources.bus,
          clock,
          random: Math.random,
          retry: DEFAULT_RETRY_POLICY,
          logger: logger.child({ component: 'jobs' }),
        },
        {
          // Unique per runner, even for two in one process: a lease names who holds it.
          worker: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          leaseMs: config.JOBS_LEASE_SECONDS * 1000,
          batchSize: config.JOBS_BATCH_SIZE,
          pollMs: config.JOBS_POLL_MS,
          // The same nudges as the dispatcher's, gathered for longer: mail need not leave at once.
          nudgeDelayMs: config.WORKER_BACKGROUND_NUDGE_DELAY_MS,
        },
        observer,
      )
    : undefined;
  const scheduler = sources.run ? digestScheduler(sources) : undefined;

  const probe: HealthProbe = {
    name: 'jobs',
    critical: false,
    check: async () => {
      const now = clock.now();
      const kinds = await queue.stats(now);
      const oldest = Math.min(...kinds.map((k) => k.oldestDue?.getTime() ?? Infinity));
      const waitSeconds = oldest === Infinity ? 0 : (now.getTime() - oldest) / 1000;
      const loop = runner?.status();
      return {
        status: waitSeconds > WAIT_DEGRADED_SECONDS ? 'degraded' : 'ok',
        worker: sources.run ? 'in process' : 'separate',
        waiting: kinds.reduce((sum, k) => sum + k.waiting, 0),
        oldest_due_seconds: Math.round(Math.max(0, waitSeconds) * 1000) / 1000,
        dead: kinds.reduce((sum, k) => sum + k.dead, 0),
        ...(loop && {
          last_run_at: loop.lastSuccessAt?.toISOString() ?? null,
          consecutive_failures: loop.consecutiveFailures,
        }),
      };
    },
  };

  return {
    queue,
    runner,
    scheduler,
    probes: [probe],
    closeFirst: {
      name: 'job runner',
      close: async () => {
        await scheduler?.stop();
        await runner?.stop();
      },
    },
    closeLast: { name: 'mailer', close: () => mailer.close() },
  };
}

/**
 * Ticks every minute and at start. Its units of work nudge the runner, which sends the mails
 * they enqueued at once.
 */
function digestScheduler(sources: JobsSources): BatchLoop {
  const { config, database, bus, clock } = sources;
  const logger = sources.logger.child({ component: 'digest' });
  const deps = {
    repos: postgresRepositories(database.db),
    uow: nudgingUnitOfWork(
      postgresUnitOfWork(database.db, {
        pipelined: database.pipelined,
        scopedRead: database.scopedRead,
      }),
      bus,
    ),
    clock,
    ids: uuidV7Ids,
    linkBase: config.APP_URL ?? `${config.PUBLIC_URL}/api/v1`,
    logger,
  };
  const loop = batchLoop(
    {
      step: async () => {
        await sendDueDigests(deps);
        return 'done';
      },
      onNudge: () => () => undefined, // time, not writes, makes a digest due
      clock,
      logger,
    },
    { pollMs: DIGEST_TICK_MS, nudgeDelayMs: 0 },
  );
  // The records of sent digests are kept while their day can still be sent, then purged.
  const purge = periodic(
    'digest run purge',
    () => purgeDigestRuns(deps, config.DIGEST_RUN_RETENTION_DAYS, logger),
    config.EVENT_PURGE_INTERVAL_SECONDS * 1000,
    logger,
  );
  const attachments = attachmentChore(
    config,
    { maintenance: deps.repos.attachments, clock, attachments: sources.attachments },
    logger.child({ component: 'attachments' }),
  );
  const rollups = periodic(
    'analytics rollup fold',
    () => foldAnalyticsRollups({ maintenance: deps.repos.analytics }, logger),
    config.ANALYTICS_ROLLUP_FOLD_SECONDS * 1000,
    logger,
  );
  return withChore(withChore(withChore(loop, purge), attachments), rollups);
}

/** The jobs that send notifications' email and SMS (application/notifications/delivery.ts). */
function notificationHandlers(sources: JobsSources, mailer: Mailer): Record<string, JobHandler> {
  const { config, database } = sources;
  const deps = {
    uow: postgresUnitOfWork(database.db, {
      pipelined: database.pipelined,
      scopedRead: database.scopedRead,
    }),
    notifications: notificationChannels(config),
    mailer,
    sms: sources.sms,
    unsubscribeTokens: hmacUnsubscribeTokens(config.UNSUBSCRIBE_SECRET),
    linkBase: config.APP_URL ?? `${config.PUBLIC_URL}${API_PREFIX}`,
    apiBase: `${config.PUBLIC_URL}${API_PREFIX}`,
    messageIdDomain: messageIdDomain(config),
    logger: sources.logger.child({ component: 'notification-delivery' }),
  };
  return {
    [NOTIFICATION_JOBS.email]: notificationEmailHandler(deps),
    [NOTIFICATION_JOBS.sms]: notificationSmsHandler(deps),
  };
}

/** The sender's domain (MAIL_FROM), else the public address's host: Message-IDs' right side. */
function messageIdDomain(config: Config): string {
  return /@([^@\s>]+)>?\s*$/.exec(config.MAIL_FROM)?.[1] ?? new URL(config.PUBLIC_URL).hostname;
}
