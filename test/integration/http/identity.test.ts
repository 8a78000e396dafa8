// Identity through HTTP: sign-up to sign-out, and every error case answering the envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVerified, signIn, tokenFromMail } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';

let t: TestApp;
let api: Client;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
});
afterAll(async () => {
  await t.close();
});

const newEmail = () => `person-${uniqueTag()}@example.com`;

describe('the whole journey', () => {
  it('registers, verifies from the mail, logs in, reads /users/me, refreshes, and logs out', async () => {
    const email = newEmail();
    const registered = await api.post('/api/v1/auth/register', {
      email,
      password: 'a-long-password',
      name: 'Grace',
      timezone: 'Europe/Amsterdam',
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      success: true,
      data: { email, name: 'Grace', timezone: 'Europe/Amsterdam', email_verified: false },
      meta: { request_id: expect.any(String), timestamp: expect.any(String) },
    });
    expect(registered.body.data).not.toHaveProperty('password_hash');

    const beforeVerify = await api.post('/api/v1/auth/login', {
      email,
      password: 'a-long-password',
    });
    expect(beforeVerify.status).toBe(403);
    expect(beforeVerify.body.error.code).toBe('FORBIDDEN');

    await t.mailSent();
    const mail = t.mail.find((m) => m.to === email);
    expect(mail?.text).toContain('http://localhost:');
    const verified = await api.post('/api/v1/auth/verify-email', {
      token: await tokenFromMail(t, email),
    });
    expect(verified.status).toBe(200);
    expect(verified.body.data.email_verified).toBe(true);

    const login = await api.post('/api/v1/auth/login', { email, password: 'a-long-password' });
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      user: { email },
    });
    expect(login.headers.get('set-cookie')).toMatch(
      /tf_refresh=.+; Path=\/api\/v1\/auth; .*HttpOnly; Secure; SameSite=Strict/,
    );
    const { access_token: access, refresh_token: firstRefresh } = login.body.data;

    const me = await api.get('/api/v1/users/me', { token: access });
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(email);

    const refreshed = await api.post('/api/v1/auth/refresh', { refresh_token: firstRefresh });
    expect(refreshed.status).toBe(200);
    const { access_token: access2, refresh_token: secondRefresh } = refreshed.body.data;
    expect(secondRefresh).not.toBe(firstRefresh);

    // The spent token is a reuse: 401, and the whole session ends (its newer tokens too).
    const reused = await api.post('/api/v1/auth/refresh', { refresh_token: firstRefresh });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('UNAUTHENTICATED');
    expect((await api.post('/api/v1/auth/refresh', { refresh_token: secondRefresh })).status).toBe(
      401,
    );
    expect((await api.get('/api/v1/users/me', { token: access2 })).status).toBe(401);

    const again = await api.post('/api/v1/auth/login', { email, password: 'a-long-password' });
    const logout = await api.post('/api/v1/auth/logout', undefined, {
      token: again.body.data.access_token,
    });
    expect(logout.status).toBe(204);
    expect(
      (await api.get('/api/v1/users/me', { token: again.body.data.access_token })).status,
    ).toBe(401);
    expect(
      (await api.post('/api/v1/auth/refresh', { refresh_token: again.body.data.refresh_token }))
        .status,
    ).toBe(401);
  });
});

