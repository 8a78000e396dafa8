// Login throttling after OWASP's authentication guidance: every attempt is counted before its
// password is hashed, per (email, client address) and per address; the per-email count across
// addresses only slows guessing down, and a device that signed in before is not slowed.
import { SESSION_TTL_MS } from '../../domain/identity/session.js';
import { RateLimitedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { RateLimitDecision, RateLimiter } from '../shared/ports.js';

const TOO_MANY = 'Too many failed login attempts; try again later';

/** An attempt allowed to check its password; tell it how the check went. */
export interface LoginAttempt {
  /** The password was right: the attempt's points come back and the device is remembered. */
  succeeded(): Promise<void>;
}

type Counted = readonly [RateLimiter, string];

/**
 * Counts the attempt (a consume refused over the limit, so concurrent attempts cannot all slip
 * through between a check and a count) and throws RateLimitedError when a limit is spent.
 */
export async function admitLoginAttempt(
  deps: Pick<Deps, 'loginLimits' | 'cache' | 'secrets'>,
  email: string,
  client: { readonly ip?: string | undefined; readonly deviceId?: string | undefined },
): Promise<LoginAttempt> {
  const limits = deps.loginLimits;
  const ip = client.ip ?? 'unknown';
  // JSON keeps the pair unambiguous whatever characters the email holds.
  const local: Counted[] = [
    [limits.byEmailAndIp, JSON.stringify([email, ip])],
    [limits.byIp, ip],
  ];
  await consumeAll(local);

  const deviceKey =
    client.deviceId === undefined ? undefined : knownDeviceKey(deps, email, client.deviceId);
  const isKnownDevice = deviceKey !== undefined && (await isRemembered(deps, deviceKey));
  const everywhere: Counted[] = isKnownDevice ? [] : [[limits.byEmail, email]];
  try {
    await consumeAll(everywhere);
  } catch (error) {
    // Slowed down, not guessed: the owner's own address must not lock itself out waiting.
    await refundAll(local);
    throw error;
  }

  return {
    async succeeded() {
      await Promise.all([
        limits.byEmailAndIp.reset(JSON.stringify([email, ip])),
        refundAll([[limits.byIp, ip], ...everywhere]),
        deviceKey && deps.cache.set(deviceKey, true, SESSION_TTL_MS / 1000),
      ]).catch(() => undefined);
    },
  };
}

/** Consumes one point of each; if any refuses, gives back the others and throws. */
async function consumeAll(counted: readonly Counted[]): Promise<void> {
  const decisions = await Promise.all(counted.map(([limiter, key]) => limiter.consume(key)));
  const refused = decisions.filter((d) => !d.allowed);
  if (refused.length === 0) return;
  await refundAll(counted.filter((_, i) => decisions[i]!.allowed));
  throw new RateLimitedError(longestWait(refused), TOO_MANY);
}

async function refundAll(counted: readonly Counted[]): Promise<void> {
  await Promise.all(counted.map(([limiter, key]) => limiter.refund(key))).catch(() => undefined);
}

const longestWait = (decisions: readonly RateLimitDecision[]) =>
  Math.max(...decisions.map((d) => d.resetSeconds));

/** Hashed: the cache never holds an email or a device id in clear. */
const knownDeviceKey = (deps: Pick<Deps, 'secrets'>, email: string, deviceId: string) =>
  `login-device:${deps.secrets.hash(JSON.stringify([email, deviceId]))}`;

/** A cache miss or failure only costs the bypass, never a login. */
async function isRemembered(deps: Pick<Deps, 'cache'>, key: string): Promise<boolean> {
  return (await deps.cache.get<boolean>(key).catch(() => undefined)) === true;
}
