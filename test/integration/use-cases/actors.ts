// Builders for the people in a use-case test, going through the use cases themselves.
import type { User } from '../../../src/domain/identity/user.js';
import type { UserPrincipal } from '../../../src/domain/identity/principal.js';
import { login } from '../../../src/application/identity/login.js';
import { register } from '../../../src/application/identity/register.js';
import { verifyEmail } from '../../../src/application/identity/verify-email.js';
import { newEmail } from '../../support/builders/use-cases.js';
import type { TestDeps } from './deps.js';

export const PASSWORD = 'correct-horse-battery';

// A user row straight through the repository, and a fresh address: the use-case builder kit's.
export { aUser, newEmail } from '../../support/builders/use-cases.js';

/** The token in the last email sent to `to`, read from its `?token=` link, once jobs have run. */
export async function tokenMailedTo(deps: TestDeps, to: string): Promise<string> {
  await deps.runJobs();
  const message = [...deps.mailer.sent].reverse().find((m) => m.to === to);
  const token = message && /\?token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no token mailed to ${to}`);
  return decodeURIComponent(token);
}

export async function registerVerified(
  deps: TestDeps,
  fields: { email?: string; password?: string } = {},
): Promise<{ user: User; email: string; password: string }> {
  const email = fields.email ?? newEmail();
  const password = fields.password ?? PASSWORD;
  await register(deps, { email, password, name: 'Test User' });
  const user = await verifyEmail(deps, { token: await tokenMailedTo(deps, email) });
  return { user, email, password };
}

export interface SignedIn {
  readonly user: User;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Who the access token names (read from its claims, without touching the session cache). */
  readonly principal: UserPrincipal;
}

/** Logs in as `account` once more: a new session with its own tokens. */
export async function signInAgain(
  deps: TestDeps,
  account: { email: string; password: string },
): Promise<SignedIn> {
  const { user, accessToken, refreshToken } = await login(deps, {
    email: account.email,
    password: account.password,
  });
  const claims = await deps.accessTokens.verify(accessToken);
  return {
    user,
    email: account.email,
    password: account.password,
    accessToken,
    refreshToken,
    principal: { kind: 'user', userId: claims.userId, sessionId: claims.sessionId },
  };
}

/** A verified user with one open session. */
export async function signedIn(
  deps: TestDeps,
  fields: { email?: string; password?: string } = {},
): Promise<SignedIn> {
  return signInAgain(deps, await registerVerified(deps, fields));
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
