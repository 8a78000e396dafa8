// Who a notification SMS may go to: a verified number, and only while SMS notifications are on.
import { describe, expect, it } from 'vitest';
import { smsRecipient } from '../../../src/application/identity/sms-recipient.js';
import { aUser, at } from '../../support/builders/domain.js';

describe('smsRecipient', () => {
  const on = { notifications: { email: true, sms: true } };
  const off = { notifications: { email: true, sms: false } };
  const verified = aUser({ phoneNumber: '+31612345678', phoneVerifiedAt: at(-1000) });

  it('is the verified number while SMS notifications are on', () => {
    expect(smsRecipient(on, verified)).toBe('+31612345678');
  });

  it('is nobody for an unverified number, no number, or with SMS notifications off', () => {
    expect(smsRecipient(on, aUser({ phoneNumber: '+31612345678', phoneVerifiedAt: null }))).toBe(
      undefined,
    );
    expect(smsRecipient(on, aUser())).toBeUndefined();
    expect(smsRecipient(off, verified)).toBeUndefined();
  });
});
