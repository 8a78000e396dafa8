import { normalizeEmail, type User } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { verificationEmail } from './emails.js';
import { issueOneTimeToken, redeemOneTimeToken } from './one-time-tokens.js';

export async function verifyEmail(
  deps: Pick<Deps, 'uow' | 'clock' | 'secrets'>,
  input: { readonly token: string },
): Promise<User> {
  return deps.uow.run(async (tx) => {
    const token = await redeemOneTimeToken(deps, tx, 'verify_email', input.token);
    const user = await tx.users.findById(token.userId);
    if (user?.emailVerifiedAt) return user;
    return tx.users.update(token.userId, { emailVerifiedAt: deps.clock.now() }, deps.clock.now());
  });
}

/** Sends a fresh verification email when the address belongs to an unverified account; silent otherwise. */
export async function resendVerification(
  deps: Pick<Deps, 'repos' | 'uow' | 'clock' | 'ids' | 'secrets' | 'mailer' | 'identity'>,
  input: { readonly email: string },
): Promise<void> {
  const user = await deps.repos.users.findByEmail(normalizeEmail(input.email));
  if (!user || user.emailVerifiedAt) return;
  const token = await deps.uow.run((tx) => issueOneTimeToken(deps, tx, user.id, 'verify_email'));
  // Not awaited: the answer must take as long for an unknown address as for a known one.
  void deps.mailer
    .send({ to: user.email, ...verificationEmail(deps.identity.publicUrl, user.name, token) })
    .catch(() => undefined);
}
