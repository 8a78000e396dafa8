// Webhooks through HTTP, with the inline worker sending to a loopback receiver that verifies
// signatures: endpoints (the secret shown once, validation, If-Match, roles), an event's delivery
// signed as Standard Webhooks says with the event JSON as its body, the delivery log, a ping, a
// redelivery with the same webhook-id, and a secret rotation during which both secrets sign.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually } from '../../support/async.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
let receiver: WebhookReceiver;
const clock = fakeClock();

beforeAll(async () => {
  t = await startTestApp(
    { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WORKER_POLL_MS: '20' },
    { clock },
  );
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answers = [];
  receiver.fallback = { status: 204 };
});

const hooks = (orgId = org.id) => `/api/v1/organizations/${orgId}/webhooks`;
const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});

async function createHook(fields: Record<string, unknown> = {}) {
  const reply = await api.post(
    hooks(),
    { url: receiver.url, events: ['label.*'], ...fields },
    as(owner),
  );
  expect(reply.status).toBe(201);
  receiver.secrets = [reply.body.data.secret];
  return reply.body.data as { id: string; secret: string; version: number };
}

const createLabel = () =>
  api.post(`/api/v1/organizations/${org.id}/labels`, { name: `L ${uniqueTag()}` }, as(owner));

/** New tokens once the clock has moved past the access token's life. */
async function loggedInAgain(user: SignedInUser): Promise<SignedInUser> {
  const login = await api.post('/api/v1/auth/login', {
    email: user.email,
    password: user.password,
  });
  expect(login.status).toBe(200);
  return { ...user, accessToken: login.body.data.access_token };
}

const received = (type: string) => receiver.received.filter((r) => r.body.includes(type));

