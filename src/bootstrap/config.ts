// Every setting comes from the environment, validated once at start-up (README "Configuration";
// docs/architecture.md "Operations"). Production fails closed: no embedded database, no log mailer
// unless asked for by name.
import { z } from 'zod';
import { attachmentProblems, attachmentSettings } from './config-attachments.js';
import { smsProblems, smsSettings } from './config-sms.js';
import { webhookProblems, webhookSettings } from './config-webhooks.js';
import { boolean, commaList, port, positive, url } from './config-values.js';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  /**
   * The operational endpoints' own listener (/metrics, /health/detailed, /docs): served there
   * alone, the API's port answers 404 for them. Production: 9090 unless set; elsewhere unset keeps
   * everything on PORT. 0: any free port (tests).
   */
  ADMIN_PORT: port.optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case role name')
    .default('teamflow_app'),
  DATABASE_POOL_SIZE: positive.max(200).default(10),
  /** Transactions holding a connection at once; unset: half the pool (the rest stays for reads). */
  DATABASE_MAX_TRANSACTIONS: positive.max(200).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('tf:'),
  /**
   * Where the cache and the rate-limit counters live. `memory` is per process: right for one
   * instance, wrong for several (a revocation is forgotten by one only, limits count per
   * instance). Unset: redis when REDIS_URL is set; production asks for memory by name.
   */
  CACHE_STORE: z.enum(['redis', 'memory']).optional(),
  /** A cache call Redis has not answered this long fails: the cache is skipped, not waited on. */
  REDIS_COMMAND_TIMEOUT_MS: positive.max(10_000).default(50),
  /**
   * The same for a rate-limit counter (login, mail, the general limits). Longer: past it the
   * counter falls back to per-process memory, which starts empty and so loosens the limit.
   */
  REDIS_LIMITER_TIMEOUT_MS: positive.max(10_000).default(250),
  /** After a Redis failure the cache leaves Redis alone this long, then probes it in the background. */
  REDIS_CIRCUIT_COOLDOWN_MS: positive.max(60_000).default(1000),
  PUBLIC_URL: url(['http', 'https']).optional(),
  /**
   * A front end that serves /verify-email, /reset-password, /accept-invitation and
   * /forgot-password: email links point there. Unset, they point at the API's own minimal pages
   * on PUBLIC_URL.
   */
  APP_URL: url(['http', 'https']).optional(),
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  /** `smtp` sends through SMTP_URL; `log` writes each mail to the log. Unset: smtp when SMTP_URL is set. */
  MAIL_TRANSPORT: z.enum(['smtp', 'log']).optional(),
  MAIL_FROM: z.string().min(3).default('TeamFlow <no-reply@teamflow.local>'),
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  /** Retired public keys that still verify access tokens (rotation); see README. */
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().min(1).optional(),
  /** Signs notification emails' unsubscribe links (HMAC-SHA256); unset: a dev secret (not in production). */
  UNSUBSCRIBE_SECRET: z.string().min(32, 'must be 32 characters at least').optional(),
  JWT_ISSUER: z.string().min(1).default('teamflow'),
  JWT_AUDIENCE: z.string().min(1).default('teamflow'),
  MAX_SESSIONS_PER_USER: positive.max(100).default(3),
  CORS_ORIGINS: commaList.default([]),
  TRUST_PROXY: boolean.default(false),
  /** Proxies in front of the API; the client address is that many values from the right of X-Forwarded-For. Unset: 1. */
  TRUST_PROXY_HOPS: positive.max(20).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: pretty outside production when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional(),
  SHUTDOWN_TIMEOUT_MS: positive.default(10_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(0),
  BODY_LIMIT_BYTES: positive.default(1_048_576),
  CACHE_MAX_ENTRIES: positive.default(10_000),
  LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: positive.default(5),
  LOGIN_MAX_FAILURES_PER_IP: positive.default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: positive.default(900),
  LOGIN_MAX_FAILURES_PER_EMAIL_PER_MINUTE: positive.default(10),
  AUTH_MAIL_MAX_PER_IP: positive.default(20),
  AUTH_MAIL_MAX_PER_RECIPIENT: positive.default(5),
  AUTH_MAIL_WINDOW_SECONDS: positive.default(3600),
  /** Public status lookups (API and page) per client address per window (docs/api.md: guessing). */
  PUBLIC_STATUS_LOOKUPS_PER_ADDRESS: positive.default(20),
  PUBLIC_STATUS_WINDOW_SECONDS: positive.default(60),
  /** Analytics answers are reused this long for the same question (0: computed every time). */
  ANALYTICS_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** How often the worker folds the analytics rollups' deltas in. */
  ANALYTICS_ROLLUP_FOLD_SECONDS: positive.max(3600).default(10),
  /** The API's general limits, requests per window (realtime upgrades count); 0 turns one off. */
  RATE_LIMIT_PER_PRINCIPAL: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(3000),
  RATE_LIMIT_WINDOW_SECONDS: positive.default(60),
  /**
   * Realtime sockets are pinged this often; one that missed the previous ping is cut. Also how
   * often a process reads which of its sockets' sessions are still open (a missed signal's bound).
   */
  REALTIME_HEARTBEAT_SECONDS: positive.max(3600).default(30),
  /** Bytes a socket may have queued and unsent before it is closed as a slow consumer (4008). */
  REALTIME_MAX_BUFFER_BYTES: positive.default(1_048_576),
  /** Subscriptions one socket may hold (organizations, projects, tasks, the user's channel). */
  REALTIME_MAX_SUBSCRIPTIONS: positive.max(10_000).default(100),
  /** Events read per page when a socket resumes from the events table. */
  REALTIME_REPLAY_PAGE_SIZE: positive.max(1000).default(200),
  /**
   * How long an Idempotency-Key attempt holds its key: a repeat within it answers 409; after it
   * (the attempt's process died before committing) the repeat runs afresh. Longer than any request.
   */
  IDEMPOTENCY_LOCK_SECONDS: positive.max(3600).default(60),
  /**
   * `inline`: this API process also runs the event dispatcher (the embedded default needs it; with
   * PostgreSQL several may run it, one dispatches at a time). `off`: a separate worker does
   * (`npm run worker`; k8s/base/worker-deployment.yaml).
   */
  WORKER_MODE: z.enum(['inline', 'off']).default('inline'),
  /** The longest the dispatcher waits between two looks at the events table without a nudge. */
  WORKER_POLL_MS: positive.max(60_000).default(500),
  /** After a write's nudge the dispatcher waits this long: writes close together share a batch,
   *  and a batch is one write per subscribed socket (30 ms, not 10: docs/benchmarks.md). */
  WORKER_NUDGE_DELAY_MS: z.coerce.number().int().min(0).max(1_000).default(30),
  /** Under a stream of writes the dispatcher's looks come no closer than this: at most 20
   *  batches a second at the default, where a lone write still waits only the nudge delay. */
  WORKER_DISPATCH_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(1_000).default(50),
  /**
   * The same wait for the worker's other loops (the notifications and webhooks consumers, the job
   * runner, the webhook sender): nobody watches them to the millisecond, and each look is a
   * transaction, so they gather a busy moment's writes into one.
   */
  WORKER_BACKGROUND_NUDGE_DELAY_MS: z.coerce.number().int().min(0).max(5_000).default(250),
  WORKER_BATCH_SIZE: positive.max(5_000).default(200),
  /** A publish Redis has not acknowledged this long fails: the batch is published again later. */
  EVENT_BUS_PUBLISH_TIMEOUT_MS: positive.max(600_000).default(2_000),
  /** Events older than this are deleted once dispatched: how far back a feed or socket resumes. */
  EVENT_RETENTION_DAYS: positive.max(3650).default(7),
  /** How often the worker deletes expired events. */
  EVENT_PURGE_INTERVAL_SECONDS: positive.max(86_400).default(3600),
  /** One actor's changes to one task this close together (by the events' times) are one notification. */
  NOTIFICATION_COALESCE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Notifications whose last change is older than this are deleted by the worker. */
  NOTIFICATION_RETENTION_DAYS: positive.max(3650).default(90),
  /** Records of sent digests older than this are deleted by the worker (a day's is needed that day). */
  DIGEST_RUN_RETENTION_DAYS: positive.min(2).max(3650).default(35),
  /** Settled webhook deliveries (and their attempts) older than this are deleted by the worker. */
  WEBHOOK_DELIVERY_RETENTION_DAYS: positive.max(3650).default(30),
  /** The port of the worker process's /health, /health/ready and /metrics (k8s probes, scrapes). */
  WORKER_ADMIN_PORT: port.default(9091),
  /** The longest the job runner waits between two looks at the jobs table without a nudge. */
  JOBS_POLL_MS: positive.max(60_000).default(1000),
  /** Jobs claimed (and run side by side) at once by one runner. */
  JOBS_BATCH_SIZE: positive.max(1000).default(10),
  /**
   * How long a claimed job is held: a runner that has not answered by then is taken for dead and
   * the job runs again elsewhere. Longer than any job (a mail's SMTP timeouts add up to 2 min).
   */
  JOBS_LEASE_SECONDS: positive.min(30).max(86_400).default(300),
  ...webhookSettings,
  ...smsSettings,
  ...attachmentSettings,
});

