import { isEmailVerified, normalizeEmail, type User } from '../../domain/identity/user.js';
import {
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { openSession, type ClientInfo, type TokenPair } from './sessions.js';

export interface LoginInput extends ClientInfo {
  readonly email: string;
  readonly password: string;
}

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * Checks the password and opens a session. Unknown email and wrong password answer alike, in
 * about the same time (a dummy hash is verified); failures count per email and per IP.
 */
export async function login(
  deps: Pick<
    Deps,
    | 'repos'
    | 'uow'
    | 'clock'
    | 'ids'
    | 'secrets'
    | 'accessTokens'
    | 'cache'
    | 'identity'
    | 'passwords'
    | 'loginLimits'
  >,
  input: LoginInput,
): Promise<{ user: User } & TokenPair> {
  const email = normalizeEmail(input.email);
  const ip = input.ip ?? 'unknown';
  await refuseWhenThrottled(deps, email, ip);

  const found = await deps.repos.users.findCredentials(email);
  const valid = found
    ? await deps.passwords.verify(found.passwordHash, input.password)
    : await deps.passwords.verifyDummy(input.password).then(() => false);
  if (!found || !valid) {
    await recordFailure(deps, email, ip);
    throw new UnauthenticatedError(BAD_CREDENTIALS);
  }
  await deps.loginLimits.byEmail.reset(email).catch(() => undefined);
  if (!isEmailVerified(found.user)) throw new ForbiddenError('Verify your email address first');

  const pair = await openSession(deps, found.user, input);
  return { user: found.user, ...pair };
}

async function refuseWhenThrottled(deps: Pick<Deps, 'loginLimits'>, email: string, ip: string) {
  const [byEmail, byIp] = await Promise.all([
    deps.loginLimits.byEmail.peek(email),
    deps.loginLimits.byIp.peek(ip),
  ]);
  const blocked = [byEmail, byIp].filter((d) => d.remaining <= 0);
  if (blocked.length > 0) {
    throw new RateLimitedError(
      Math.max(...blocked.map((d) => d.resetSeconds)),
      'Too many failed login attempts; try again later',
    );
  }
}

async function recordFailure(deps: Pick<Deps, 'loginLimits'>, email: string, ip: string) {
  await Promise.all([deps.loginLimits.byEmail.consume(email), deps.loginLimits.byIp.consume(ip)]);
}
