// Signing up: register, confirm the address from the emailed token, ask for a fresh token.
import { describe, expect, it } from 'vitest';
import { register } from '../../../../src/application/identity/register.js';
import {
  resendVerification,
  verifyEmail,
} from '../../../../src/application/identity/verify-email.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';
import { newEmail, PASSWORD, registerVerified, tokenMailedTo } from '../actors.js';
import { depsOfThisFile, PUBLIC_URL } from '../deps.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const deps = depsOfThisFile();

const mailsTo = (email: string) => deps.mailer.sent.filter((m) => m.to === email);

describe('register', () => {
  it('creates an unverified account with the email normalized and the name trimmed', async () => {
    const email = newEmail();
    const user = await register(deps, {
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
      name: '  Grace  ',
      timezone: 'Europe/Amsterdam',
    });
    expect(user).toMatchObject({
      email,
      name: 'Grace',
      timezone: 'Europe/Amsterdam',
      emailVerifiedAt: null,
      version: 1,
    });
    expect(await deps.repos.users.findByEmail(email)).toEqual(user);
  });

  it('stores the password as an argon2id hash that verifies', async () => {
    const email = newEmail();
    const user = await register(deps, { email, password: PASSWORD, name: 'Ada' });
    const hash = await deps.repos.users.passwordHashOf(user.id);
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await deps.passwords.verify(hash!, PASSWORD)).toBe(true);
  });

  it('defaults the time zone to UTC', async () => {
    const user = await register(deps, { email: newEmail(), password: PASSWORD, name: 'Ada' });
    expect(user.timezone).toBe('UTC');
  });

  it('emails a verification link built on identity.publicUrl', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Grace' });
    await deps.runJobs();
    const [mail, ...more] = mailsTo(email);
    expect(more).toEqual([]);
    expect(mail?.subject).toBe('Verify your TeamFlow email address');
    expect(mail?.text).toContain('Hello Grace');
    expect(mail?.text).toContain(
      `${PUBLIC_URL}/verify-email?token=${await tokenMailedTo(deps, email)}\n`,
    );
  });

  it('writes the HTML part with every name escaped and a Message-ID of its own', async () => {
    const email = newEmail();
    const name = '<script>alert("x")</script> & Co';
    await register(deps, { email, password: PASSWORD, name });
    await register(deps, { email, password: PASSWORD, name: `${name} again` });
    await deps.runJobs();
    const [verification, notice] = mailsTo(email);
    for (const mail of [verification, notice]) {
      expect(mail?.html).toContain(
        'Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co',
      );
      expect(mail?.html).not.toContain('<script>');
      // The plain text keeps the name as typed: it is never read as markup.
      expect(mail?.text).toContain(`Hello ${name}`);
      expect(mail?.messageId).toMatch(/^<[0-9a-f-]{36}@teamflow\.test>$/);
    }
    expect(notice?.messageId).not.toBe(verification?.messageId);
    expect(verification?.html).toContain(`href="${PUBLIC_URL}/verify-email?token=`);
  });

  it('answers a taken email, whatever its case, as a new one and mails its owner instead', async () => {
    const email = newEmail();
    const first = await register(deps, { email, password: PASSWORD, name: 'First' });
    const again = await register(deps, {
      email: email.toUpperCase(),
      password: 'another-password',
      name: ' Second ',
      timezone: 'Asia/Tokyo',
    });

    // The same shape a new account answers with, naming an account that exists nowhere.
    expect(again).toEqual({
      id: expect.any(String),
      email,
      name: 'Second',
      timezone: 'Asia/Tokyo',
      emailVerifiedAt: null,
      phoneNumber: null,
      phoneVerifiedAt: null,
      version: 1,
      createdAt: deps.clock.now(),
      updatedAt: deps.clock.now(),
    });
    expect(again.id).not.toBe(first.id);
    expect(await deps.repos.users.findById(again.id)).toBeUndefined();
    expect(await deps.repos.users.findByEmail(email)).toEqual(first);
    const hash = await deps.repos.users.passwordHashOf(first.id);
    expect(await deps.passwords.verify(hash!, PASSWORD)).toBe(true);

    await deps.runJobs();
    const [verification, notice, ...more] = mailsTo(email);
    expect(more).toEqual([]);
    expect(verification?.subject).toBe('Verify your TeamFlow email address');
    expect(notice).toMatchObject({ subject: 'You already have a TeamFlow account' });
    expect(notice?.text).toContain('Hello Second');
    expect(notice?.text).not.toMatch(/token=/);
    // Links only to a page that exists: the reset request, not a sign-in page the API lacks.
    expect(notice?.text).toContain(`${deps.identity.publicUrl}/forgot-password\n`);
    expect(notice?.text).not.toContain('/login');
  });

  it.each([
    ['a 7-character password', { password: 'seven77' }, 'password'],
    ['a 129-character password', { password: 'p'.repeat(129) }, 'password'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
  ])('refuses %s with a ValidationError and creates nothing', async (_label, fields, field) => {
    const email = newEmail();
    const attempt = register(deps, { email, password: PASSWORD, name: 'Ada', ...fields });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field }] });
    expect(await deps.repos.users.findByEmail(email)).toBeUndefined();
    expect(mailsTo(email)).toEqual([]);
  });
});

