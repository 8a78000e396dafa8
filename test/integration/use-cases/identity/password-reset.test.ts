// Forgotten passwords: an emailed single-use token sets a new password and ends every session.
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../../src/application/identity/authenticate.js';
import { login } from '../../../../src/application/identity/login.js';
import {
  forgotPassword,
  resetPassword,
} from '../../../../src/application/identity/password-reset.js';
import { refresh } from '../../../../src/application/identity/refresh.js';
import { register } from '../../../../src/application/identity/register.js';
import { UnauthenticatedError, ValidationError } from '../../../../src/domain/shared/errors.js';
import { newEmail, PASSWORD, signedIn, signInAgain, tokenMailedTo } from '../actors.js';
import { depsOfThisFile, PUBLIC_URL } from '../deps.js';

const HOUR_MS = 60 * 60 * 1000;
const NEW_PASSWORD = 'a-brand-new-password';

const deps = depsOfThisFile();

/** Asks for a reset and waits for its mail, which is sent after the call answers. */
const forgot = async (email: string) => {
  await forgotPassword(deps, { email });
  await deps.runJobs();
};

const resetTokenFor = async (email: string) => {
  await forgot(email);
  return await tokenMailedTo(deps, email);
};

describe('forgotPassword', () => {
  it('emails a reset link built on identity.publicUrl', async () => {
    const { email } = await signedIn(deps);
    await forgot(email.toUpperCase());
    const mail = deps.mailer.sent.at(-1);
    expect(mail).toMatchObject({ to: email, subject: 'Reset your TeamFlow password' });
    expect(mail?.text).toContain(`${PUBLIC_URL}/reset-password?token=`);
  });

  it('sends nothing for an address without an account', async () => {
    const email = newEmail();
    await forgot(email);
    expect(deps.mailer.sent.filter((m) => m.to === email)).toEqual([]);
  });

  it('replaces an earlier reset token', async () => {
    const { email } = await signedIn(deps);
    const first = await resetTokenFor(email);
    const second = await resetTokenFor(email);
    await expect(
      resetPassword(deps, { token: first, password: NEW_PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(resetPassword(deps, { token: second, password: NEW_PASSWORD })).resolves.toBe(
      undefined,
    );
  });
});

describe('resetPassword', () => {
  it('sets the new password: the old one stops working, the new one logs in', async () => {
    const { email } = await signedIn(deps);
    await resetPassword(deps, { token: await resetTokenFor(email), password: NEW_PASSWORD });

    await expect(login(deps, { email, password: PASSWORD })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(login(deps, { email, password: NEW_PASSWORD })).resolves.toMatchObject({
      user: { email },
    });
  });

  it('ends every session of the account, cached or not', async () => {
    const here = await signedIn(deps);
    const there = await signInAgain(deps, here);
    await authenticate(deps, here.accessToken); // its liveness is now cached

    await resetPassword(deps, { token: await resetTokenFor(here.email), password: NEW_PASSWORD });

    expect(await deps.repos.sessions.listActive(here.user.id, deps.clock.now())).toEqual([]);
    await expect(authenticate(deps, here.accessToken)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(refresh(deps, { refreshToken: there.refreshToken })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('accepts a token only once', async () => {
    const { email } = await signedIn(deps);
    const token = await resetTokenFor(email);
    await resetPassword(deps, { token, password: NEW_PASSWORD });
    await expect(
      resetPassword(deps, { token, password: 'yet-another-password' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(login(deps, { email, password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it('accepts a token until 1 hour has passed, and refuses it 1 ms later', async () => {
    const early = await signedIn(deps);
    const late = await signedIn(deps);
    const earlyToken = await resetTokenFor(early.email);
    const lateToken = await resetTokenFor(late.email);

    deps.clock.advance(HOUR_MS - 1);
    await resetPassword(deps, { token: earlyToken, password: NEW_PASSWORD });

    deps.clock.advance(2);
    await expect(
      resetPassword(deps, { token: lateToken, password: NEW_PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(login(deps, { email: late.email, password: PASSWORD })).resolves.toBeDefined();
  });

  it('refuses a password outside 8–128 characters and keeps the token usable', async () => {
    const { email } = await signedIn(deps);
    const token = await resetTokenFor(email);
    const tooShort = resetPassword(deps, { token, password: 'short' });
    await expect(tooShort).rejects.toBeInstanceOf(ValidationError);
    await expect(tooShort).rejects.toMatchObject({ details: [{ field: 'password' }] });
    await expect(resetPassword(deps, { token, password: NEW_PASSWORD })).resolves.toBe(undefined);
  });

  it('does not accept an email-verification token', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    await expect(
      resetPassword(deps, { token: await tokenMailedTo(deps, email), password: NEW_PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('verifies an unverified account, since the token proves the address', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    await resetPassword(deps, { token: await resetTokenFor(email), password: NEW_PASSWORD });
    expect((await deps.repos.users.findByEmail(email))?.emailVerifiedAt).toEqual(deps.clock.now());
  });
});
