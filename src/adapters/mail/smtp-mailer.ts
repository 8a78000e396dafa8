// Mail over SMTP with nodemailer; SMTP_URL carries host, port, credentials and options such as ?pool=true.
import { createTransport } from 'nodemailer';
import type { Mailer } from '../../application/identity/ports.js';

export interface SmtpMailerOptions {
  /** e.g. `smtp://user:pass@host:587`, `smtps://…:465` */
  readonly url: string;
  /** The sender, e.g. `TeamFlow <no-reply@example.com>`. */
  readonly from: string;
}

/**
 * Bounds on a server that connects slowly, never greets or stops answering (nodemailer's own are
 * 2 min, 30 s and 10 min): together under the job lease (JOBS_LEASE_SECONDS, 5 min), so a send
 * that hangs fails and is retried rather than outliving its claim. SMTP_URL's query may override.
 */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export function smtpMailer(options: SmtpMailerOptions): Mailer {
  const transporter = createTransport({ url: options.url, ...TIMEOUTS });
  return {
    async send(message) {
      await transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        ...(message.headers === undefined ? {} : { headers: { ...message.headers } }),
        // Quoted-printable keeps links in the text part readable in raw mail and logs.
        textEncoding: 'quoted-printable',
      });
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}
