// The requests that send identity mail (register, resend-verification, forgot-password): throttled
// per client address and per recipient. The mail itself is a job (application/jobs/email.ts), sent
// by the worker after the commit, never inside the request: known and unknown addresses answer
// alike in content and in time, and a slow or failing SMTP server holds no request.
import { RateLimitedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../shared/ports.js';

/**
 * Counts one mail-sending request from the client address; over the limit, RateLimitedError
 * (429). It counts every request alike, whatever the email, so it tells nothing about accounts.
 */
export async function admitMailRequest(
  deps: Pick<Deps, 'mailLimits'>,
  ip: string | undefined,
): Promise<void> {
  const decision = await deps.mailLimits.byIp.consume(ip ?? 'unknown');
  if (!decision.allowed) {
    throw new RateLimitedError(decision.resetSeconds, 'Too many requests; try again later');
  }
}

/**
 * Claims one of the recipient's mails in the window. Over its share the mail is dropped rather
 * than refused: a 429 would tell a caller that someone asked for mail to this address lately.
 */
export async function claimRecipientShare(
  deps: Pick<Deps, 'mailLimits'>,
  to: string,
): Promise<boolean> {
  return (await deps.mailLimits.byRecipient.consume(to)).allowed;
}

export function logDroppedMail(log: Logger, to: string): void {
  log.warn({ to }, 'mail dropped: the recipient had its share of mail for now');
}

/** Logs, off the request path like the mail it replaces, that a mail was dropped. */
export function dropMail(deps: Pick<Deps, 'background'>, job: string, to: string): void {
  deps.background.run(job, (log) => Promise.resolve(logDroppedMail(log, to)));
}
