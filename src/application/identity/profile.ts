import type { UserPrincipal } from '../../domain/identity/principal.js';
import {
  assertAcceptablePassword,
  canonicalTimezone,
  type User,
} from '../../domain/identity/user.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { forgetSessions } from './sessions.js';

export async function getProfile(deps: Pick<Deps, 'repos'>, actor: UserPrincipal): Promise<User> {
  return (await deps.repos.users.findById(actor.userId)) ?? notFound('user');
}

export interface UpdateProfileInput {
  readonly name?: string | undefined;
  readonly timezone?: string | undefined;
  readonly password?: string | undefined;
  readonly currentPassword?: string | undefined;
  /** If-Match: the version the caller saw; another one is a PreconditionFailedError (412). */
  readonly expectedVersion?: number | undefined;
}

/**
 * Changes name, timezone or password and bumps the version (at `expectedVersion` only, when
 * given); a new password needs the current one and ends the other sessions.
 */
export async function updateProfile(
  deps: Pick<Deps, 'uow' | 'clock' | 'passwords' | 'cache' | 'signals'>,
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
      },
      now,
      input.expectedVersion,
    );
    const revoked =
      passwordHash === undefined
        ? []
        : await tx.sessions.revokeAll(actor.userId, now, 'password_changed', actor.sessionId);
    return { user, revoked };
  });
  await forgetSessions(deps, revoked);
  return user;
}
