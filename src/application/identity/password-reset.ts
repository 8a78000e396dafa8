import { assertAcceptablePassword, normalizeEmail } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { enqueueEmail } from '../jobs/email.js';
import { passwordResetEmail } from './emails.js';
import { admitMailRequest, claimRecipientShare, logDroppedMail } from './identity-mail.js';
import { issueOneTimeToken, redeemOneTimeToken } from './one-time-tokens.js';
import { forgetSessions } from './sessions.js';

/**
 * Emails a reset token when the address has an account. Only the per-address throttle runs on
 * the request path; the lookup, the token and the mail's job happen after the answer, which is the same
 * whether or not the address has an account.
 */
export async function forgotPassword(
  deps: Pick<
    Deps,
    'repos' | 'uow' | 'clock' | 'ids' | 'secrets' | 'identity' | 'mailLimits' | 'background'
  >,
  input: { readonly email: string; readonly ip?: string | undefined },
): Promise<void> {
  await admitMailRequest(deps, input.ip);
  const email = normalizeEmail(input.email);
  deps.background.run('mail.password-reset', async (log) => {
    const user = await deps.repos.users.findByEmail(email);
    if (!user) return;
    if (!(await claimRecipientShare(deps, user.email))) return logDroppedMail(log, user.email);
    // The token and its mail commit together: no mail announces a token that rolled back.
    await deps.uow.run(async (tx) => {
      const token = await issueOneTimeToken(deps, tx, user.id, 'reset_password');
      const mail = passwordResetEmail(deps.identity.publicUrl, user.name, token);
      await enqueueEmail(deps, tx, { to: user.email, ...mail });
    });
  });
}

/** Sets a new password from an emailed token and ends every session of the account. */
export async function resetPassword(
  deps: Pick<Deps, 'uow' | 'clock' | 'secrets' | 'passwords' | 'cache' | 'signals'>,
  input: { readonly token: string; readonly password: string },
): Promise<void> {
  assertAcceptablePassword(input.password);
  const passwordHash = await deps.passwords.hash(input.password);
  const revoked = await deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const token = await redeemOneTimeToken(deps, tx, 'reset_password', input.token);
    const user = await tx.users.findById(token.userId);
    // The emailed token proves the address, so an unverified account becomes verified.
    await tx.users.update(
      token.userId,
      { passwordHash, ...(user?.emailVerifiedAt ? {} : { emailVerifiedAt: now }) },
      now,
    );
    return tx.sessions.revokeAll(token.userId, now, 'password_reset');
  });
  await forgetSessions(deps, revoked);
}
