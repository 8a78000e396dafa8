// The events feed over HTTP (GET /organizations/{org}/events): every write's event, oldest first,
// paged with `after`, filtered by type, each shown only to who may read what it is about. (Other
// organizations' owners get 404 and anonymous callers 401: the isolation matrix.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually } from '../../support/async.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';

interface FeedEvent {
  id: string;
  type: string;
  organization_id: string;
  project_id: string | null;
  subject: { type: string; id: string | null; key: string | null };
  actor: { type: string; id: string };
  data: Record<string, unknown>;
  request_id: string | null;
  occurred_at: string;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const feedPath = (query = '') => `/api/v1/organizations/${org.id}/events${query && `?${query}`}`;

async function feed(query = '', as: SignedInUser = owner): Promise<FeedEvent[]> {
  const reply = await api.get(feedPath(query), { token: as.accessToken });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.data as FeedEvent[];
}

/** The feed once `match` holds for it (an event is readable a moment after its commit). */
async function feedUntil(
  match: (events: FeedEvent[]) => boolean,
  query = 'limit=200',
  as: SignedInUser = owner,
): Promise<FeedEvent[]> {
  let events: FeedEvent[] = [];
  await eventually(async () => match((events = await feed(query, as))), 30_000);
  return events;
}

describe('the events feed', () => {
  it('tells each write once, in order, with its subject, actor, change and request', async () => {
    const project = await aProject();
    const task = await aTask(project, { title: 'Ship it' });
    const renamed = await api.patch(
      `/api/v1/organizations/${org.id}/tasks/${task.id}`,
      { title: 'Ship it now' },
      { token: owner.accessToken },
    );
    expect(renamed.status).toBe(200);
    const requestId = renamed.headers.get('x-request-id');
    const events = await feedUntil((all) => all.some((e) => e.type === 'task.updated'));
    const types = events.map((e) => e.type);
    expect(types.indexOf('project.created')).toBeLessThan(types.indexOf('task.created'));
    expect(types.indexOf('task.created')).toBeLessThan(types.indexOf('task.updated'));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const updated = events.find((e) => e.type === 'task.updated')!;
    expect(updated).toMatchObject({
      organization_id: org.id,
      project_id: project.id,
      subject: { type: 'task', id: task.id, key: task.key },
      actor: { type: 'user', id: owner.id },
      data: { title: { from: 'Ship it', to: 'Ship it now' } },
    });
    expect(updated.request_id).toBe(requestId);
    expect(Date.parse(updated.occurred_at)).not.toBeNaN();
  });

  it('raises one event per task of a bulk change, each with the bulk request’s id', async () => {
    const project = await aProject();
    const tasks = [await aTask(project), await aTask(project), await aTask(project)];
    const bulk = await api.post(
      `/api/v1/organizations/${org.id}/tasks/bulk`,
      { task_ids: tasks.map((task) => task.id), set: { priority: 'critical' } },
      { token: owner.accessToken },
    );
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    const requestId = bulk.headers.get('x-request-id');
    const events = await feedUntil(
      (all) => all.filter((e) => e.request_id === requestId).length >= tasks.length,
      'types=task.updated&limit=200',
    );
    const ofBulk = events.filter((e) => e.request_id === requestId);
    expect(ofBulk.map((e) => e.subject.id).sort()).toEqual(tasks.map((task) => task.id).sort());
    expect(events.every((e) => e.type === 'task.updated')).toBe(true);
  });

  it('pages with `after`: every event once, in the order of the whole list', async () => {
    const project = await aProject();
    await aTask(project);
    const whole = await feedUntil((all) =>
      all.some((e) => e.project_id === project.id && e.type === 'task.created'),
    );
    const walked: FeedEvent[] = [];
    let after: string | null = null;
    do {
      const reply = await api.get(feedPath(`limit=2${after ? `&after=${after}` : ''}`), {
        token: owner.accessToken,
      });
      expect(reply.status).toBe(200);
      walked.push(...(reply.body.data as FeedEvent[]));
      after = reply.body.meta.pagination.next_cursor as string | null;
      expect(reply.body.meta.pagination.has_more).toBe(after !== null);
    } while (after !== null && walked.length < whole.length);
    expect(walked.slice(0, whole.length).map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });

  it('refuses an unknown event type and an `after` that names no event (422)', async () => {
    const badType = await api.get(feedPath('types=task.created,task.exploded'), {
      token: owner.accessToken,
    });
    expect(badType.status).toBe(422);
    expect(JSON.stringify(badType.body.error)).toContain('task.exploded');
    const badAfter = await api.get(feedPath(`after=${crypto.randomUUID()}`), {
      token: owner.accessToken,
    });
    expect(badAfter.status).toBe(422);
    expect(badAfter.body.error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(badAfter.body.error.details)).toContain('after');
  });

  it('shows a viewer every task’s events and a requester only those of what it asked for', async () => {
    const project = await aProject();
    const requester = await memberWithRole(t, api, org.id, 'requester');
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const theirs = await aTask(project, {}, requester);
    const ours = await aTask(project);
    const created = (all: FeedEvent[]) =>
      all.filter((e) => e.type === 'task.created').map((e) => e.subject.id);
    const seenByViewer = await feedUntil(
      (all) => created(all).includes(ours.id) && created(all).includes(theirs.id),
      'limit=200',
      viewer,
    );
    expect(
      seenByViewer.some((e) => e.type === 'member.added' || e.type === 'project.created'),
    ).toBe(true);
    const seenByRequester = await feedUntil(
      (all) => created(all).includes(theirs.id),
      'limit=200',
      requester,
    );
    expect(created(seenByRequester)).toEqual([theirs.id]);
    const taskFamilies = ['task', 'comment', 'relation', 'watcher'];
    for (const event of seenByRequester) {
      if (taskFamilies.includes(event.type.split('.')[0]!)) {
        expect(event.subject.id === theirs.id || event.data.task_id === theirs.id).toBe(true);
      }
      // Nothing about people, roles or keys for a requester.
      expect(event.type).not.toMatch(/^(member|role|api_key|invitation)\./);
    }
  });
});