describe('verifyEmail', () => {
  it('marks the account verified with the mailed token', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    const verified = await verifyEmail(deps, { token: await tokenMailedTo(deps, email) });
    expect(verified.emailVerifiedAt).toEqual(deps.clock.now());
    expect((await deps.repos.users.findByEmail(email))?.emailVerifiedAt).toEqual(deps.clock.now());
  });

  it('accepts a token only once', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    const token = await tokenMailedTo(deps, email);
    await verifyEmail(deps, { token });
    await expect(verifyEmail(deps, { token })).rejects.toBeInstanceOf(ValidationError);
  });

  it('accepts a token until 24 hours have passed, and refuses it 1 ms later', async () => {
    const early = newEmail();
    const late = newEmail();
    await register(deps, { email: early, password: PASSWORD, name: 'Early' });
    await register(deps, { email: late, password: PASSWORD, name: 'Late' });

    deps.clock.advance(DAY_MS - 1);
    await expect(
      verifyEmail(deps, { token: await tokenMailedTo(deps, early) }),
    ).resolves.toMatchObject({
      email: early,
    });

    deps.clock.advance(2);
    const expired = verifyEmail(deps, { token: await tokenMailedTo(deps, late) });
    await expect(expired).rejects.toBeInstanceOf(ValidationError);
    await expect(expired).rejects.toMatchObject({ details: [{ field: 'token' }] });
    expect((await deps.repos.users.findByEmail(late))?.emailVerifiedAt).toBeNull();
  });

  it.each([
    ['an unknown token', 'A'.repeat(43)],
    ['an empty token', ''],
  ])('refuses %s with a ValidationError', async (_label, token) => {
    await expect(verifyEmail(deps, { token })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('resendVerification', () => {
  it('mails a new token and ends the old one', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    const first = await tokenMailedTo(deps, email);

    await resendVerification(deps, { email: email.toUpperCase() });
    await deps.runJobs();
    const second = await tokenMailedTo(deps, email);

    expect(mailsTo(email)).toHaveLength(2);
    expect(second).not.toBe(first);
    await expect(verifyEmail(deps, { token: first })).rejects.toBeInstanceOf(ValidationError);
    await expect(verifyEmail(deps, { token: second })).resolves.toMatchObject({ email });
  });

  it('sends nothing for an address without an account', async () => {
    const email = newEmail();
    await resendVerification(deps, { email });
    await deps.runJobs();
    expect(mailsTo(email)).toEqual([]);
  });

  it('sends nothing for an account already verified', async () => {
    const { email } = await registerVerified(deps);
    const before = mailsTo(email).length;
    await resendVerification(deps, { email });
    await deps.runJobs();
    expect(mailsTo(email)).toHaveLength(before);
  });
});
