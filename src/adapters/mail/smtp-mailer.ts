// Mail over SMTP with nodemailer; SMTP_URL carries host, port, credentials and options such as ?pool=true.
import { createTransport } from 'nodemailer';
import type { Mailer } from '../../application/identity/ports.js';

export interface SmtpMailerOptions {
  /** e.g. `smtp://user:pass@host:587`, `smtps://…:465` */
  readonly url: string;
  /** The sender, e.g. `TeamFlow <no-reply@example.com>`. */
  readonly from: string;
}

export function smtpMailer(options: SmtpMailerOptions): Mailer {
  const transporter = createTransport(options.url);
  return {
    async send(message) {
      await transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
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
