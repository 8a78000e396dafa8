import type { UserPrincipal } from '../../domain/identity/principal.js';
import {
  assertCodeMayBeTried,
  wrongCodeMessage,
} from '../../domain/identity/phone-verification.js';
import type { User } from '../../domain/identity/user.js';
import { ConflictError, notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';

/**
 * Verifies the caller's phone number with the code texted to it. The attempt is counted and
 * committed before the code is compared, so guesses sent at once cannot outnumber the attempts a
 * code allows; a right code then verifies the number it was sent to, if it is still the caller's.
 */
export async function verifyPhone(
  deps: Pick<Deps, 'uow' | 'clock' | 'passwords'>,
  actor: UserPrincipal,
  input: { readonly code: string },
): Promise<User> {
  const pending = await deps.uow.run(async (tx) => {
    const found = await tx.phoneVerifications.findForUpdate(actor.userId);
    assertCodeMayBeTried(found, deps.clock.now());
    await tx.phoneVerifications.countAttempt(found.id);
    return found;
  });
  if (!(await deps.passwords.verify(pending.codeHash, input.code))) {
    throw ValidationError.field('code', wrongCodeMessage(pending.attempts + 1));
  }
  return deps.uow.run(async (tx) => {
    const user = (await tx.users.findById(actor.userId)) ?? notFound('user');
    // Consumed only while it is still the waiting code: a new number or code meanwhile wins.
    if (
      user.phoneNumber !== pending.phoneNumber ||
      !(await tx.phoneVerifications.consume(pending.id))
    ) {
      throw new ConflictError('The phone number or its code changed meanwhile: use the new code');
    }
    const now = deps.clock.now();
    return tx.users.update(actor.userId, { phoneVerifiedAt: now }, now);
  });
}
