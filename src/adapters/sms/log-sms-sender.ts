// The SMS sender of the default setup: writes each message to the log instead of sending it, the
// number masked (a log is read by more people than a phone), the text whole so that a developer
// can read a verification code there.
import { randomUUID } from 'node:crypto';
import { isE164, maskPhone } from '../../domain/identity/phone-number.js';
import { SmsError, type SmsMessage, type SmsSender } from '../../application/shared/sms.js';

const KEPT_MESSAGES = 100;

export interface SmsLogger {
  info(obj: object, msg: string): void;
}

export function logSmsSender(logger: SmsLogger): SmsSender & { readonly sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return {
    sent,
    send(message) {
      // As a provider would: a number that cannot be one is refused for good.
      if (!isE164(message.to)) {
        return Promise.reject(new SmsError(`Not an E.164 number: ${maskPhone(message.to)}`, false));
      }
      const id = `log_${randomUUID()}`;
      logger.info(
        { sms: { id, to: maskPhone(message.to), body: message.body } },
        'SMS not sent (Twilio is not configured); logged instead',
      );
      sent.push(message);
      if (sent.length > KEPT_MESSAGES) sent.splice(0, sent.length - KEPT_MESSAGES);
      return Promise.resolve({ id });
    },
  };
}