describe('registration', () => {
  it('answers a taken email, whatever its case, with 201 as if new, and leaves the account alone', async () => {
    const email = newEmail();
    const first = await api.post('/api/v1/auth/register', {
      email,
      password: 'password-123',
      name: 'A',
    });
    const again = await api.post('/api/v1/auth/register', {
      email: email.toUpperCase(),
      password: 'password-456',
      name: 'B',
    });
    expect(again.status).toBe(201);
    expect(again.body.data).toMatchObject({ email, name: 'B', email_verified: false });
    expect(again.body.data.id).not.toBe(first.body.data.id);
    await t.mailSent();
    expect(t.mail.filter((m) => m.to === email).map((m) => m.subject)).toEqual([
      'Verify your TeamFlow email address',
      'You already have a TeamFlow account',
    ]);
    // Only the first registration's password is the account's.
    expect((await api.post('/api/v1/auth/login', { email, password: 'password-456' })).status).toBe(
      401,
    );
    expect((await api.post('/api/v1/auth/login', { email, password: 'password-123' })).status).toBe(
      403,
    );
  });

  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['a 129-character password', { password: 'x'.repeat(129) }, 'password'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an unknown timezone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['a missing name', { name: undefined }, 'name'],
  ])('answers 422 naming the field for %s', async (_label, change, field) => {
    const body = { email: newEmail(), password: 'password-123', name: 'Ok', ...change };
    const reply = await api.post('/api/v1/auth/register', body);
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('accepts 8 and 128 characters as password lengths', async () => {
    for (const password of ['12345678', 'p'.repeat(128)]) {
      const reply = await api.post('/api/v1/auth/register', {
        email: newEmail(),
        password,
        name: 'Edge',
      });
      expect(reply.status).toBe(201);
    }
  });
});

describe('email verification', () => {
  it('refuses an unknown or already used token with 422', async () => {
    const email = newEmail();
    await api.post('/api/v1/auth/register', { email, password: 'password-123', name: 'V' });
    const token = await tokenFromMail(t, email);
    expect((await api.post('/api/v1/auth/verify-email', { token })).status).toBe(200);
    const used = await api.post('/api/v1/auth/verify-email', { token });
    expect(used.status).toBe(422);
    expect(used.body.error.details[0].field).toBe('token');
    expect((await api.post('/api/v1/auth/verify-email', { token: 'nope' })).status).toBe(422);
  });

  it('resend answers the same for unknown and known addresses, and the new token replaces the old', async () => {
    const email = newEmail();
    await api.post('/api/v1/auth/register', { email, password: 'password-123', name: 'R' });
    const first = await tokenFromMail(t, email);
    const known = await api.post('/api/v1/auth/resend-verification', { email });
    const unknown = await api.post('/api/v1/auth/resend-verification', { email: newEmail() });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body.data).toEqual(known.body.data);
    await expect.poll(() => t.mail.filter((m) => m.to === email).length).toBe(2);
    const second = await tokenFromMail(t, email);
    expect(second).not.toBe(first);
    expect((await api.post('/api/v1/auth/verify-email', { token: first })).status).toBe(422);
    expect((await api.post('/api/v1/auth/verify-email', { token: second })).status).toBe(200);
  });
});

