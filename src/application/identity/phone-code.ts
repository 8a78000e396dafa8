// Phone codes: admitted by the throttles, made, stored as a hash in place of any earlier code, and
// texted once the change that made them has committed.
import { isE164 } from '../../domain/identity/phone-number.js';
import { PHONE_CODE_DIGITS, PHONE_CODE_TTL_MS } from '../../domain/identity/phone-verification.js';
import { RateLimitedError, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';

/** A code made for a number, before it is stored; `code` itself is only ever texted. */
export interface NewPhoneCode {
  readonly phoneNumber: string;
  readonly code: string;
  readonly codeHash: string;
}

/**
 * Counts one code for the user and one for the number (429 over either), then makes the code.
 * Its hash is argon2's: six digits are a million guesses, nothing for a plain hash.
 */
export async function newPhoneCode(
  deps: Pick<Deps, 'phoneCodeLimits' | 'secrets' | 'passwords'>,
  userId: string,
  phoneNumber: string,
): Promise<NewPhoneCode> {
  if (!isE164(phoneNumber)) throw ValidationError.field('phone_number', 'Must be E.164');
  for (const [limiter, key] of [
    [deps.phoneCodeLimits.byUser, userId],
    [deps.phoneCodeLimits.byNumber, phoneNumber],
  ] as const) {
    const decision = await limiter.consume(key);
    if (!decision.allowed) {
      throw new RateLimitedError(decision.resetSeconds, 'Too many codes sent lately; try later');
    }
  }
  const code = deps.secrets.numericCode(PHONE_CODE_DIGITS);
  return { phoneNumber, code, codeHash: await deps.passwords.hash(code) };
}

/** Stores the code as the user's one waiting code, valid for 10 minutes from `now`. */
export async function storePhoneCode(
  deps: Pick<Deps, 'ids'>,
  tx: Pick<Repositories, 'phoneVerifications'>,
  userId: string,
  code: NewPhoneCode,
  now: Date,
): Promise<void> {
  await tx.phoneVerifications.replace({
    id: deps.ids.next(),
    userId,
    phoneNumber: code.phoneNumber,
    codeHash: code.codeHash,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PHONE_CODE_TTL_MS),
  });
}

/**
 * Texts the code once the caller's writes have committed (a code for a change that rolled back
 * would verify nothing), off the request path. The one place codes are sent from: a job queue
 * takes this over, with retries of the failures SmsError marks retryable.
 */
export async function textPhoneCode(
  deps: Pick<Deps, 'uow' | 'background' | 'sms'>,
  code: NewPhoneCode,
): Promise<void> {
  await deps.uow.afterCommit(() =>
    deps.background.run('phone-code', async () => {
      await deps.sms.send({ to: code.phoneNumber, body: phoneCodeText(code.code) });
    }),
  );
}

export function phoneCodeText(code: string): string {
  const minutes = PHONE_CODE_TTL_MS / 60_000;
  return `Your TeamFlow verification code is ${code}. It expires in ${minutes} minutes. Do not share it.`;
}
