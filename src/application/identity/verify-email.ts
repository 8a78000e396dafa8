import { normalizeEmail, type User } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { enqueueEmail } from '../jobs/email.js';
import { verificationEmail } from './emails.js';
import { admitMailRequest, claimRecipientShare, logDroppedMail } from './identity-mail.js';
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

/**
 * Sends a fresh verification email when the address belongs to an unverified account; silent
 * otherwise. As forgotPassword: only the per-address throttle runs before the answer.
 */
export async function resendVerification(
  deps: Pick<
    Deps,
    'repos' | 'uow' | 'clock' | 'ids' | 'secrets' | 'identity' | 'mailLimits' | 'background'
  >,
  input: { readonly email: string; readonly ip?: string | undefined },
): Promise<void> {
  await admitMailRequest(deps, input.ip);
  const email = normalizeEmail(input.email);
  deps.background.run('mail.verification', async (log) => {
    const user = await deps.repos.users.findByEmail(email);
    if (!user || user.emailVerifiedAt) return;
    if (!(await claimRecipientShare(deps, user.email))) return logDroppedMail(log, user.email);
    await deps.uow.run(async (tx) => {
      const token = await issueOneTimeToken(deps, tx, user.id, 'verify_email');
      const mail = verificationEmail(deps.identity.publicUrl, user.name, token);
      await enqueueEmail(deps, tx, { to: user.email, ...mail });
    });
  });
}
