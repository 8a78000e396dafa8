import { verifiedPhone } from '../../domain/identity/phone-number.js';
import type { User } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';

/**
 * Where a notification SMS to `user` goes: their verified number while SMS notifications are on
 * (ENABLE_SMS_NOTIFICATIONS); undefined means send none. The notification senders' one check, so
 * no SMS ever reaches a number its owner has not proved.
 */
export function smsRecipient(deps: Pick<Deps, 'notifications'>, user: User): string | undefined {
  return deps.notifications.sms ? verifiedPhone(user) : undefined;
}
