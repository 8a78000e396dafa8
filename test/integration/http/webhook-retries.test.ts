// Webhook deliveries that do not go through at first, with the inline worker, a loopback receiver
// and a clock the test moves (retries fall due by it): a 5xx is retried and delivered later with
// the same webhook-id; so is a delivery to a receiver that was down; a redirect is not followed;
// a write that rolled back sends nothing; an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is
// disabled, its admins emailed, and set active again it resumes. Metrics count the outcomes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually } from '../../support/async.js';
import { anEvent } from '../../support/builders/events.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { uniqueTag } from '../../support/env.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';
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
  receiver.fallback = { status: 200 };
});

const path = (...segments: string[]) =>
  [`/api/v1/organizations/${org.id}/webhooks`, ...segments].join('/');
const as = () => ({ token: owner.accessToken });

async function createHook(): Promise<string> {
  const reply = await api.post(path(), { url: receiver.url, events: ['label.created'] }, as());
  expect(reply.status).toBe(201);
  receiver.secrets = [reply.body.data.secret];
  return reply.body.data.id;
}

async function createLabel(): Promise<string> {
  const reply = await api.post(
    `/api/v1/organizations/${org.id}/labels`,
    { name: `L ${uniqueTag()}` },
    as(),
  );
  expect(reply.status).toBe(201);
  return reply.body.data.id;
}

async function deliveries(hookId: string) {
  return (await api.get(path(hookId, 'deliveries'), as())).body.data;
}

/** Waits until the endpoint's latest delivery has made `attempts` attempts; returns it. */
async function afterAttempts(hookId: string, attempts: number) {
  await eventually(async () => (await deliveries(hookId))[0]?.attempts === attempts, 30_000);
  return (await deliveries(hookId))[0];
}

/** Moves the clock, and logs in again: the access token has expired by then. */
async function daysLater(days: number) {
  clock.advance(days * 86_400_000);
  const login = await api.post('/api/v1/auth/login', {
    email: owner.email,
    password: owner.password,
  });
  owner = { ...owner, accessToken: login.body.data.access_token };
}

describe('a delivery that fails', () => {
  it('is retried after a 5xx, on the schedule, with the same webhook-id', async () => {
    const hook = await createHook();
    receiver.answers = [{ status: 503, body: 'x'.repeat(5000) }];
    await createLabel();
    const failed = await afterAttempts(hook, 1);
    expect(failed.status).toBe('pending');
    const at = Date.parse(failed.attempt_log[0].attempted_at);
    expect(Date.parse(failed.next_attempt_at)).toBe(at + 5_000);
    expect(failed.attempt_log[0]).toMatchObject({ status_code: 503, error: null });
    expect(failed.attempt_log[0].response_excerpt).toBe('x'.repeat(1024));

    clock.advance(5_000);
    const delivered = await afterAttempts(hook, 2);
    expect(delivered).toMatchObject({ status: 'delivered', last_status_code: 200 });
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([delivered.id, delivered.id]);
    expect(receiver.received.every((r) => r.validFor.length === 1)).toBe(true);
    await api.delete(path(hook), as());
  });

  it('reaches a receiver that was down once it is back, with the same webhook-id', async () => {
    const hook = await createHook();
    await receiver.down();
    await createLabel();
    const failed = await afterAttempts(hook, 1);
    expect(failed.attempt_log[0].status_code).toBeNull();
    expect(failed.attempt_log[0].error).toMatch(/ECONNREFUSED/);
    await receiver.up();
    clock.advance(5_000);
    const delivered = await afterAttempts(hook, 2);
    expect(delivered.status).toBe('delivered');
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([delivered.id]);
    await api.delete(path(hook), as());
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const hook = await createHook();
    receiver.answers = [{ status: 302, location: '/elsewhere' }];
    await createLabel();
    const failed = await afterAttempts(hook, 1);
    expect(failed).toMatchObject({ status: 'pending', last_status_code: 302 });
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
    await api.delete(path(hook), as());
  });
});

describe('what is sent', () => {
  it('is nothing for a write that rolled back', async () => {
    const hook = await createHook();
    const rolledBack = anEvent(org.id, { type: 'label.created' });
    await expect(
      t.app.deps.uow.run(
        async (tx) => {
          await tx.events.append(rolledBack);
          throw new Error('the write fails after its event');
        },
        { organizationId: org.id },
      ),
    ).rejects.toThrow('the write fails');
    const committed = await createLabel();
    await eventually(async () => receiver.received.length >= 1, 30_000);
    expect(receiver.received.map((r) => JSON.parse(r.body).subject.id)).toEqual([committed]);
    expect((await deliveries(hook)).map((d: { event_id: string }) => d.event_id)).not.toContain(
      rolledBack.id,
    );
    await api.delete(path(hook), as());
  });
});

describe('an endpoint failing for days', () => {
  it('is disabled and its admins emailed; set active again, it resumes', async () => {
    const hook = await createHook();
    receiver.fallback = { status: 500 };
    await createLabel();
    await afterAttempts(hook, 1);
    await daysLater(6);
    // Due long ago: the retry fails, more than 5 days after the first failure.
    await eventually(
      async () => (await api.get(path(hook), as())).body.data.active === false,
      30_000,
    );
    const disabled = (await api.get(path(hook), as())).body.data;
    expect(disabled.disabled_at).not.toBeNull();
    const disabledMail = () =>
      t.mail.find((m) => m.to === owner.email && m.subject === 'A webhook endpoint was disabled');
    await eventually(async () => disabledMail() !== undefined, 30_000);
    const mail = disabledMail()!;
    expect(mail.text).toContain(receiver.url);

    const seen = receiver.received.length;
    receiver.fallback = { status: 200 };
    await daysLater(1);
    const resumed = await api.patch(path(hook), { active: true }, as());
    expect(resumed.body.data).toMatchObject({
      active: true,
      disabled_at: null,
      failing_since: null,
    });
    await eventually(async () => (await deliveries(hook))[0]?.status === 'delivered', 30_000);
    expect(receiver.received.length).toBe(seen + 1);
    await api.delete(path(hook), as());
  });
});

describe('metrics', () => {
  it('count the attempts by outcome and time them', async () => {
    const metrics = await fetch(`${t.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^webhook_deliveries_total\{outcome="delivered"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_deliveries_total\{outcome="retrying"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_delivery_duration_seconds_count [1-9]/m);
  });
});
