// GET /api/v1/realtime, through a real server and a real `ws` client: the handshake and its
// credential (access token, API key, refused with 401 before the upgrade), the protocol's answers
// and errors, what each subscriber is sent (viewer, requester, member, a project's subscriber),
// a removed member's socket closed (4403), an expired token's socket closed (4401, on the test
// clock) and the token kept out of the logs. Every event comes from a real write through the
// HTTP API, committed, dispatched by the app's own dispatcher and carried by its bus (Redis
// pub/sub when the run has Redis) to the socket.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/async.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { rawExchange } from '../../support/raw-http.js';
import { openSocket, refusedUpgrade, subscribe, type TestSocket } from '../../support/realtime.js';

const clock = fakeClock();
const logLines: string[] = [];
let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const sockets: TestSocket[] = [];
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  t = await startTestApp({}, { clock, logger });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t.close();
});

async function connect(token: string): Promise<TestSocket> {
  const socket = await openSocket(t.baseUrl, token);
  sockets.push(socket);
  return socket;
}

/** Waits (with a generous bound) for the dispatched events to have reached the sockets. */
const deliveredWhen = (done: () => boolean) => waitFor(done, 30_000);

const eventsOf = (socket: TestSocket) => socket.messages.filter((m) => m.type === 'event');

describe('the handshake', () => {
  it('upgrades with an access token and answers the subprotocol bearer', async () => {
    const socket = await connect(owner.accessToken);
    expect(socket.ws.protocol).toBe('bearer');
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');
  });

  it('upgrades with an API key, which subscribes in its own organization', async () => {
    const created = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: 'Realtime reader', role: 'viewer' },
      { token: owner.accessToken },
    );
    expect(created.status).toBe(201);
    const socket = await connect(created.body.data.key as string);
    expect(await subscribe(socket, { organization_id: org.slug })).toMatchObject({
      type: 'subscribed',
      organization_id: org.id,
    });
  });

  it('refuses a bad token, a missing one and a lone bearer with 401 and the envelope', async () => {
    for (const protocols of [
      ['bearer', 'not-a-token'],
      ['bearer', 'tf_aaaaaaaaaaaa_' + 'x'.repeat(43)],
      ['chat'],
    ]) {
      const refused = await refusedUpgrade(t.baseUrl, protocols);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="teamflow"');
      expect(refused.body).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('answers the refused upgrade as the OpenAPI document says', async () => {
    const reply = await rawExchange(
      t.baseUrl,
      'GET /api/v1/realtime HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Protocol: bearer, nope\r\n\r\n',
    );
    expect(reply.status).toBe(401);
  });

  it('answers a plain GET with 426 and Upgrade: websocket', async () => {
    const reply = await api.get('/api/v1/realtime');
    expect(reply.status).toBe(426);
    expect(reply.headers.get('upgrade')).toBe('websocket');
    expect(reply.body.error.code).toBe('UPGRADE_REQUIRED');
  });
});

describe('the messages', () => {
  it('answers NOT_FOUND for an organization the caller is not a member of, or none at all', async () => {
    const stranger = await signIn(t, api);
    const theirs = await createOrganization(api, stranger);
    const socket = await connect(owner.accessToken);
    expect(await subscribe(socket, { organization_id: theirs.id })).toMatchObject({
      type: 'error',
      code: 'NOT_FOUND',
    });
    expect(await subscribe(socket, { organization_id: crypto.randomUUID() })).toMatchObject({
      type: 'error',
      code: 'NOT_FOUND',
    });
  });

  it('answers FORBIDDEN to a role that may not read the organization', async () => {
    const role = await api.post(
      `/api/v1/organizations/${org.id}/roles`,
      { name: `Tasks only ${crypto.randomUUID().slice(0, 8)}`, permissions: ['task:read:own'] },
      { token: owner.accessToken },
    );
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const limited = await memberWithRole(t, api, org.id, role.body.data.id as string);
    const socket = await connect(limited.accessToken);
    expect(await subscribe(socket, { organization_id: org.id })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
  });

  it('answers an error for a message that is not JSON or not of the protocol, and stays open', async () => {
    const socket = await connect(owner.accessToken);
    socket.ws.send('{not json');
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'BAD_REQUEST' });
    socket.send({ type: 'subscribe', organization_id: org.id, project_id: 'nope' });
    expect(await socket.next((m) => m.type === 'error', 1)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');
  });

  it('accepts the user channel, and unsubscribes', async () => {
    const socket = await connect(owner.accessToken);
    expect(await subscribe(socket, { channel: 'user' })).toEqual({
      type: 'subscribed',
      channel: 'user',
    });
    await subscribe(socket, { organization_id: org.id });
    socket.send({ type: 'unsubscribe', organization_id: org.slug });
    expect(await socket.next((m) => m.type === 'unsubscribed')).toEqual({
      type: 'unsubscribed',
      organization_id: org.id,
    });
  });
});

describe('what each subscriber is sent', () => {
  it('sends the viewer every task, the requester only its own, a project subscriber its project', async () => {
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const requester = await memberWithRole(t, api, org.id, 'requester');
    const [project, other] = [await aProject(), await aProject()];
    const sockets = {
      viewer: await connect(viewer.accessToken),
      requester: await connect(requester.accessToken),
      project: await connect(owner.accessToken),
    };
    await subscribe(sockets.viewer, { organization_id: org.id });
    await subscribe(sockets.requester, { organization_id: org.id });
    await subscribe(sockets.project, { organization_id: org.id, project_id: project.id });

    const byOwner = await aTask(project, { title: 'Owner’s' });
    const asked = await aTask(project, { title: 'Requester’s' }, requester);
    const elsewhere = await aTask(other, { title: 'Elsewhere' });
    const tasksSeen = (socket: TestSocket) =>
      eventsOf(socket)
        .filter((m) => m.event === 'task.created')
        .map((m) => m.data.subject.id as string);
    // Events written before the subscriptions (the members, the projects) may still reach the
    // sockets, so it waits for the last task each socket should hear, not for a count.
    await deliveredWhen(
      () =>
        tasksSeen(sockets.viewer).includes(elsewhere.id) &&
        tasksSeen(sockets.requester).includes(asked.id) &&
        tasksSeen(sockets.project).includes(asked.id),
    );
    expect(tasksSeen(sockets.viewer)).toEqual([byOwner.id, asked.id, elsewhere.id]);
    expect(tasksSeen(sockets.requester)).toEqual([asked.id]);
    expect(tasksSeen(sockets.project)).toEqual([byOwner.id, asked.id]);
    const message = eventsOf(sockets.viewer).find((m) => m.data.subject.id === asked.id)!;
    expect(message).toMatchObject({
      type: 'event',
      event: 'task.created',
      organization_id: org.id,
      data: { type: 'task.created', organization_id: org.id, project_id: project.id },
    });
    expect(message.id).toBe(message.data.id);
  });

  it('closes a removed member’s socket with 4403, and no more events reach it', async () => {
    const member = await memberWithRole(t, api, org.id, 'member');
    const socket = await connect(member.accessToken);
    await subscribe(socket, { organization_id: org.id });
    const removed = await api.delete(`/api/v1/organizations/${org.id}/members/${member.id}`, {
      token: owner.accessToken,
    });
    expect(removed.status).toBe(204);
    await deliveredWhen(() => socket.ws.readyState === socket.ws.CLOSED);
    expect((await socket.closed).code).toBe(4403);
  });

  it('reads the grant again when the subscriber’s role changes', async () => {
    const member = await memberWithRole(t, api, org.id, 'member');
    const socket = await connect(member.accessToken);
    await subscribe(socket, { organization_id: org.id });
    const project = await aProject();
    await deliveredWhen(() => eventsOf(socket).some((m) => m.event === 'project.created'));
    const demoted = await api.patch(
      `/api/v1/organizations/${org.id}/members/${member.id}`,
      { role: 'requester' },
      { token: owner.accessToken },
    );
    expect(demoted.status).toBe(200);
    const hidden = await aTask(project, { title: 'Not theirs any more' });
    const marker = await aProject();
    await deliveredWhen(() => eventsOf(socket).some((m) => m.data.subject.id === marker.id));
    expect(eventsOf(socket).some((m) => m.data.subject.id === hidden.id)).toBe(false);
  });
});

describe('the logs', () => {
  it('never hold a token or API key a socket presented', async () => {
    const key = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: 'Logged?', role: 'viewer' },
      { token: owner.accessToken },
    );
    await (await connect(key.body.data.key as string)).close();
    await (await connect(owner.accessToken)).close();
    await refusedUpgrade(t.baseUrl, ['bearer', `${owner.accessToken}x`]);
    const logged = logLines.join('\n');
    expect(logged).toContain('/api/v1/realtime');
    for (const secret of [owner.accessToken, key.body.data.key as string]) {
      expect(logged).not.toContain(secret);
      // Not even its signature or secret half.
      expect(logged).not.toContain(secret.slice(-40));
    }
  });
});

describe('an expired access token', () => {
  it('closes the socket with 4401 once the clock passes its expiry, at the next tick', async () => {
    const user = await memberWithRole(t, api, org.id, 'viewer');
    const socket = await connect(user.accessToken);
    await subscribe(socket, { organization_id: org.id });
    t.app.realtime.hub.tick();
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');
    clock.advance(t.app.deps.accessTokens.ttlSeconds * 1000 + 1000);
    t.app.realtime.hub.tick();
    expect((await socket.closed).code).toBe(4401);
    expect(await refusedUpgrade(t.baseUrl, ['bearer', user.accessToken])).toMatchObject({
      status: 401,
    });
  });
});
