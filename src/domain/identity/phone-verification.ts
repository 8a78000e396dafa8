// Verifying a phone number: a 6-digit code sent to it by SMS, tried a few times within minutes.
import { ConflictError } from '../shared/errors.js';

export const PHONE_CODE_DIGITS = 6;
export const PHONE_CODE_TTL_MS = 10 * 60 * 1000;
/** Wrong codes one code survives; then a new code is needed (a 6-digit code is guessable). */
export const PHONE_CODE_MAX_ATTEMPTS = 5;

/** The code waiting for a user's number; one at a time, a new one replaces it. */
export interface PhoneVerification {
  /** This code's own id: what a verification consumes, so a code replaced meanwhile cannot be. */
  readonly id: string;
  readonly userId: string;
  readonly phoneNumber: string;
  readonly codeHash: string;
  /** Codes tried so far, right or wrong. */
  readonly attempts: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Refuses (409) when no code may be tried now: none waits, it is spent or it has expired. */
export function assertCodeMayBeTried(
  pending: PhoneVerification | undefined,
  now: Date,
): asserts pending is PhoneVerification {
  if (pending === undefined) {
    throw new ConflictError('No code is waiting: set a phone number first, or ask for a new code');
  }
  if (pending.attempts >= PHONE_CODE_MAX_ATTEMPTS) {
    throw new ConflictError('Too many wrong codes: ask for a new code');
  }
  if (now.getTime() >= pending.expiresAt.getTime()) {
    throw new ConflictError('The code has expired: ask for a new code');
  }
}

/** What a wrong code answers, once `attempts` codes (this one included) have been tried. */
export function wrongCodeMessage(attempts: number): string {
  const left = PHONE_CODE_MAX_ATTEMPTS - attempts;
  if (left <= 0) return 'Wrong code, and no attempts are left: ask for a new code';
  return `Wrong code; ${left} ${left === 1 ? 'attempt' : 'attempts'} left`;
}
