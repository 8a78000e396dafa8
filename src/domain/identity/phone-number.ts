// A person's phone number: stored in E.164, texted only once verified by a code sent to it.
import type { User } from './user.js';

/** E.164: a plus, a country code that does not start with 0, 15 digits at most. */
const E164 = /^\+[1-9][0-9]{1,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** The number to text this user at: their number once verified, else undefined. */
export function verifiedPhone(user: User): string | undefined {
  return user.phoneNumber !== null && user.phoneVerifiedAt !== null ? user.phoneNumber : undefined;
}

/** For logs: every digit but the last 4 hidden (`+*******5678`); the plus and the length kept. */
export function maskPhone(number: string): string {
  const digits = [...number].filter((c) => c >= '0' && c <= '9').length;
  let hide = Math.max(0, digits - 4);
  return [...number]
    .map((c) => {
      if (hide === 0 || c < '0' || c > '9') return c;
      hide -= 1;
      return '*';
    })
    .join('');
}
