// A realtime socket lives as long as its credential, on every API process: a session that ends
// (logout, logout-all, session revoked, password changed or reset, a refresh token reused) closes
// the sockets opened with its access tokens with 4401 (and one that ended unsignalled, at the
// next session check); an API key's sockets close 4401 when the
// key expires (on the test clock) and 4403 when it is revoked, subscribed or not. And the user
// channel: a user's own only, and what is published to a user reaches that user's subscribed
// sockets only. With Redis, the sockets live on two API instances (B reached through Redis
// pub/sub); without, on the one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFromMail } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/async.js';
import {
  createOrganization,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import {
  openSocket,
  refusedUpgrade,
  subscribe,
  twinInstance,
  type TestSocket,
  type TwinInstance,
} from '../../support/realtime.js';

const clock = fakeClock();
let a: TestApp;
let b: TwinInstance;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  a = await startTestApp({}, { clock });
  b = await twinInstance(a, clock);
  api = client(a.baseUrl);
  owner = await signIn(a, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await b?.close();
  await a?.close();
});

/** A socket on instance A (`on: 'a'`) or B. */
async function connect(token: string, on: 'a' | 'b' = 'a'): Promise<TestSocket> {
  const socket = await openSocket(on === 'a' ? a.baseUrl : b.baseUrl, token);
  sockets.push(socket);
  return socket;
}

/** Another session of the user: a second login's access and refresh tokens. */
async function anotherSession(user: { email: string; password: string }) {
  const login = await api.post('/api/v1/auth/login', {
    email: user.email,
    password: user.password,
  });
  expect(login.status).toBe(200);
  return {
    accessToken: login.body.data.access_token as string,
    refreshToken: login.body.data.refresh_token as string,
  };
}

/** Answers a ping: the socket is open and served. */
async function stillOpen(socket: TestSocket): Promise<void> {
  const from = socket.messages.length;
  socket.send({ type: 'ping' });
  await socket.next((m) => m.type === 'pong', from);
}

async function closedToReauthenticate(...closing: TestSocket[]): Promise<void> {
  for (const socket of closing) {
    const { code, reason } = await socket.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/reauthenticate/);
  }
}

describe('a session that ends closes its sockets, on every instance', () => {
  it('logout: that session’s sockets close 4401; another session’s stay open', async () => {
    const user = await signIn(a, api);
    const other = await anotherSession(user);
    const ended = [await connect(user.accessToken), await connect(user.accessToken, 'b')];
    const kept = await connect(other.accessToken, 'b');
    await subscribe(ended[1]!, { channel: 'user' });
    const out = await api.post('/api/v1/auth/logout', {}, { token: user.accessToken });
    expect(out.status).toBe(204);
    await closedToReauthenticate(...ended);
    await stillOpen(kept);
    expect(await refusedUpgrade(a.baseUrl, ['bearer', user.accessToken])).toMatchObject({
      status: 401,
    });
  });

  it('a session revoked by id, and logout-all', async () => {
    const user = await signIn(a, api);
    const second = await anotherSession(user);
    const third = await anotherSession(user);
    const whoami = await api.get('/api/v1/auth/whoami', { token: second.accessToken });
    const sessionId = whoami.body.data.principal.session_id as string;
    const [first, revoked, rest] = [
      await connect(user.accessToken, 'b'),
      await connect(second.accessToken, 'b'),
      await connect(third.accessToken),
    ];
    const gone = await api.delete(`/api/v1/auth/sessions/${sessionId}`, {
      token: user.accessToken,
    });
    expect(gone.status).toBe(204);
    await closedToReauthenticate(revoked);
    await stillOpen(first);
    await stillOpen(rest);

    const all = await api.post('/api/v1/auth/logout-all', {}, { token: third.accessToken });
    expect(all.status).toBe(204);
    await closedToReauthenticate(first, rest);
  });

  it('a password change closes the other sessions’ sockets, not the caller’s', async () => {
    const user = await signIn(a, api);
    const other = await anotherSession(user);
    const [mine, theirs] = [await connect(user.accessToken), await connect(other.accessToken, 'b')];
    const changed = await api.patch(
      '/api/v1/users/me',
      { password: 'next-password-1', current_password: user.password },
      { token: user.accessToken },
    );
    expect(changed.status).toBe(200);
    await closedToReauthenticate(theirs);
    await stillOpen(mine);
  });

  it('a password reset closes every session’s sockets', async () => {
    const user = await signIn(a, api);
    const [here, there] = [await connect(user.accessToken), await connect(user.accessToken, 'b')];
    const mails = a.mail.length;
    expect((await api.post('/api/v1/auth/password/forgot', { email: user.email })).status).toBe(
      202,
    );
    await waitFor(() => a.mail.slice(mails).some((m) => m.to === user.email), 30_000);
    const reset = await api.post('/api/v1/auth/password/reset', {
      token: await tokenFromMail(a, user.email),
      password: 'brand-new-password',
    });
    expect(reset.status).toBe(204);
    await closedToReauthenticate(here, there);
  });

  it('a refresh token presented twice revokes its session and closes the sockets', async () => {
    const user = await signIn(a, api);
    const socket = await connect(user.accessToken, 'b');
    const body = { refresh_token: user.refreshToken };
    const rotated = await api.post('/api/v1/auth/refresh', body);
    expect(rotated.status).toBe(200);
    // The new pair's access token names the same session: its socket closes too.
    const renewed = await connect(rotated.body.data.access_token as string);
    await stillOpen(socket);
    expect((await api.post('/api/v1/auth/refresh', body)).status).toBe(401);
    await closedToReauthenticate(socket, renewed);
  });
});

