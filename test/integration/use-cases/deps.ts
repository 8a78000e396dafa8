// The deps every use-case test runs on: the real Kysely repositories over this file's own
// database, the real security adapters, in-process cache, limits and background work, a clock
// the test moves by hand, argon2 at its cheapest parameters (test/support/argon2.ts), and a
// mailer and an SMS sender whose messages the test reads.
import { logMailer } from '../../../src/adapters/mail/log-mailer.js';
import { logSmsSender } from '../../../src/adapters/sms/log-sms-sender.js';
import { fileTypeSniffer } from '../../../src/adapters/blobs/file-type-sniffer.js';
import { passingScanner } from '../../../src/adapters/blobs/scanners.js';
import { memoryBlobStore } from '../../../src/adapters/memory/memory-blob-store.js';
import { memoryCache } from '../../../src/adapters/memory/memory-cache.js';
import { memoryEventBus } from '../../../src/adapters/memory/memory-event-bus.js';
import { memoryRateLimiter } from '../../../src/adapters/memory/memory-rate-limiter.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresIdempotencyStore } from '../../../src/adapters/postgres/idempotency-store.js';
import { postgresJobQueue } from '../../../src/adapters/postgres/job-queue.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher.js';
import { joseAccessTokens } from '../../../src/adapters/security/jose-access-tokens.js';
import { generateEd25519Jwk } from '../../../src/adapters/security/jwt-keys.js';
import { hmacUnsubscribeTokens } from '../../../src/adapters/security/hmac-unsubscribe-tokens.js';
import { cryptoSecretTokens } from '../../../src/adapters/security/secret-tokens.js';
import { inProcessBackgroundWork } from '../../../src/adapters/system/background-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { webhookUrlGuard } from '../../../src/adapters/webhooks/address-guard.js';
import type { AttachmentSettings } from '../../../src/application/attachments/ports.js';
import type { Deps } from '../../../src/application/deps.js';
import type { EventBus } from '../../../src/application/events/ports.js';
import type { MailMessage, Mailer } from '../../../src/application/identity/ports.js';
import { EMAIL_JOB, emailHandler } from '../../../src/application/jobs/email.js';
import type { JobQueue } from '../../../src/application/jobs/ports.js';
import { runDueJobs } from '../../../src/application/jobs/run-jobs.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/domain/jobs/retry.js';
import type { Cache, Logger } from '../../../src/application/shared/ports.js';
import type { SmsMessage, SmsSender } from '../../../src/application/shared/sms.js';
import { afterAll, beforeAll } from 'vitest';
import { CHEAP_ARGON2_PARAMS } from '../../support/argon2.js';
import { fakeClock, type FakeClock } from '../../support/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { uniqueTag } from '../../support/env.js';

export const PUBLIC_URL = 'https://teamflow.test';
export const LOGIN_FAILURES_PER_EMAIL_AND_IP = 5;
export const LOGIN_FAILURES_PER_IP = 50;
export const LOGIN_FAILURES_PER_EMAIL_PER_MINUTE = 10;
export const MAILS_PER_RECIPIENT = 5;
export const PHONE_CODES_PER_USER = 5;
export const PHONE_CODES_PER_NUMBER = 5;

export { fakeClock, type FakeClock };

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string | undefined;
  readonly fields: object;
}