describe('webhook endpoints', () => {
  it('shows the secret once, never again, and keeps it out of caches', async () => {
    const reply = await api.post(
      hooks(),
      { url: receiver.url, events: ['task.*', 'comment.created'], description: ' CI ' },
      as(owner),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body.data).toMatchObject({
      url: receiver.url,
      events: ['task.*', 'comment.created'],
      active: true,
      description: 'CI',
      version: 1,
    });
    expect(reply.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await api.get(`${hooks()}/${reply.body.data.id}`, as(owner));
    expect(read.status).toBe(200);
    expect(read.body.data).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain(reply.body.data.secret);
    const listed = await api.get(hooks(), as(owner));
    expect(listed.body.data.map((h: { id: string }) => h.id)).toContain(reply.body.data.id);
  });

  it('names every invalid field at once', async () => {
    const reply = await api.post(
      hooks(),
      { url: 'ftp://user:pw@example.com/x', events: ['task.created', 'nope', 'task.*'] },
      as(owner),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.error.details).toEqual([
      { field: 'url', message: 'Must be http:// or https://' },
      { field: 'events.1', message: 'Not an event type, a `family.*` or `*`' },
    ]);
    const empty = await api.post(hooks(), { url: receiver.url, events: [] }, as(owner));
    expect(empty.status).toBe(422);
    expect(empty.body.error.details[0].field).toBe('events');
  });

  it('changes an endpoint under If-Match, audits it, and deletes it', async () => {
    const hook = await createHook();
    const stale = await api.patch(
      `${hooks()}/${hook.id}`,
      { active: false },
      as(owner, { 'if-match': '"7"' }),
    );
    expect(stale.status).toBe(412);
    const changed = await api.patch(
      `${hooks()}/${hook.id}`,
      { active: false, events: ['*'] },
      as(owner, { 'if-match': '"1"' }),
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body.data).toMatchObject({ active: false, events: ['*'] });
    const audit = await api.get(
      `/api/v1/organizations/${org.id}/audit-log?target_type=webhook`,
      as(owner),
    );
    const actions = audit.body.data
      .filter((entry: { target_id: string }) => entry.target_id === hook.id)
      .map((entry: { action: string }) => entry.action);
    expect(actions.sort()).toEqual(['webhook.created', 'webhook.updated']);
    expect((await api.delete(`${hooks()}/${hook.id}`, as(owner))).status).toBe(204);
    expect((await api.get(`${hooks()}/${hook.id}`, as(owner))).status).toBe(404);
  });

  it('is refused to those without webhook:manage (a manager), and hidden from strangers', async () => {
    const hook = await createHook();
    const manager = await memberWithRole(t, api, org.id, 'manager');
    expect((await api.get(hooks(), as(manager))).status).toBe(403);
    expect((await api.get(`${hooks()}/${hook.id}/deliveries`, as(manager))).status).toBe(403);
    const stranger = await signIn(t, api);
    expect((await api.get(`${hooks()}/${hook.id}`, as(stranger))).status).toBe(404);
    await api.delete(`${hooks()}/${hook.id}`, as(owner));
  });
});

describe('deliveries', () => {
  it('sends a committed event signed, its body the event as the feed shows it, and logs it', async () => {
    const hook = await createHook();
    const label = await createLabel();
    expect(label.status).toBe(201);
    await eventually(async () => received('label.created').length === 1, 30_000);
    const [request] = received('label.created');
    expect(request!.validFor).toEqual([hook.secret]);
    const event = JSON.parse(request!.body);
    const feed = await api.get(
      `/api/v1/organizations/${org.id}/events?types=label.created`,
      as(owner),
    );
    expect(feed.body.data).toContainEqual(event);
    expect(event.subject.id).toBe(label.body.data.id);
    await eventually(async () => {
      const log = await api.get(`${hooks()}/${hook.id}/deliveries`, as(owner));
      return log.body.data[0]?.status === 'delivered';
    }, 30_000);
    const log = await api.get(`${hooks()}/${hook.id}/deliveries`, as(owner));
    expect(log.body.data[0]).toMatchObject({
      id: request!.headers['webhook-id'],
      event_id: event.id,
      event_type: 'label.created',
      attempts: 1,
      last_status_code: 204,
      attempt_log: [{ attempt: 1, status_code: 204, error: null, response_excerpt: '' }],
    });
    expect(log.body.data[0].attempt_log[0].request_id).toBe(request!.headers['x-request-id']);
    await api.delete(`${hooks()}/${hook.id}`, as(owner));
  });

  it('sends nothing to an endpoint not subscribed, or inactive', async () => {
    const other = await createHook({ events: ['task.created'] });
    const inactive = await createHook({ active: false });
    const subscribed = await createHook();
    await createLabel();
    await eventually(async () => receiver.received.length >= 1, 30_000);
    const log = async (id: string) =>
      (await api.get(`${hooks()}/${id}/deliveries`, as(owner))).body.data;
    expect(await log(other.id)).toEqual([]);
    expect(await log(inactive.id)).toEqual([]);
    expect(await log(subscribed.id)).toHaveLength(1);
    for (const hook of [other, inactive, subscribed]) {
      await api.delete(`${hooks()}/${hook.id}`, as(owner));
    }
  });

  it('pings, and redelivers with the same webhook-id', async () => {
    const hook = await createHook();
    const ping = await api.post(`${hooks()}/${hook.id}/ping`, {}, as(owner));
    expect(ping.status).toBe(202);
    expect(ping.body.data).toMatchObject({ event_type: 'webhook.ping', status: 'pending' });
    await eventually(async () => received('webhook.ping').length === 1, 30_000);
    expect(JSON.parse(received('webhook.ping')[0]!.body)).toMatchObject({
      type: 'webhook.ping',
      organization_id: org.id,
      subject: { type: 'webhook', id: hook.id },
    });
    await eventually(async () => {
      const one = await api.get(`${hooks()}/${hook.id}/deliveries/${ping.body.data.id}`, as(owner));
      return one.body.data.status === 'delivered';
    }, 30_000);
    const again = await api.post(
      `${hooks()}/${hook.id}/deliveries/${ping.body.data.id}/redeliver`,
      {},
      as(owner),
    );
    expect(again.status).toBe(202);
    await eventually(async () => received('webhook.ping').length === 2, 30_000);
    const ids = received('webhook.ping').map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([ping.body.data.id, ping.body.data.id]);
    // Both asks are audited, with the delivery's id, and raise events of the same types.
    const audit = await api.get(
      `/api/v1/organizations/${org.id}/audit-log?target_type=webhook`,
      as(owner),
    );
    const asks = audit.body.data
      .filter((entry: { action: string }) => /pinged|redelivered/.test(entry.action))
      .map((entry: { action: string; changes: { delivery_id: string } }) => [
        entry.action,
        entry.changes.delivery_id,
      ]);
    expect(asks.sort()).toEqual([
      ['webhook.pinged', ping.body.data.id],
      ['webhook.redelivered', ping.body.data.id],
    ]);
    const events = await api.get(
      `/api/v1/organizations/${org.id}/events?types=webhook.pinged,webhook.redelivered`,
      as(owner),
    );
    expect(
      events.body.data.map((e: { type: string; data: { delivery_id: string } }) => [
        e.type,
        e.data.delivery_id,
      ]),
    ).toEqual([
      ['webhook.pinged', ping.body.data.id],
      ['webhook.redelivered', ping.body.data.id],
    ]);
    const missing = `${hooks()}/${hook.id}/deliveries/${crypto.randomUUID()}/redeliver`;
    expect((await api.post(missing, {}, as(owner))).status).toBe(404);
    await api.delete(`${hooks()}/${hook.id}`, as(owner));
  });

  it('signs with both secrets during a rotation’s overlap, then with the new one only', async () => {
    const hook = await createHook();
    const rotated = await api.post(`${hooks()}/${hook.id}/rotate-secret`, {}, as(owner));
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const fresh = rotated.body.data.secret as string;
    expect(fresh).not.toBe(hook.secret);
    receiver.secrets = [hook.secret, fresh];
    await createLabel();
    await eventually(async () => received('label.created').length === 1, 30_000);
    const during = received('label.created')[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(during.validFor).toEqual([hook.secret, fresh]);

    clock.advance(25 * 3_600_000);
    owner = await loggedInAgain(owner);
    await createLabel();
    await eventually(async () => received('label.created').length === 2, 30_000);
    expect(received('label.created')[1]!.validFor).toEqual([fresh]);
    await api.delete(`${hooks()}/${hook.id}`, as(owner));
  });
});