describe('a session that ended without the signal (a process that missed it)', () => {
  it('closes its sockets at the next session check; open sessions’ sockets stay', async () => {
    const user = await signIn(a, api);
    const other = await anotherSession(user);
    const [ended, kept] = [await connect(user.accessToken, 'b'), await connect(other.accessToken)];
    const whoami = await api.get('/api/v1/auth/whoami', { token: user.accessToken });
    // Straight in the table: no use case, so no signal on the bus.
    const revoked = await a.app.deps.repos.sessions.revoke(
      user.id,
      [whoami.body.data.principal.session_id as string],
      clock.now(),
      'test',
    );
    expect(revoked).toHaveLength(1);
    await stillOpen(ended);
    await Promise.all([a.app.realtime.hub.checkSessions(), b.app.realtime.hub.checkSessions()]);
    await closedToReauthenticate(ended);
    await stillOpen(kept);
  });
});

describe('the user channel', () => {
  it('takes the caller’s own channel, refuses another user’s and an API key', async () => {
    const someone = await signIn(a, api);
    const socket = await connect(owner.accessToken);
    expect(await subscribe(socket, { channel: 'user', user_id: owner.id })).toEqual({
      type: 'subscribed',
      channel: 'user',
    });
    expect(await subscribe(socket, { channel: 'user', user_id: someone.id })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
    const key = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: 'No user', role: 'viewer' },
      { token: owner.accessToken },
    );
    const keySocket = await connect(key.body.data.key as string, 'b');
    expect(await subscribe(keySocket, { channel: 'user' })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
  });

  it('hands what is published to a user to that user’s subscribed sockets only, on every instance', async () => {
    const [u, v] = [await signIn(a, api), await signIn(a, api)];
    const uA = await connect(u.accessToken);
    const uB = await connect(u.accessToken, 'b');
    const uUnsubscribed = await connect(u.accessToken);
    const vA = await connect(v.accessToken);
    for (const socket of [uA, uB, vA]) await subscribe(socket, { channel: 'user' });

    const note = { type: 'notification', data: { title: 'Assigned to RE-7', unread: 1 } };
    await a.app.realtime.hub.publishToUser(u.id, note);
    const expected = { ...note, channel: 'user' };
    expect(await uA.next((m) => m.type === 'notification')).toEqual(expected);
    expect(await uB.next((m) => m.type === 'notification')).toEqual(expected);

    // Published after the first: once a socket has it, it would have had the first too.
    const marker = { type: 'notification', data: { title: 'Marker' } };
    await b.app.realtime.hub.publishToUser(v.id, marker);
    expect(await vA.next((m) => m.type === 'notification')).toEqual({ ...marker, channel: 'user' });
    await subscribe(uUnsubscribed, { channel: 'user' });
    await a.app.realtime.hub.publishToUser(u.id, marker);
    await uUnsubscribed.next((m) => m.type === 'notification');
    expect(vA.messages.filter((m) => m.type === 'notification')).toHaveLength(1);
    expect(uUnsubscribed.messages.filter((m) => m.type === 'notification')).toEqual([
      { ...marker, channel: 'user' },
    ]);
  });
});

describe('an API key’s sockets', () => {
  async function aKey(fields: Record<string, unknown> = {}) {
    const created = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: `Socket ${crypto.randomUUID().slice(0, 8)}`, role: 'viewer', ...fields },
      { token: owner.accessToken },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.data.id as string, key: created.body.data.key as string };
  }

  it('close 4403 when the key is revoked, subscribed or not, on every instance', async () => {
    const { id, key } = await aKey();
    const subscribed = await connect(key);
    await subscribe(subscribed, { organization_id: org.id });
    const idle = await connect(key, 'b');
    const revoked = await api.delete(`/api/v1/organizations/${org.id}/api-keys/${id}`, {
      token: owner.accessToken,
    });
    expect(revoked.status).toBe(204);
    for (const socket of [subscribed, idle]) expect((await socket.closed).code).toBe(4403);
    expect(await refusedUpgrade(a.baseUrl, ['bearer', key])).toMatchObject({ status: 401 });
  });

  // Last in the file: it moves the clock past every access token's expiry.
  it('close 4401 once the clock passes the key’s expires_at', async () => {
    const expiresAt = new Date(clock.now().getTime() + 24 * 3600_000);
    const { key } = await aKey({ expires_at: expiresAt.toISOString() });
    const [here, there] = [await connect(key), await connect(key, 'b')];
    await subscribe(here, { organization_id: org.id });
    a.app.realtime.hub.tick();
    b.app.realtime.hub.tick();
    await stillOpen(here);
    await stillOpen(there);
    clock.advance(24 * 3600_000 + 1000);
    a.app.realtime.hub.tick();
    b.app.realtime.hub.tick();
    for (const socket of [here, there]) {
      expect(await socket.closed).toEqual({ code: 4401, reason: expect.stringMatching(/API key/) });
    }
    expect(await refusedUpgrade(a.baseUrl, ['bearer', key])).toMatchObject({ status: 401 });
  });
});
