// The real application on a real listening socket, over this file's own database (and Redis
// under its own key prefix when the run has one), with mail captured by the log mailer.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { logMailer } from '../../src/adapters/mail/log-mailer.js';
import type { MailMessage } from '../../src/application/identity/ports.js';
import { compose, type Application, type ComposeOverrides } from '../../src/bootstrap/compose.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { CHEAP_ARGON2_PARAMS } from './argon2.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testRedisUrl, uniqueTag } from './env.js';
import { deleteByPrefix } from './redis.js';

export interface TestApp {
  readonly app: Application;
  readonly database: TestDatabase;
  readonly baseUrl: string;
  /** The admin listener's address when ADMIN_PORT is set ('0': a free port), else undefined. */
  readonly adminUrl: string | undefined;
  /** Every email the app sent, oldest first. */
  readonly mail: MailMessage[];
  /**
   * Resolves once the mail the requests so far asked for has been sent: the background work that
   * enqueues it has ended and the app's job runner has run every due job (inline worker only).
   */
  mailSent(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  /** Or a function of the test's database, for overrides that need to reach it. */
  overrides: ComposeOverrides | ((database: TestDatabase) => ComposeOverrides) = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-test-'));
  const prefix = `test:${uniqueTag()}:`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Every test request comes from 127.0.0.1 and a file registers dozens of people: the
    // per-address mail throttle is raised here; throttle tests set their own limits.
    AUTH_MAIL_MAX_PER_IP: '1000000',
    // Far above what any test file sends from 127.0.0.1; rate-limit.test.ts lowers them.
    RATE_LIMIT_PER_ADDRESS: '1000000',
    RATE_LIMIT_PER_PRINCIPAL: '1000000',
    // A generous command timeout: a busy test machine must not trip the cache's circuit breaker
    // (and turn cache hits into database reads) in tests that are not about a stalled Redis.
    ...(testRedisUrl && {
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      REDIS_LIMITER_TIMEOUT_MS: '1000',
    }),
    ...env,
  });
  const mailer = logMailer({ info: () => undefined });
  const app = await compose(config, {
    database: database.handle,
    logger: pino({ level: config.LOG_LEVEL }),
    mailer,
    // Cheap hashing (see argon2.ts); a test of the real parameters passes its own.
    argon2: CHEAP_ARGON2_PARAMS,
    ...(typeof overrides === 'function' ? overrides(database) : overrides),
  });
  const port = await app.start();
  const adminPort = app.adminPort();
  return {
    app,
    database,
    baseUrl: `http://127.0.0.1:${port}`,
    adminUrl: adminPort === undefined ? undefined : `http://127.0.0.1:${adminPort}`,
    mail: mailer.sent,
    async mailSent() {
      await app.deps.background.idle();
      await app.jobs.runner?.settled();
    },
    async close() {
      await app.stop();
      await database.close();
      // Only the run's own Redis holds keys of ours; a test may point REDIS_URL elsewhere.
      if (testRedisUrl && config.REDIS_URL === testRedisUrl) {
        const redis = new Redis(config.REDIS_URL);
        await deleteByPrefix(redis, prefix);
        await redis.quit();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
