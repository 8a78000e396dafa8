// Issuing and redeeming emailed single-use tokens.
import {
  isOneTimeTokenUsable,
  ONE_TIME_TOKEN_TTL_MS,
  type OneTimeToken,
  type OneTimeTokenPurpose,
} from '../../domain/identity/one-time-token.js';
import { ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';

/** Replaces any unused token of this purpose with a new one; returns the plain token to email. */
export async function issueOneTimeToken(
  deps: Pick<Deps, 'clock' | 'ids' | 'secrets'>,
  tx: Pick<Repositories, 'oneTimeTokens'>,
  userId: string,
  purpose: OneTimeTokenPurpose,
): Promise<string> {
  const now = deps.clock.now();
  const token = deps.secrets.generate();
  await tx.oneTimeTokens.invalidateAll(userId, purpose, now);
  await tx.oneTimeTokens.create({
    id: deps.ids.next(),
    userId,
    purpose,
    tokenHash: deps.secrets.hash(token),
    now,
    expiresAt: new Date(now.getTime() + ONE_TIME_TOKEN_TTL_MS[purpose]),
  });
  return token;
}

/** Marks the token used and returns it; an unknown, used or expired token is a validation error. */
export async function redeemOneTimeToken(
  deps: Pick<Deps, 'clock' | 'secrets'>,
  tx: Pick<Repositories, 'oneTimeTokens'>,
  purpose: OneTimeTokenPurpose,
  token: string,
): Promise<OneTimeToken> {
  const now = deps.clock.now();
  const found = await tx.oneTimeTokens.findByHash(purpose, deps.secrets.hash(token));
  if (
    !found ||
    !isOneTimeTokenUsable(found, now) ||
    !(await tx.oneTimeTokens.markUsed(found.id, now))
  ) {
    throw ValidationError.field('token', 'The token is invalid, used or expired');
  }
  return found;
}
