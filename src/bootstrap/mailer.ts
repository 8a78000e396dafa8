// The mailer the settings ask for: SMTP (SMTP_URL) or the log. The API and the worker build it alike.
import type { Logger as PinoLogger } from 'pino';
import type { Mailer } from '../application/identity/ports.js';
import { logMailer } from '../adapters/mail/log-mailer.js';
import { smtpMailer } from '../adapters/mail/smtp-mailer.js';
import type { Config } from './config.js';

export function configuredMailer(config: Config, logger: PinoLogger): Mailer {
  return config.MAIL_TRANSPORT === 'smtp' && config.SMTP_URL
    ? smtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM })
    : logMailer(logger.child({ component: 'mail' }));
}
