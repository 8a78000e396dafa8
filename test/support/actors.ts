// Builders for the people in a test: a verified, signed-in user in one call.
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { Client } from './client.js';
import { uniqueTag } from './env.js';

export interface SignedInUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * The token in the last email sent to `to` (from its `?token=` link), once the mail the requests
 * so far asked for has gone out (the app's own job runner sends it).
 */
export async function tokenFromMail(app: TestApp, to: string): Promise<string> {
  await app.mailSent();
  const message = [...app.mail].reverse().find((m) => m.to === to);
  const token = message && /\?token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no token mailed to ${to}`);
  return token;
}

export async function registerVerified(
  app: TestApp,
  api: Client,
  fields: { email?: string; password?: string; name?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = fields.email ?? `user-${uniqueTag()}@example.com`;
  const password = fields.password ?? 'correct-horse-battery';
  const registered = await api.post('/api/v1/auth/register', {
    email,
    password,
    name: fields.name ?? 'Test User',
  });
  expect(registered.status).toBe(201);
  const verified = await api.post('/api/v1/auth/verify-email', {
    token: await tokenFromMail(app, email),
  });
  expect(verified.status).toBe(200);
  return { id: registered.body.data.id, email, password };
}

export async function signIn(
  app: TestApp,
  api: Client,
  fields: { email?: string; password?: string } = {},
): Promise<SignedInUser> {
  const user = await registerVerified(app, api, fields);
  const login = await api.post('/api/v1/auth/login', {
    email: user.email,
    password: user.password,
  });
  expect(login.status).toBe(200);
  return {
    ...user,
    accessToken: login.body.data.access_token,
    refreshToken: login.body.data.refresh_token,
  };
}
