// The dispatcher inside the API process (WORKER_MODE=inline, the default): every committed write's
// event reaches the event bus, once, in order, without anyone polling; a write that failed raises
// none; /health/detailed reports the bus and the outbox's lag, /metrics the dispatch figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PositionedEvent } from '../../../src/application/events/ports.js';
import { isBefore } from '../../../src/application/events/ports.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually, waitFor } from '../../support/async.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const published: PositionedEvent[] = [];
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  t = await startTestApp();
  t.app.events.bus.subscribe((batch) => published.push(...batch));
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const ofOrg = () => published.filter((p) => p.event.organizationId === org.id);

describe('the inline dispatcher', () => {
  it('publishes each committed write’s event once, in the order the writes committed', async () => {
    const project = await aProject();
    const task = await aTask(project, { title: 'Ship it' });
    const renamed = await api.patch(
      `/api/v1/organizations/${org.id}/tasks/${task.id}`,
      { title: 'Ship it now' },
      { token: owner.accessToken },
    );
    expect(renamed.status).toBe(200);
    await waitFor(
      () => ofOrg().some((p) => p.event.type === 'task.updated' && p.event.subject.id === task.id),
      30_000,
    );
    const mine = ofOrg();
    expect(mine.map((p) => p.event.type)).toEqual([
      'organization.created',
      'project.created',
      'task.created',
      'task.updated',
    ]);
    expect(new Set(mine.map((p) => p.event.id)).size).toBe(mine.length);
    for (let i = 1; i < mine.length; i += 1) {
      expect(isBefore(mine[i - 1]!.position, mine[i]!.position)).toBe(true);
    }
    expect(mine.at(-1)!.event.change).toEqual({
      title: { from: 'Ship it', to: 'Ship it now' },
    });
  });

  it('publishes nothing for a write that failed', async () => {
    const before = ofOrg().length;
    const project = await aProject();
    const refused = await api.post(
      `/api/v1/organizations/${org.id}/projects/${project.id}/tasks`,
      { title: '' },
      { token: owner.accessToken },
    );
    expect(refused.status).toBe(422);
    const marker = await aTask(project, { title: 'After the refusal' });
    await waitFor(() => ofOrg().some((p) => p.event.subject.id === marker.id), 30_000);
    expect(
      ofOrg()
        .slice(before)
        .map((p) => p.event.type),
    ).toEqual(['project.created', 'task.created']);
  });

  it('reports the bus and the outbox on /health/detailed once everything was dispatched', async () => {
    await aProject();
    let checks: Record<string, Record<string, unknown>> = {};
    await eventually(async () => {
      const reply = await api.get('/health/detailed');
      checks = reply.body.data.checks;
      return checks.outbox?.backlog === 0;
    }, 30_000);
    expect(checks.event_bus).toMatchObject({
      status: 'ok',
      adapter: t.app.config.CACHE_STORE === 'redis' ? 'redis' : 'memory',
    });
    expect(checks.outbox).toMatchObject({
      status: 'ok',
      worker: 'in process',
      backlog: 0,
      lag_seconds: 0,
      consecutive_failures: 0,
      last_dispatch_at: expect.any(String),
    });
  });

  it('counts what it published and how long events waited, on /metrics', async () => {
    const text = (await api.get('/metrics')).body as string;
    const published = Number(
      /^outbox_dispatched_events_total\{outcome="published"\} (\d+)/m.exec(text)?.[1],
    );
    expect(published).toBeGreaterThanOrEqual(ofOrg().length);
    expect(text).toMatch(/^outbox_dispatch_lag_seconds_count \d+/m);
    expect(text).toMatch(/^outbox_backlog_events \d+/m);
    expect(text).toMatch(/^event_bus_up 1$/m);
  });
});
