// Logging in: the password opens a session; failures answer alike and are throttled per (email,
// address) and per address before any hashing; the email alone is only slowed down.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { login } from '../../../../src/application/identity/login.js';
import { memoryRateLimiter } from '../../../../src/adapters/memory/memory-rate-limiter.js';
import type { PasswordHasher } from '../../../../src/application/identity/ports.js';
import { register } from '../../../../src/application/identity/register.js';
import {
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from '../../../../src/domain/shared/errors.js';
import { uniqueTag } from '../../../support/env.js';
import { newEmail, PASSWORD, registerVerified, rejectionOf } from '../actors.js';
import {
  depsOfThisFile,
  LOGIN_FAILURES_PER_EMAIL_AND_IP,
  LOGIN_FAILURES_PER_EMAIL_PER_MINUTE,
  type TestDeps,
} from '../deps.js';

const deps = depsOfThisFile();

/** Each test logs in from addresses of its own, so the per-IP counter of one never throttles another. */
let addresses = 0;
const newIp = () => {
  addresses += 1;
  return `198.51.${100 + Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
};

async function failTimes(times: number, email: string, ip: string, deviceId?: string) {
  for (let i = 0; i < times; i++) {
    await expect(
      login(deps, { email, password: 'wrong-password', ip, deviceId }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  }
}

/** The deps with a hasher that counts the passwords it checks (argon2 and the dummy alike). */
function countingHashes(): { deps: TestDeps; checked: () => number } {
  let checked = 0;
  const passwords: PasswordHasher = {
    hash: (password) => deps.passwords.hash(password),
    verify: (hash, password) => {
      checked += 1;
      return deps.passwords.verify(hash, password);
    },
    verifyDummy: (password) => {
      checked += 1;
      return deps.passwords.verifyDummy(password);
    },
  };
  return { deps: { ...deps, passwords }, checked: () => checked };
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

describe('login throttling per email and address', () => {
  it(`refuses with RateLimitedError after ${LOGIN_FAILURES_PER_EMAIL_AND_IP} failures from one address, even the right password`, async () => {
    const { email } = await registerVerified(deps);
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP, email, ip);

    const refused = await rejectionOf(login(deps, { email, password: PASSWORD, ip }));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('lets the owner sign in from another address while the attacker’s address is throttled', async () => {
    const { email } = await registerVerified(deps);
    const attacker = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP, email, attacker);
    await expect(
      login(deps, { email, password: 'wrong-password', ip: attacker }),
    ).rejects.toBeInstanceOf(RateLimitedError);

    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).resolves.toMatchObject({
      user: { email },
    });
    // And the attacker stays throttled.
    await expect(login(deps, { email, password: PASSWORD, ip: attacker })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it(`lets at most ${LOGIN_FAILURES_PER_EMAIL_AND_IP} of 200 concurrent wrong passwords reach the hasher`, async () => {
    const { email } = await registerVerified(deps);
    const counted = countingHashes();
    const ip = newIp();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        login(counted.deps, { email, password: 'wrong-password', ip }),
      ),
    );
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value));
    expect(counted.checked()).toBe(LOGIN_FAILURES_PER_EMAIL_AND_IP);
    expect(reasons.filter((r) => r instanceof UnauthenticatedError)).toHaveLength(
      LOGIN_FAILURES_PER_EMAIL_AND_IP,
    );
    expect(reasons.filter((r) => r instanceof RateLimitedError)).toHaveLength(
      200 - LOGIN_FAILURES_PER_EMAIL_AND_IP,
    );
  });

  it('counts failures per email, whatever the case it was typed in', async () => {
    const { email } = await registerVerified(deps);
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP, email.toUpperCase(), ip);
    await expect(login(deps, { email, password: PASSWORD, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('throttles an unknown email as it would a known one', async () => {
    const email = newEmail();
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP, email, ip);
    await expect(login(deps, { email, password: PASSWORD, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('does not throttle another email from the same address', async () => {
    const { email: victim } = await registerVerified(deps);
    const other = await registerVerified(deps);
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP, victim, ip);
    await expect(
      login(deps, { email: other.email, password: PASSWORD, ip }),
    ).resolves.toMatchObject({ user: { email: other.email } });
  });

  it('starts the count afresh after a successful login', async () => {
    const { email } = await registerVerified(deps);
    const ip = newIp();
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP - 1, email, ip);
    await login(deps, { email, password: PASSWORD, ip });
    // Without the reset this would be failure number 2 × (limit − 1), well over the limit.
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP - 1, email, ip);
    await expect(login(deps, { email, password: PASSWORD, ip })).resolves.toMatchObject({
      user: { email },
    });
  });

  /** The deps with a per-address limit of 3, so a test reaches it in a few logins. */
  const smallAddressLimit = (): TestDeps => ({
    ...deps,
    loginLimits: {
      ...deps.loginLimits,
      byIp: memoryRateLimiter({ keyPrefix: `ip-${uniqueTag()}`, points: 3, durationSeconds: 900 }),
    },
  });

  it('throttles one IP trying many emails once it reaches its own limit', async () => {
    const small = smallAddressLimit();
    const ip = newIp();
    for (let i = 0; i < small.loginLimits.byIp.points; i++) {
      await expect(
        login(small, { email: newEmail(), password: 'wrong-password', ip }),
      ).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    const { email } = await registerVerified(deps);
    await expect(login(small, { email, password: PASSWORD, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await expect(login(small, { email, password: PASSWORD, ip: newIp() })).resolves.toBeDefined();
  });

  it('does not count successful logins against the address', async () => {
    const small = smallAddressLimit();
    const { email } = await registerVerified(deps);
    const ip = newIp();
    for (let i = 0; i < small.loginLimits.byIp.points + 2; i++) {
      await login(small, { email, password: PASSWORD, ip });
    }
    await expect(
      login(small, { email: newEmail(), password: 'wrong-password', ip }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('login slow-down per email across addresses', () => {
  /** Spends the email's budget from as many addresses as it takes, none of them reaching its own limit. */
  async function spendEmailBudget(email: string) {
    for (let i = 0; i < LOGIN_FAILURES_PER_EMAIL_PER_MINUTE; i += 2) {
      await failTimes(Math.min(2, LOGIN_FAILURES_PER_EMAIL_PER_MINUTE - i), email, newIp());
    }
  }

  it(`slows an email down after ${LOGIN_FAILURES_PER_EMAIL_PER_MINUTE} failures from many addresses: 429 for at most a minute`, async () => {
    const { email } = await registerVerified(deps);
    await spendEmailBudget(email);

    const refused = await rejectionOf(login(deps, { email, password: PASSWORD, ip: newIp() }));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('slows an unknown email down as it would a known one', async () => {
    const email = newEmail();
    await spendEmailBudget(email);
    await expect(login(deps, { email, password: PASSWORD, ip: newIp() })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('lets a device that signed in before through the slow-down', async () => {
    const { email } = await registerVerified(deps);
    const deviceId = `laptop-${randomUUID()}`;
    await login(deps, { email, password: PASSWORD, ip: newIp(), deviceId });
    await spendEmailBudget(email);

    const ip = newIp();
    await expect(login(deps, { email, password: PASSWORD, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await expect(login(deps, { email, password: PASSWORD, ip, deviceId })).resolves.toMatchObject({
      user: { email },
    });
  });

  it('does not let a device id unknown to this email through', async () => {
    const { email } = await registerVerified(deps);
    const other = await registerVerified(deps);
    const deviceId = `phone-${randomUUID()}`;
    await login(deps, { email: other.email, password: PASSWORD, ip: newIp(), deviceId });
    await spendEmailBudget(email);
    await expect(
      login(deps, { email, password: PASSWORD, ip: newIp(), deviceId }),
    ).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('costs the slowed-down address nothing: its own count stays untouched', async () => {
    const { email } = await registerVerified(deps);
    const deviceId = `tablet-${randomUUID()}`;
    await login(deps, { email, password: PASSWORD, ip: newIp(), deviceId });
    await spendEmailBudget(email);

    const owner = newIp();
    for (let i = 0; i < LOGIN_FAILURES_PER_EMAIL_AND_IP + 3; i++) {
      await expect(login(deps, { email, password: PASSWORD, ip: owner })).rejects.toBeInstanceOf(
        RateLimitedError,
      );
    }
    // Had those refusals counted, this address would now be throttled for the whole window.
    await failTimes(LOGIN_FAILURES_PER_EMAIL_AND_IP - 1, email, owner, deviceId);
    await expect(
      login(deps, { email, password: PASSWORD, ip: owner, deviceId }),
    ).resolves.toMatchObject({ user: { email } });
  });
});
