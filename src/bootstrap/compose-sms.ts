// What compose hands the use cases for SMS: the sender (Twilio when configured, the log
// otherwise), the throttles of phone codes, and the notification switches.
import type { Deps } from '../application/deps.js';
import type { Logger, RateLimiter } from '../application/shared/ports.js';
import type { SmsSender } from '../application/shared/sms.js';
import { logSmsSender } from '../adapters/sms/log-sms-sender.js';
import { twilioSmsSender } from '../adapters/sms/twilio-sms-sender.js';
import { twilioOf } from './config-sms.js';
import type { Config } from './config.js';

/** Twilio when configured, the log otherwise; one per process (codes and notifications share it). */
export function smsSender(config: Config, logger: Logger): SmsSender {
  const twilio = twilioOf(config);
  return twilio ? twilioSmsSender(twilio) : logSmsSender(logger.child({ component: 'sms' }));
}

export function smsDeps(
  config: Config,
  sms: SmsSender,
  limiter: (keyPrefix: string, points: number, durationSeconds: number) => RateLimiter,
): Pick<Deps, 'sms' | 'phoneCodeLimits' | 'notifications'> {
  const window = config.PHONE_CODE_WINDOW_SECONDS;
  return {
    sms,
    phoneCodeLimits: {
      byUser: limiter('phone-code-user', config.PHONE_CODES_PER_USER, window),
      byNumber: limiter('phone-code-number', config.PHONE_CODES_PER_NUMBER, window),
    },
    notifications: notificationChannels(config),
  };
}

/** ENABLE_EMAIL_NOTIFICATIONS, ENABLE_SMS_NOTIFICATIONS. */
export function notificationChannels(config: Config): Deps['notifications'] {
  return { email: config.ENABLE_EMAIL_NOTIFICATIONS, sms: config.ENABLE_SMS_NOTIFICATIONS };
}
