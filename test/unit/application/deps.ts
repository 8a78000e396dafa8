// The deps every use-case test runs on: the real Kysely repositories over this file's own
// database, the real security adapters, in-process cache and login limits, a clock the test
// moves by hand, and a mailer whose messages the test reads.
import { logMailer } from '../../../src/adapters/mail/log-mailer.js';
import { memoryCache } from '../../../src/adapters/memory/memory-cache.js';
import { memoryRateLimiter } from '../../../src/adapters/memory/memory-rate-limiter.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresIdempotencyStore } from '../../../src/adapters/postgres/idempotency-store.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher.js';
import { joseAccessTokens } from '../../../src/adapters/security/jose-access-tokens.js';
import { generateEd25519Jwk } from '../../../src/adapters/security/jwt-keys.js';
import { cryptoSecretTokens } from '../../../src/adapters/security/secret-tokens.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Deps } from '../../../src/application/deps.js';
import type { MailMessage, Mailer } from '../../../src/application/identity/ports.js';
import type { Cache, Clock } from '../../../src/application/shared/ports.js';
import { uniqueTag } from '../../support/env.js';

export const PUBLIC_URL = 'https://teamflow.test';
export const LOGIN_FAILURES_PER_EMAIL = 5;
export const LOGIN_FAILURES_PER_IP = 50;

/** A clock that stands still until the test moves it. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(start: Date = new Date()): FakeClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

export interface TestDeps extends Deps {
  readonly clock: FakeClock;
  readonly cache: Cache;
  readonly mailer: Mailer & { readonly sent: MailMessage[] };
}

export interface TestDepsOptions {
  readonly maxSessionsPerUser?: number;
}

export async function buildDeps(db: Db, options: TestDepsOptions = {}): Promise<TestDeps> {
  const limiter = (name: string, points: number) =>
    memoryRateLimiter({ keyPrefix: `${name}-${uniqueTag()}`, points, durationSeconds: 900 });
  const clock = fakeClock();
  return {
    repos: postgresRepositories(db),
    uow: postgresUnitOfWork(db),
    clock,
    ids: uuidV7Ids,
    cache: memoryCache({ maxEntries: 1000 }),
    passwords: argon2PasswordHasher(),
    accessTokens: await joseAccessTokens({
      privateJwk: await generateEd25519Jwk(),
      issuer: 'teamflow',
      audience: 'teamflow',
      clock,
    }),
    secrets: cryptoSecretTokens(),
    mailer: logMailer({ info: () => undefined }),
    loginLimits: {
      byEmail: limiter('login-fail-email', LOGIN_FAILURES_PER_EMAIL),
      byIp: limiter('login-fail-ip', LOGIN_FAILURES_PER_IP),
    },
    identity: { publicUrl: PUBLIC_URL, maxSessionsPerUser: options.maxSessionsPerUser ?? 3 },
    idempotency: postgresIdempotencyStore(db),
  };
}
