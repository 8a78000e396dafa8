import { isEmailVerified, normalizeEmail, type User } from '../../domain/identity/user.js';
import { ForbiddenError, UnauthenticatedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { admitLoginAttempt } from './login-throttle.js';
import { openSession, type ClientInfo, type TokenPair } from './sessions.js';

export interface LoginInput extends ClientInfo {
  readonly email: string;
  readonly password: string;
}

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * Checks the password and opens a session. The attempt is counted before the password is hashed
 * (login-throttle.ts). Unknown email and wrong password answer alike, in about the same time (a
 * dummy hash is verified).
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
    | 'signals'
  >,
  input: LoginInput,
): Promise<{ user: User } & TokenPair> {
  const email = normalizeEmail(input.email);
  const attempt = await admitLoginAttempt(deps, email, input);

  const found = await deps.repos.users.findCredentials(email);
  const valid = found
    ? await deps.passwords.verify(found.passwordHash, input.password)
    : await deps.passwords.verifyDummy(input.password).then(() => false);
  if (!found || !valid) throw new UnauthenticatedError(BAD_CREDENTIALS);
  await attempt.succeeded();
  if (!isEmailVerified(found.user)) throw new ForbiddenError('Verify your email address first');

  const pair = await openSession(deps, found.user, input);
  return { user: found.user, ...pair };
}
