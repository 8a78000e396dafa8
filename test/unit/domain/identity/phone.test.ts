// Phone numbers and their codes: E.164, masking for logs, who may be texted, when a code may be tried.
import { describe, expect, it } from 'vitest';
import { isE164, maskPhone, verifiedPhone } from '../../../../src/domain/identity/phone-number.js';
import {
  assertCodeMayBeTried,
  PHONE_CODE_MAX_ATTEMPTS,
  PHONE_CODE_TTL_MS,
  wrongCodeMessage,
} from '../../../../src/domain/identity/phone-verification.js';
import { ConflictError } from '../../../../src/domain/shared/errors.js';
import { aPhoneVerification, aUser, at, NOW } from '../../../support/builders/domain.js';

describe('isE164', () => {
  it.each(['+31612345678', '+14155552671', '+12', '+123456789012345'])('takes %s', (number) => {
    expect(isE164(number)).toBe(true);
  });

  it.each(['31612345678', '+0612345678', '+1234567890123456', '+31 6 12345678', '+', ''])(
    'refuses %j',
    (number) => {
      expect(isE164(number)).toBe(false);
    },
  );
});

describe('maskPhone', () => {
  it('hides every digit but the last 4, keeping the plus and the length', () => {
    expect(maskPhone('+31612345678')).toBe('+*******5678');
    expect(maskPhone('+14155552671')).toBe('+*******2671');
  });

  it('shows no more than the last 4 digits of a short or odd value', () => {
    expect(maskPhone('+1234')).toBe('+1234');
    expect(maskPhone('+123')).toBe('+123');
    expect(maskPhone('06 1234 5678')).toBe('** **** 5678');
  });
});

describe('verifiedPhone', () => {
  it('is the number once verified, nothing before or without one', () => {
    const phone = { phoneNumber: '+31612345678' };
    expect(verifiedPhone(aUser({ ...phone, phoneVerifiedAt: at(-1000) }))).toBe('+31612345678');
    expect(verifiedPhone(aUser({ ...phone, phoneVerifiedAt: null }))).toBeUndefined();
    expect(verifiedPhone(aUser())).toBeUndefined();
  });
});

describe('assertCodeMayBeTried', () => {
  const refusal = (pending: Parameters<typeof assertCodeMayBeTried>[0], now = NOW) => {
    try {
      assertCodeMayBeTried(pending, now);
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      return (error as Error).message;
    }
    return undefined;
  };

  it('lets a fresh code be tried until its last attempt and its last millisecond', () => {
    expect(refusal(aPhoneVerification())).toBeUndefined();
    const lastAttempt = aPhoneVerification({ attempts: PHONE_CODE_MAX_ATTEMPTS - 1 });
    expect(refusal(lastAttempt, at(PHONE_CODE_TTL_MS - 1))).toBeUndefined();
  });

  it('refuses when no code waits, when it is spent and when it has expired', () => {
    expect(refusal(undefined)).toMatch(/No code is waiting/);
    expect(refusal(aPhoneVerification({ attempts: PHONE_CODE_MAX_ATTEMPTS }))).toMatch(
      /Too many wrong codes/,
    );
    expect(refusal(aPhoneVerification(), at(PHONE_CODE_TTL_MS))).toMatch(/expired/);
  });
});

describe('wrongCodeMessage', () => {
  it('counts the attempts left, and says when a new code is needed', () => {
    expect(wrongCodeMessage(1)).toBe('Wrong code; 4 attempts left');
    expect(wrongCodeMessage(4)).toBe('Wrong code; 1 attempt left');
    expect(wrongCodeMessage(5)).toBe('Wrong code, and no attempts are left: ask for a new code');
  });
});
