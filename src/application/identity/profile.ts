import type { UserPrincipal } from '../../domain/identity/principal.js';
import {
  assertAcceptablePassword,
  canonicalTimezone,
  type User,
} from '../../domain/identity/user.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { newPhoneCode, storePhoneCode, textPhoneCode, type NewPhoneCode } from './phone-code.js';
import { forgetSessions } from './sessions.js';

export async function getProfile(deps: Pick<Deps, 'repos'>, actor: UserPrincipal): Promise<User> {
  return (await deps.repos.users.findById(actor.userId)) ?? notFound('user');
}

export interface UpdateProfileInput {
  readonly name?: string | undefined;
  readonly timezone?: string | undefined;
  readonly password?: string | undefined;
  readonly currentPassword?: string | undefined;
  /** E.164 (the HTTP layer parses what people type); null removes the number. */
  readonly phoneNumber?: string | null | undefined;
  /** If-Match: the version the caller saw; another one is a PreconditionFailedError (412). */
  readonly expectedVersion?: number | undefined;
}

type ProfileDeps = Pick<
  Deps,
  | 'uow'
  | 'repos'
  | 'clock'
  | 'ids'
  | 'passwords'
  | 'secrets'
  | 'cache'
  | 'phoneCodeLimits'
  | 'background'
  | 'sms'
  | 'signals'
>;

/**
 * Changes name, timezone, password or phone number and bumps the version (at `expectedVersion`
 * only, when given); a new password needs the current one and ends the other sessions; a new
 * phone number is unverified until the code texted to it comes back (verify-phone.ts).
 */
export async function updateProfile(
  deps: ProfileDeps,
  actor: UserPrincipal,
  input: UpdateProfileInput,
): Promise<User> {
  const timezone = input.timezone === undefined ? undefined : canonicalTimezone(input.timezone);
  let passwordHash: string | undefined;
  if (input.password !== undefined) {
    assertAcceptablePassword(input.password);
    if (input.currentPassword === undefined) {
      throw ValidationError.field('current_password', 'Required to change the password');
    }
    passwordHash = await deps.passwords.hash(input.password);
  }
  const phone = await phoneChange(deps, actor.userId, input.phoneNumber);

  const { user, revoked } = await deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    if (passwordHash !== undefined) {
      const current = (await tx.users.passwordHashOf(actor.userId)) ?? notFound('user');
      if (!(await deps.passwords.verify(current, input.currentPassword ?? ''))) {
        throw ValidationError.field('current_password', 'Does not match the current password');
      }
    }
    const user = await tx.users.update(
      actor.userId,
      {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(timezone !== undefined && { timezone }),
        ...(passwordHash !== undefined && { passwordHash }),
        ...(phone !== undefined && { phoneNumber: phone.number, phoneVerifiedAt: null }),
      },
      now,
      input.expectedVersion,
    );
    const revoked =
      passwordHash === undefined
        ? []
        : await tx.sessions.revokeAll(actor.userId, now, 'password_changed', actor.sessionId);
    if (phone !== undefined) await replacePhoneCode(deps, tx, actor.userId, phone.code, now);
    return { user, revoked };
  });
  await forgetSessions(deps, revoked);
  if (phone?.code) await textPhoneCode(deps, phone.code);
  return user;
}

/**
 * What the request does to the phone number: nothing when it names none or the current one
 * (the code for a number is asked again with POST /users/me/phone/resend); remove it (null); or
 * replace it, with a code for the new number (throttled: 429).
 */
async function phoneChange(
  deps: ProfileDeps,
  userId: string,
  requested: string | null | undefined,
): Promise<{ number: string | null; code?: NewPhoneCode } | undefined> {
  if (requested === undefined) return undefined;
  const current = (await deps.repos.users.findById(userId)) ?? notFound('user');
  if (requested === current.phoneNumber) return undefined;
  if (requested === null) return { number: null };
  return { number: requested, code: await newPhoneCode(deps, userId, requested) };
}

/** The waiting code follows the number: a new one for a new number, none without a number. */
async function replacePhoneCode(
  deps: Pick<Deps, 'ids'>,
  tx: Repositories,
  userId: string,
  code: NewPhoneCode | undefined,
  now: Date,
): Promise<void> {
  if (code === undefined) await tx.phoneVerifications.discard(userId);
  else await storePhoneCode(deps, tx, userId, code, now);
}
