// Kind `email`: a rendered message (text and HTML made when the job is enqueued, so the worker
// only hands it to the mailer). Its Message-ID is the job's id: a repeat after a crash between
// the send and the acknowledgement carries the same one, so mail systems and people can tell it.
import type { MailMessage, Mailer } from '../identity/ports.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../domain/jobs/retry.js';
import type { JobHandler } from './run-jobs.js';

export const EMAIL_JOB = 'email';

/** Enqueues `message` in `tx`'s transaction: it is sent if and only if that transaction commits. */
export async function enqueueEmail(
  deps: { readonly ids: IdGenerator; readonly clock: Clock },
  tx: Pick<Repositories, 'jobs'>,
  message: Omit<MailMessage, 'messageId'>,
  organizationId: string | null = null,
): Promise<void> {
  const now = deps.clock.now();
  const { to, subject, text, html } = message;
  await tx.jobs.enqueue({
    id: deps.ids.next(),
    kind: EMAIL_JOB,
    payload: { to, subject, text, ...(html !== undefined && { html }) },
    organizationId,
    runAt: now,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    createdAt: now,
  });
}

/** Sends an email job's message; `domain` is the right side of its Message-ID. */
export function emailHandler(mailer: Mailer, domain: string): JobHandler {
  return async (job) => {
    const { to, subject, text, html } = job.payload as Omit<MailMessage, 'messageId'>;
    await mailer.send({
      to,
      subject,
      text,
      ...(html !== undefined && { html }),
      messageId: `<${job.id}@${domain}>`,
    });
  };
}
