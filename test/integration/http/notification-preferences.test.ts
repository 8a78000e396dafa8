// Notification preferences and what they change, through HTTP and the app's own consumer: a
// member's channels and quiet hours (email held until they end, the zone defaulting to the
// member's profile), the organization's defaults (organization:update to change them), bad input
// refused with field details; then the requester told of a move, the invitee with an account
// told of the invitation, a kind turned off telling no one, and each in-app notification pushed
// to its owner once its row committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/application/notifications/ports.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually } from '../../support/async.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

const clock = fakeClock(new Date());
const pushed: Notification[] = [];
let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let project: ProjectFixture;

beforeAll(async () => {
  t = await startTestApp(
    {},
    { clock, notificationPush: { push: (_userId, notification) => pushed.push(notification) } },
  );
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  requester = await memberWithRole(t, api, org.id, 'requester');
  project = await kit.aProject();
});
afterAll(async () => {
  await t?.close();
});

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const preferencesPath = `/api/v1/organizations/{org}/notification-preferences`;
const prefs = () => preferencesPath.replace('{org}', org.id);
const defaults = () => `/api/v1/organizations/${org.id}/notification-defaults`;
const hhmm = (date: Date) => date.toISOString().slice(11, 16);

async function inboxOf(user: SignedInUser, until: (found: any[]) => boolean): Promise<any[]> {
  let found: any[] = [];
  await eventually(async () => {
    found = (await api.get('/api/v1/notifications?limit=200', as(user))).body.data;
    return until(found);
  }, 30_000);
  return found;
}

describe('preferences', () => {
  it('are empty until set; quiet hours take the member’s profile zone when none is given', async () => {
    const empty = await api.get(prefs(), as(member));
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual({ channels: {}, quiet_hours: null, updated_at: null });

    const profile = await api.patch('/api/v1/users/me', { timezone: 'Asia/Tokyo' }, as(member));
    expect(profile.status).toBe(200);
    const put = await api.put(
      prefs(),
      { channels: { watched_task: [] }, quiet_hours: { start: '22:00', end: '07:00' } },
      as(member),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({
      channels: { watched_task: [] },
      quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Asia/Tokyo' },
    });
    expect((await api.get(prefs(), as(member))).body.data).toEqual(put.body.data);
  });

  it('refuses unknown kinds and channels, bad times and zones, naming the field', async () => {
    const bad: [unknown, string][] = [
      [{ channels: { assigned: ['pigeon'] } }, 'channels.assigned.0'],
      [{ channels: {}, quiet_hours: { start: '25:00', end: '07:00' } }, 'quiet_hours.start'],
      [{ channels: {}, quiet_hours: { start: '22:00', end: '22:00' } }, 'quiet_hours.end'],
      [
        { channels: {}, quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Mars/Base' } },
        'quiet_hours.time_zone',
      ],
      [{}, 'channels'],
    ];
    for (const [body, field] of bad) {
      const reply = await api.put(prefs(), body, as(member));
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const unknownKind = await api.put(prefs(), { channels: { gossip: ['email'] } }, as(member));
    expect(unknownKind.status).toBe(422);
  });

  it('lets members read the organization’s defaults and only organization:update change them', async () => {
    expect((await api.get(defaults(), as(member))).body.data).toEqual({
      channels: {},
      updated_at: null,
    });
    const refused = await api.put(defaults(), { channels: { assigned: [] } }, as(member));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const put = await api.put(defaults(), { channels: { invited: ['in_app'] } }, as(owner));
    expect(put.status).toBe(200);
    expect((await api.get(defaults(), as(member))).body.data.channels).toEqual({
      invited: ['in_app'],
    });
  });
});

describe('what they change', () => {
  it('holds email until quiet hours end, and pushes the in-app notification after its commit', async () => {
    const now = clock.now();
    const end = new Date(now.getTime() - (now.getTime() % 60_000) + 3_600_000);
    const start = new Date(now.getTime() - 3_600_000);
    const put = await api.put(
      prefs(),
      {
        channels: { assigned: ['in_app', 'email'] },
        quiet_hours: { start: hhmm(start), end: hhmm(end), time_zone: 'UTC' },
      },
      as(member),
    );
    expect(put.status).toBe(200);
    const task = await kit.aTask(project, { assignee_id: member.id });
    const [told] = await inboxOf(member, (found) => found.some((n) => n.task_id === task.id));
    expect(told).toMatchObject({
      kind: 'assigned',
      channels: ['in_app', 'email'],
      deliver_after: end.toISOString(),
    });
    await eventually(async () => pushed.some((n) => n.id === told.id), 30_000);
    expect(pushed.find((n) => n.id === told.id)?.userId).toBe(member.id);
  });

  it('tells no one of a kind turned off', async () => {
    await api.put(prefs(), { channels: { assigned: [] } }, as(member));
    const off = await kit.aTask(project, { assignee_id: member.id });
    // A later notification to the same member shows the consumer got past the first task.
    const later = await kit.aTask(project, {}, requester);
    await api.post(
      `/api/v1/organizations/${org.id}/tasks/${later.id}/comments`,
      { body: `@${member.email}` },
      as(owner),
    );
    const found = await inboxOf(member, (all) => all.some((n) => n.task_id === later.id));
    expect(found.filter((n) => n.task_id === off.id)).toEqual([]);
  });

  it('tells the requester of a move of their request', async () => {
    const task = await kit.aTask(project, {}, requester);
    const moved = await api.post(
      `/api/v1/organizations/${org.id}/tasks/${task.id}/move`,
      { status_id: project.statuses[1]!.id },
      as(owner),
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const [told] = await inboxOf(requester, (found) => found.some((n) => n.task_id === task.id));
    expect(told).toMatchObject({ kind: 'request_updated', event_type: 'task.moved' });
  });

  it('tells an invitee who has an account, in the inviting organization', async () => {
    const invitee = await signIn(t, api);
    const invited = await api.post(
      `/api/v1/organizations/${org.id}/invitations`,
      { email: invitee.email, role: 'member' },
      as(owner),
    );
    expect(invited.status).toBe(201);
    const [told] = await inboxOf(invitee, (found) => found.length > 0);
    // The organization's default says in-app only for invitations.
    expect(told).toMatchObject({ kind: 'invited', organization_id: org.id, channels: ['in_app'] });
  });
});
