import type { UserPrincipal } from '../../domain/identity/principal.js';
import { ConflictError, notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { newPhoneCode, storePhoneCode, textPhoneCode } from './phone-code.js';

/**
 * Texts a new code to the caller's unverified number, in place of the waiting one (expired,
 * spent or lost); throttled like the first (429).
 */
export async function resendPhoneCode(
  deps: Pick<
    Deps,
    | 'repos'
    | 'uow'
    | 'clock'
    | 'ids'
    | 'secrets'
    | 'passwords'
    | 'phoneCodeLimits'
    | 'background'
    | 'sms'
  >,
  actor: UserPrincipal,
): Promise<void> {
  const user = (await deps.repos.users.findById(actor.userId)) ?? notFound('user');
  if (user.phoneNumber === null) {
    throw new ConflictError('No phone number to verify: set phone_number first');
  }
  if (user.phoneVerifiedAt !== null)
    throw new ConflictError('The phone number is verified already');
  const code = await newPhoneCode(deps, user.id, user.phoneNumber);
  // A number changed since the read above keeps its own code: verifying checks the number too.
  await deps.uow.run((tx) => storePhoneCode(deps, tx, user.id, code, deps.clock.now()));
  await textPhoneCode(deps, code);
}
