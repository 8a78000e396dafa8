// The requests that send identity mail (register, resend-verification, forgot-password): throttled
// per client address and per recipient, and the mail sent off the request path, so known and
// unknown addresses answer alike in content and in time.
import { RateLimitedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../shared/ports.js';
import type { MailMessage } from './ports.js';

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

/** Hands the message to the mailer off the request path (dropped and logged when not admitted). */
export function sendInBackground(
  deps: Pick<Deps, 'background' | 'mailer'>,
  job: string,
  admitted: boolean,
  message: MailMessage,
): void {
  deps.background.run(job, async (log) => {
    if (!admitted) return logDroppedMail(log, message.to);
    await deps.mailer.send(message);
  });
}