export type Env = z.infer<typeof schema>;

/** Where production serves the operational endpoints when ADMIN_PORT is unset. */
export const PRODUCTION_ADMIN_PORT = 9090;

export interface Config extends Omit<Env, 'MAIL_TRANSPORT' | 'CACHE_STORE' | 'ADMIN_PORT'> {
  readonly PUBLIC_URL: string;
  readonly UNSUBSCRIBE_SECRET: string;
  /** Resolved: production's default included; undefined keeps the operations on PORT. */
  readonly ADMIN_PORT: number | undefined;
  /** Resolved: never unset (see productionProblems). */
  readonly MAIL_TRANSPORT: 'smtp' | 'log';
  readonly CACHE_STORE: 'redis' | 'memory';
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Empty strings count as unset, so `FOO=` in a .env file means "use the default". */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

export interface LoadOptions {
  /** Tools that never sign tokens (migrate) do not need the production signing key. */
  readonly requireSigningKey?: boolean;
  /** Tools that never send mail (migrate) do not need a mail transport. */
  readonly requireMail?: boolean;
}

/**
 * What production refuses instead of falling back to a development default. Read from the raw
 * values, so one run names every problem, not just the schema's.
 */
function productionProblems(raw: Record<string, string>, options: LoadOptions): string[] {
  if (raw.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if ((options.requireSigningKey ?? true) && raw.JWT_PRIVATE_KEY === undefined) {
    problems.push('JWT_PRIVATE_KEY: required when NODE_ENV=production (no generated dev key)');
  }
  if ((options.requireSigningKey ?? true) && raw.UNSUBSCRIBE_SECRET === undefined) {
    problems.push('UNSUBSCRIBE_SECRET: required when NODE_ENV=production (no dev secret)');
  }
  if (raw.DATABASE_URL === undefined) {
    problems.push(
      'DATABASE_URL: required when NODE_ENV=production (the embedded database is for development)',
    );
  }
  if ((options.requireMail ?? true) && raw.SMTP_URL === undefined && raw.MAIL_TRANSPORT !== 'log') {
    problems.push(
      'SMTP_URL: required when NODE_ENV=production, unless MAIL_TRANSPORT=log (mails only logged)',
    );
  }
  if (raw.REDIS_URL === undefined && raw.CACHE_STORE !== 'memory') {
    problems.push(
      'REDIS_URL: required when NODE_ENV=production, unless CACHE_STORE=memory (one instance only)',
    );
  }
  return problems;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Config {
  const raw = withoutEmpty(env);
  const parsed = schema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...productionProblems(raw, options));
  if (parsed.success && parsed.data.MAIL_TRANSPORT === 'smtp' && !parsed.data.SMTP_URL) {
    problems.push('MAIL_TRANSPORT: smtp needs SMTP_URL');
  }
  if (parsed.success && parsed.data.CACHE_STORE === 'redis' && !parsed.data.REDIS_URL) {
    problems.push('CACHE_STORE: redis needs REDIS_URL');
  }
  // Events reach this process's sockets from another process's dispatcher through Redis only.
  const redisBus =
    parsed.success && parsed.data.REDIS_URL !== undefined && parsed.data.CACHE_STORE !== 'memory';
  if (parsed.success && parsed.data.WORKER_MODE === 'off' && !redisBus) {
    problems.push(
      'WORKER_MODE: off needs Redis (REDIS_URL, not CACHE_STORE=memory): a separate worker reaches this process through Redis pub/sub; without Redis, leave WORKER_MODE=inline (one instance)',
    );
  }
  if (parsed.success) {
    problems.push(
      ...webhookProblems(parsed.data),
      ...smsProblems(parsed.data),
      ...attachmentProblems(parsed.data),
    );
  }
  const adminPort = parsed.success ? adminPortOf(parsed.data) : undefined;
  if (
    parsed.success &&
    adminPort !== undefined &&
    adminPort !== 0 &&
    adminPort === parsed.data.PORT
  ) {
    problems.push(
      `ADMIN_PORT: ${adminPort}${parsed.data.ADMIN_PORT === undefined ? ' (the production default)' : ''} is PORT too: the operational endpoints need a port of their own, set ADMIN_PORT to another one`,
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const config = parsed.data;
  return {
    ...config,
    ADMIN_PORT: adminPort,
    MAIL_TRANSPORT: config.MAIL_TRANSPORT ?? (config.SMTP_URL ? 'smtp' : 'log'),
    CACHE_STORE: config.CACHE_STORE ?? (config.REDIS_URL ? 'redis' : 'memory'),
    PUBLIC_URL: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
    UNSUBSCRIBE_SECRET: config.UNSUBSCRIBE_SECRET ?? 'teamflow-development-unsubscribe-secret',
    ...(config.APP_URL && { APP_URL: config.APP_URL.replace(/\/+$/, '') }),
  };
}

/** Production always has the admin listener; elsewhere only when asked for. */
function adminPortOf(env: Env): number | undefined {
  return env.ADMIN_PORT ?? (env.NODE_ENV === 'production' ? PRODUCTION_ADMIN_PORT : undefined);
}