describe('login', () => {
  it('answers the same 401 for an unknown email and a wrong password', async () => {
    const user = await registerVerified(t, api);
    const wrong = await api.post('/api/v1/auth/login', {
      email: user.email,
      password: 'wrong-password',
    });
    const unknown = await api.post('/api/v1/auth/login', {
      email: newEmail(),
      password: 'wrong-password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('throttles repeated failures for one email with 429 and Retry-After', async () => {
    const user = await registerVerified(t, api);
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await api.post('/api/v1/auth/login', { email: user.email, password: 'bad-password' }))
          .status,
      ).toBe(401);
    }
    const blocked = await api.post('/api/v1/auth/login', {
      email: user.email,
      password: user.password,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps at most 3 sessions, evicting the oldest', async () => {
    const user = await registerVerified(t, api);
    const tokens: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const login = await api.post('/api/v1/auth/login', {
        email: user.email,
        password: user.password,
        device_id: `d${i}`,
      });
      tokens.push(login.body.data.access_token);
    }
    expect((await api.get('/api/v1/users/me', { token: tokens[0] })).status).toBe(401);
    const sessions = await api.get('/api/v1/auth/sessions', { token: tokens[3] });
    expect(sessions.body.data.map((s: { device_id: string }) => s.device_id)).toEqual([
      'd1',
      'd2',
      'd3',
    ]);
    expect(sessions.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });
});

describe('sessions', () => {
  it('revokes one session by id; another user’s session is 404', async () => {
    const user = await registerVerified(t, api);
    const a = await api.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const b = await api.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const list = await api.get('/api/v1/auth/sessions', { token: b.body.data.access_token });
    const other = list.body.data.find((s: { current: boolean }) => !s.current);
    const stranger = await signIn(t, api);
    expect(
      (await api.delete(`/api/v1/auth/sessions/${other.id}`, { token: stranger.accessToken }))
        .status,
    ).toBe(404);
    expect(
      (await api.delete(`/api/v1/auth/sessions/${other.id}`, { token: b.body.data.access_token }))
        .status,
    ).toBe(204);
    expect((await api.get('/api/v1/users/me', { token: a.body.data.access_token })).status).toBe(
      401,
    );
    expect((await api.get('/api/v1/users/me', { token: b.body.data.access_token })).status).toBe(
      200,
    );
  });

  it('logout-all ends every session', async () => {
    const user = await registerVerified(t, api);
    const a = await api.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const b = await api.post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(
      (await api.post('/api/v1/auth/logout-all', undefined, { token: a.body.data.access_token }))
        .status,
    ).toBe(204);
    expect((await api.get('/api/v1/users/me', { token: b.body.data.access_token })).status).toBe(
      401,
    );
  });

  it('refreshes from the HttpOnly cookie when the body has no token', async () => {
    const user = await signIn(t, api);
    const reply = await api.post(
      '/api/v1/auth/refresh',
      {},
      { headers: { cookie: `tf_refresh=${user.refreshToken}` } },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data.refresh_token).not.toBe(user.refreshToken);
  });
});

describe('password reset', () => {
  it('emails a token, sets the new password, ends every session; forgot answers alike for unknown emails', async () => {
    const user = await signIn(t, api);
    const known = await api.post('/api/v1/auth/password/forgot', { email: user.email });
    const unknown = await api.post('/api/v1/auth/password/forgot', { email: newEmail() });
    expect(known.status).toBe(202);
    expect(unknown.body.data).toEqual(known.body.data);
    await expect
      .poll(() => t.mail.some((m) => m.to === user.email && m.subject.includes('Reset')))
      .toBe(true);
    const token = await tokenFromMail(t, user.email);

    expect(
      (await api.post('/api/v1/auth/password/reset', { token, password: 'short' })).status,
    ).toBe(422);
    expect(
      (await api.post('/api/v1/auth/password/reset', { token, password: 'brand-new-password' }))
        .status,
    ).toBe(204);
    expect(
      (await api.post('/api/v1/auth/password/reset', { token, password: 'another-password' }))
        .status,
    ).toBe(422);
    expect((await api.get('/api/v1/users/me', { token: user.accessToken })).status).toBe(401);
    expect(
      (await api.post('/api/v1/auth/login', { email: user.email, password: user.password })).status,
    ).toBe(401);
    expect(
      (await api.post('/api/v1/auth/login', { email: user.email, password: 'brand-new-password' }))
        .status,
    ).toBe(200);
  });
});

describe('/users/me', () => {
  it('changes name and timezone', async () => {
    const user = await signIn(t, api);
    const reply = await api.patch(
      '/api/v1/users/me',
      { name: 'Renamed', timezone: 'Asia/Tokyo' },
      { token: user.accessToken },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ name: 'Renamed', timezone: 'Asia/Tokyo' });
  });

  it('changes the password only with the current one, and ends the other sessions', async () => {
    const user = await signIn(t, api);
    const other = await api.post('/api/v1/auth/login', {
      email: user.email,
      password: user.password,
    });
    const missing = await api.patch(
      '/api/v1/users/me',
      { password: 'next-password-1' },
      { token: user.accessToken },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error.details[0].field).toBe('current_password');
    const wrong = await api.patch(
      '/api/v1/users/me',
      { password: 'next-password-1', current_password: 'nope-nope' },
      { token: user.accessToken },
    );
    expect(wrong.status).toBe(422);
    const ok = await api.patch(
      '/api/v1/users/me',
      { password: 'next-password-1', current_password: user.password },
      { token: user.accessToken },
    );
    expect(ok.status).toBe(200);
    expect((await api.get('/api/v1/users/me', { token: user.accessToken })).status).toBe(200);
    expect(
      (await api.get('/api/v1/users/me', { token: other.body.data.access_token })).status,
    ).toBe(401);
  });

  it('answers 401 with the envelope without a token, with a garbage token, and with a token of another issuer key', async () => {
    for (const token of [undefined, 'garbage', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const reply = await api.get('/api/v1/users/me', { token });
      expect(reply.status).toBe(401);
      expect(reply.body.success).toBe(false);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('/.well-known/jwks.json', () => {
  it('publishes the public key that verifies access tokens, without the private part', async () => {
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const user = await signIn(t, api);
    const jwks = await api.get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(
      user.accessToken,
      createLocalJWKSet(jwks.body),
      {
        issuer: 'teamflow',
        audience: 'teamflow',
      },
    );
    expect(protectedHeader.kid).toBe(jwks.body.keys[0].kid);
    expect(payload.sub).toBe(user.id);
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload).toHaveProperty('sid');
  });
});
