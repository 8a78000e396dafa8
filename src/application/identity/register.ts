import {
  assertAcceptablePassword,
  canonicalTimezone,
  normalizeEmail,
  type User,
} from '../../domain/identity/user.js';
import { ConflictError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { enqueueEmail } from '../jobs/email.js';
import { accountExistsEmail, verificationEmail } from './emails.js';
import { admitMailRequest, claimRecipientShare, dropMail } from './identity-mail.js';
import { issueOneTimeToken } from './one-time-tokens.js';
import type { NewUser } from './ports.js';

export interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly timezone?: string | undefined;
  /** The client address, for the per-address throttle of mail-sending requests. */
  readonly ip?: string | undefined;
}

/**
 * Creates an unverified account and emails its verification token (a job the worker sends after
 * the commit). A taken address answers the same: the account that would have been made comes back
 * (it exists nowhere), and the owner of the address is told by mail instead, so registering tells
 * nobody which addresses have accounts.
 */
export async function register(
  deps: Pick<
    Deps,
    'uow' | 'clock' | 'ids' | 'secrets' | 'passwords' | 'identity' | 'mailLimits' | 'background'
  >,
  input: RegisterInput,
): Promise<User> {
  assertAcceptablePassword(input.password);
  const timezone = canonicalTimezone(input.timezone ?? 'UTC');
  await admitMailRequest(deps, input.ip);
  const candidate: NewUser = {
    id: deps.ids.next(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    timezone,
    passwordHash: await deps.passwords.hash(input.password),
    now: deps.clock.now(),
  };

  const admitted = await claimRecipientShare(deps, candidate.email);
  const { publicUrl } = deps.identity;

  // The verification mail is a job of the account's own transaction: both commit or neither.
  const created = await deps.uow
    .run(async (tx) => {
      const user = await tx.users.create(candidate);
      const token = await issueOneTimeToken(deps, tx, user.id, 'verify_email');
      const mail = verificationEmail(publicUrl, user.name, token);
      if (admitted) await enqueueEmail(deps, tx, { to: user.email, ...mail });
      return user;
    })
    .catch((error: unknown) => {
      if (error instanceof ConflictError) return undefined;
      throw error;
    });

  if (!admitted) {
    dropMail(deps, created ? 'mail.verification' : 'mail.account-exists', candidate.email);
  } else if (!created) {
    // The owner of the taken address is told in a transaction of its own: the refused one rolled back.
    const mail = accountExistsEmail(publicUrl, candidate.name);
    await deps.uow.run((tx) => enqueueEmail(deps, tx, { to: candidate.email, ...mail }));
  }
  return created ?? unsavedUser(candidate);
}

/** The account `candidate` would have become: what a new registration answers. */
function unsavedUser(candidate: NewUser): User {
  const { id, email, name, timezone, now } = candidate;
  return {
    id,
    email,
    name,
    timezone,
    emailVerifiedAt: null,
    phoneNumber: null,
    phoneVerifiedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
