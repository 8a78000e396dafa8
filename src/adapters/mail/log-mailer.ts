// The mailer of the embedded default: writes each message to the log, so a developer can follow links.
import type { MailMessage, Mailer } from '../../application/identity/ports.js';

const KEPT_MESSAGES = 100;

export interface MailLogger {
  info(obj: object, msg: string): void;
}

export function logMailer(logger: MailLogger): Mailer & { readonly sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    send(message) {
      logger.info(
        {
          mail: {
            to: message.to,
            subject: message.subject,
            text: message.text,
            message_id: message.messageId,
            ...(message.headers && { headers: message.headers }),
          },
        },
        'mail not sent (no SMTP_URL); logged instead',
      );
      sent.push(message);
      if (sent.length > KEPT_MESSAGES) sent.splice(0, sent.length - KEPT_MESSAGES);
      return Promise.resolve();
    },
    verify: async () => {},
    close: async () => {},
  };
}
