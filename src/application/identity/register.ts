import {
  assertAcceptablePassword,
  canonicalTimezone,
  normalizeEmail,
  type User,
} from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { verificationEmail } from './emails.js';
import { issueOneTimeToken } from './one-time-tokens.js';

export interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly timezone?: string | undefined;
}

/** Creates an unverified account and emails its verification token. */
export async function register(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'passwords' | 'mailer' | 'identity'>,
  input: RegisterInput,
): Promise<User> {
  assertAcceptablePassword(input.password);
  const timezone = canonicalTimezone(input.timezone ?? 'UTC');
  const passwordHash = await deps.passwords.hash(input.password);

  const { user, token } = await deps.uow.run(async (tx) => {
    const user = await tx.users.create({
      id: deps.ids.next(),
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      timezone,
      passwordHash,
      now: deps.clock.now(),
    });
    return { user, token: await issueOneTimeToken(deps, tx, user.id, 'verify_email') };
  });

  // After commit: a mail failure must not undo the account; resend-verification recovers.
  await deps.mailer
    .send({ to: user.email, ...verificationEmail(deps.identity.publicUrl, user.name, token) })
    .catch(() => undefined);
  return user;
}
