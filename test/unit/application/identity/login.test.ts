// Logging in: the password opens a session; failures answer alike and are throttled per email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../../../src/application/identity/login.js';
import { register } from '../../../../src/application/identity/register.js';
import {
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { newEmail, PASSWORD, registerVerified, rejectionOf } from '../actors.js';
import { buildDeps, LOGIN_FAILURES_PER_EMAIL, type TestDeps } from '../deps.js';

let database: TestDatabase;
let deps: TestDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = await buildDeps(database.handle.db);
});
afterAll(async () => {
  await database.close();
});

/** Each test logs in from its own address, so the per-IP counter of one never throttles another. */
let lastOctet = 0;
const newIp = () => `198.51.100.${++lastOctet}`;

async function failTimes(times: number, email: string, ip: string) {
  for (let i = 0; i < times; i++) {
    await expect(login(deps, { email, password: 'wrong-password', ip })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  }
}

describe('login', () => {
  it('opens a session for the right password and returns the user with a token pair', async () => {
    const { user, email } = await registerVerified(deps);
    const result = await login(deps, {
      email: email.toUpperCase(),
      password: PASSWORD,
      ip: newIp(),
      userAgent: 'vitest',
      deviceId: 'laptop',
    });

    expect(result.user).toEqual(user);
    expect(result.expiresIn).toBe(900);
    expect(result.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = await deps.accessTokens.verify(result.accessToken);
    expect(claims.userId).toBe(user.id);
    const [session, ...others] = await deps.repos.sessions.listActive(user.id, deps.clock.now());
    expect(others).toEqual([]);
    expect(session).toMatchObject({
      id: claims.sessionId,
      userAgent: 'vitest',
      deviceId: 'laptop',
      createdAt: deps.clock.now(),
    });
  });

  it('refuses the right password of an unverified account with ForbiddenError', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('answers a wrong password for an unverified account with UnauthenticatedError, not Forbidden', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    await expect(
      login(deps, { email, password: 'wrong-password', ip: newIp() }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('answers a wrong password and an unknown email with the same UnauthenticatedError', async () => {
    const { email } = await registerVerified(deps);
    const wrong = await rejectionOf(login(deps, { email, password: 'wrong-pass', ip: newIp() }));
    const unknown = await rejectionOf(
      login(deps, { email: newEmail(), password: PASSWORD, ip: newIp() }),
    );
    expect(wrong).toBeInstanceOf(UnauthenticatedError);
    expect(unknown).toBeInstanceOf(UnauthenticatedError);
    expect((unknown as Error).message).toBe((wrong as Error).message);
  });

  it('opens no session when the password is wrong', async () => {
    const { user, email } = await registerVerified(deps);
    await failTimes(1, email, newIp());
    expect(await deps.repos.sessions.listActive(user.id, deps.clock.now())).toEqual([]);
  });
});

describe('login throttling', () => {
  it(`refuses with RateLimitedError after ${LOGIN_FAILURES_PER_EMAIL} failures, even the right password`, async () => {
    const { email } = await registerVerified(deps);
    await failTimes(LOGIN_FAILURES_PER_EMAIL, email, newIp());

    const refused = await rejectionOf(login(deps, { email, password: PASSWORD, ip: newIp() }));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('counts failures per email, whatever the case it was typed in', async () => {
    const { email } = await registerVerified(deps);
    await failTimes(LOGIN_FAILURES_PER_EMAIL, email.toUpperCase(), newIp());
    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('throttles an unknown email as it would a known one', async () => {
    const email = newEmail();
    await failTimes(LOGIN_FAILURES_PER_EMAIL, email, newIp());
    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('does not throttle another email', async () => {
    const { email: victim } = await registerVerified(deps);
    const other = await registerVerified(deps);
    await failTimes(LOGIN_FAILURES_PER_EMAIL, victim, newIp());
    await expect(
      login(deps, { email: other.email, password: PASSWORD, ip: newIp() }),
    ).resolves.toMatchObject({ user: { email: other.email } });
  });

  it('starts the per-email count afresh after a successful login', async () => {
    const { email } = await registerVerified(deps);
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL - 1, email, ip);
    await login(deps, { email, password: PASSWORD, ip });
    // Without the reset this would be failure number 2 × (limit − 1), well over the limit.
    await failTimes(LOGIN_FAILURES_PER_EMAIL - 1, email, ip);
    await expect(login(deps, { email, password: PASSWORD, ip })).resolves.toMatchObject({
      user: { email },
    });
  });

  it('throttles one IP trying many emails once it reaches its own limit', async () => {
    const ip = '203.0.113.7';
    const limit = deps.loginLimits.byIp.points;
    for (let i = 0; i < limit; i++) {
      await expect(
        login(deps, { email: newEmail(), password: 'wrong-password', ip }),
      ).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    const { email } = await registerVerified(deps);
    await expect(login(deps, { email, password: PASSWORD, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).resolves.toBeDefined();
  });
});