/** A Logger that keeps what it is told, bindings of its children included. */
export function recordingLogger(entries: LogEntry[] = [], bindings: object = {}): Logger {
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, msg, fields: { ...bindings, ...obj } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

export interface TestDeps extends Deps {
  readonly clock: FakeClock;
  readonly cache: Cache;
  /** What the worker sends mail jobs through (see runJobs). */
  readonly mailer: Mailer & { readonly sent: MailMessage[] };
  /** The in-process bus: a test listens to the signals a use case sends. */
  readonly signals: EventBus;
  readonly jobs: JobQueue;
  /**
   * What the worker would do now: once the background work has ended, runs every due job (the
   * email handler over `mailer`) until none is left.
   */
  runJobs(): Promise<void>;
  readonly sms: SmsSender & { readonly sent: SmsMessage[] };
  /** What background work and jobs logged (failures, dropped mail). */
  readonly logs: LogEntry[];
  /** Blobs in memory (`keys()` lists them); 1 MiB a file, 4 MiB an organization. */
  readonly attachments: AttachmentSettings & {
    readonly blobs: ReturnType<typeof memoryBlobStore>;
  };
}

export interface TestDepsOptions {
  readonly maxSessionsPerUser?: number;
  /**
   * Mail-sending requests per client address. Builders register without an address, so all of a
   * file's registrations count as one address: unlimited unless a test sets it.
   */
  readonly mailRequestsPerIp?: number;
  /** Public status lookups per client address (unlimited unless a test sets it). */
  readonly publicStatusLookupsPerIp?: number;
}

export async function buildDeps(db: Db, options: TestDepsOptions = {}): Promise<TestDeps> {
  const limiter = (name: string, points: number, durationSeconds = 900) =>
    memoryRateLimiter({ keyPrefix: `${name}-${uniqueTag()}`, points, durationSeconds });
  const clock = fakeClock();
  const logs: LogEntry[] = [];
  const mailer = logMailer({ info: () => undefined });
  const jobs = postgresJobQueue(db);
  const background = inProcessBackgroundWork(recordingLogger(logs));
  const runner = {
    jobs,
    handlers: { [EMAIL_JOB]: emailHandler(mailer, 'teamflow.test') },
    clock,
    random: () => 0.5,
    retry: DEFAULT_RETRY_POLICY,
    logger: recordingLogger(logs),
  };
  return {
    repos: postgresRepositories(db),
    uow: postgresUnitOfWork(db),
    clock,
    ids: uuidV7Ids,
    cache: memoryCache({ maxEntries: 1000, clock }),
    unsubscribeTokens: hmacUnsubscribeTokens('use-case-tests-unsubscribe-secret-0123456789'),
    // Cheap parameters: what the OWASP ones do is the hasher's own tests' business.
    passwords: argon2PasswordHasher(CHEAP_ARGON2_PARAMS),
    accessTokens: await joseAccessTokens({
      privateJwk: await generateEd25519Jwk(),
      issuer: 'teamflow',
      audience: 'teamflow',
      clock,
    }),
    secrets: cryptoSecretTokens(),
    mailer,
    jobs,
    async runJobs() {
      await background.idle();
      const options = { worker: 'use-case-test', leaseMs: 60_000, batchSize: 50 };
      while ((await runDueJobs(runner, options)) > 0);
    },
    sms: logSmsSender({ info: () => undefined }),
    loginLimits: {
      byEmailAndIp: limiter('login-fail-email-ip', LOGIN_FAILURES_PER_EMAIL_AND_IP),
      byIp: limiter('login-fail-ip', LOGIN_FAILURES_PER_IP),
      byEmail: limiter('login-fail-email', LOGIN_FAILURES_PER_EMAIL_PER_MINUTE, 60),
    },
    mailLimits: {
      byIp: limiter('auth-mail-ip', options.mailRequestsPerIp ?? 1_000_000, 3600),
      byRecipient: limiter('auth-mail-to', MAILS_PER_RECIPIENT, 3600),
    },
    phoneCodeLimits: {
      byUser: limiter('phone-code-user', PHONE_CODES_PER_USER, 3600),
      byNumber: limiter('phone-code-number', PHONE_CODES_PER_NUMBER, 3600),
    },
    analyticsCacheSeconds: 0,
    publicStatusLimit: limiter(
      'public-status-ip',
      options.publicStatusLookupsPerIp ?? 1_000_000,
      60,
    ),
    notifications: { email: true, sms: false },
    background,
    logs,
    identity: { publicUrl: PUBLIC_URL, maxSessionsPerUser: options.maxSessionsPerUser ?? 3 },
    idempotency: postgresIdempotencyStore(db),
    signals: memoryEventBus(),
    webhooks: {
      urlGuard: webhookUrlGuard({ allowPrivateNetworks: false }),
      secretOverlapMs: 86_400_000,
    },
    attachments: {
      blobs: memoryBlobStore(),
      sniffer: fileTypeSniffer,
      scanner: passingScanner,
      maxBytes: 1024 * 1024,
      quotaBytes: 4 * 1024 * 1024,
      uploadGraceMs: 3_600_000,
    },
  };
}

/**
 * The deps of a test file over a database of its own: made before the file's tests run, the
 * database closed after them. Call at the top of the file.
 */
export function depsOfThisFile(options: TestDepsOptions = {}): TestDeps {
  const deps = {} as TestDeps;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    Object.assign(deps, await buildDeps(database.handle.db, options));
  });
  afterAll(async () => {
    await database?.close();
  });
  return deps;
}
