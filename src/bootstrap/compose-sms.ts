// What compose hands the use cases for SMS: the sender (Twilio when configured, the log
// otherwise), the throttles of phone codes, and the notification switches.
import type { Deps } from '../application/deps.js';
import type { Logger, RateLimiter } from '../application/shared/ports.js';
import { logSmsSender } from '../adapters/sms/log-sms-sender.js';
import { twilioSmsSender } from '../adapters/sms/twilio-sms-sender.js';
import { twilioOf } from './config-sms.js';
import type { Config } from './config.js';

export function smsDeps(
  config: Config,
  logger: Logger,
  limiter: (keyPrefix: string, points: number, durationSeconds: number) => RateLimiter,
): Pick<Deps, 'sms' | 'phoneCodeLimits' | 'notifications'> {
  const twilio = twilioOf(config);
  const window = config.PHONE_CODE_WINDOW_SECONDS;
  return {
    sms: twilio ? twilioSmsSender(twilio) : logSmsSender(logger.child({ component: 'sms' })),
    phoneCodeLimits: {
      byUser: limiter('phone-code-user', config.PHONE_CODES_PER_USER, window),
      byNumber: limiter('phone-code-number', config.PHONE_CODES_PER_NUMBER, window),
    },
    notifications: {
      email: config.ENABLE_EMAIL_NOTIFICATIONS,
      sms: config.ENABLE_SMS_NOTIFICATIONS,
    },
  };
}
