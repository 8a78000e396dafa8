// Analytics through HTTP on a clock the test moves: the worked example of the efficiency score
// (docs/api.md) reproduced by real tasks, cycle time from first in progress to done, throughput
// per week, overdue, my_tasks, workload; the scopes (a member counts its own and its teams', a
// requester what it requested, a viewer and a manager the organization); filters; CSV; 422s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  createOrganization,
  httpBuilders,
  memberWithRole,
  signIn,
  type ProjectFixture,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { uniqueTag } from '../../support/env.js';

const HOUR = 3_600_000;
const clock = fakeClock(new Date());

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let alice: SignedInUser;
let bob: SignedInUser;
let carol: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let project: ProjectFixture;
let other: ProjectFixture;
const completions: Date[] = [];
const kit = httpBuilders<{ id: string; version: number }>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const analyticsPath = (query = '') => `/api/v1/organizations/${org.id}/analytics${query}`;
const status = (category: string) => project.statuses.find((s) => s.category === category)!.id;

/**
 * Moves the clock and signs everyone in again: access tokens live 15 minutes on the app's clock.
 */
async function advance(ms: number) {
  clock.advance(ms);
  const again = async (user: SignedInUser): Promise<SignedInUser> => {
    const reply = await api.post('/api/v1/auth/login', {
      email: user.email,
      password: user.password,
    });
    expect(reply.status).toBe(200);
    return { ...user, accessToken: reply.body.data.access_token };
  };
  const people = await Promise.all([owner, alice, bob, carol, viewer, requester].map(again));
  [owner, alice, bob, carol, viewer, requester] = people as [
    SignedInUser,
    SignedInUser,
    SignedInUser,
    SignedInUser,
    SignedInUser,
    SignedInUser,
  ];
}

async function move(task: { id: string }, category: string) {
  const reply = await api.post(
    `/api/v1/organizations/${org.id}/tasks/${task.id}/move`,
    { status_id: status(category) },
    as(owner),
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  if (category === 'done') completions.push(clock.now());
}

async function actual(task: { id: string }, hours: number) {
  const reply = await api.patch(
    `/api/v1/organizations/${org.id}/tasks/${task.id}`,
    { actual_hours: hours },
    as(owner),
  );
  expect(reply.status).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp({ ANALYTICS_CACHE_SECONDS: '0' }, { clock });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  alice = await memberWithRole(t, api, org.id, 'member');
  bob = await memberWithRole(t, api, org.id, 'member');
  carol = await memberWithRole(t, api, org.id, 'member');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  const team = await api.post(
    `/api/v1/organizations/${org.id}/teams`,
    { name: `T ${uniqueTag()}` },
    as(owner),
  );
  for (const member of [alice, carol]) {
    const added = await api.post(
      `/api/v1/organizations/${org.id}/teams/${team.body.data.id}/members`,
      { user_id: member.id },
      as(owner),
    );
    expect(added.status).toBe(201);
  }
  project = await kit.aProject();
  other = await kit.aProject();

  // Ten tasks: four completed, three of them with both hours (8/10, 5/4, 3/6), one straight to
  // done (never in progress), one overdue, the rest open.
  const t1 = await kit.aTask(project, { assignee_id: alice.id, estimate_hours: 8 });
  const t2 = await kit.aTask(project, {
    assignee_id: alice.id,
    estimate_hours: 5,
    priority: 'high',
  });
  const t3 = await kit.aTask(project, { assignee_id: bob.id, estimate_hours: 3 });
  const t4 = await kit.aTask(project, { assignee_id: carol.id, estimate_hours: 2 });
  const due = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
  await kit.aTask(project, {
    assignee_id: bob.id,
    estimate_hours: 7,
    due_at: due,
    priority: 'critical',
  });
  for (let i = 0; i < 4; i++) await kit.aTask(other);
  await kit.aTask(project, {}, requester);
  for (const task of [t1, t2, t3]) await move(task, 'in_progress');
  await advance(4 * HOUR);
  await actual(t2, 4);
  await move(t2, 'done');
  await advance(6 * HOUR);
  await actual(t1, 10);
  await move(t1, 'done');
  await advance(10 * HOUR);
  await actual(t3, 6);
  await move(t3, 'done');
  await move(t4, 'done');
});
afterAll(async () => {
  await t.close();
});

describe('GET /organizations/{org}/analytics', () => {
  it('reproduces the worked example of the efficiency score, and the rest of the figures', async () => {
    const reply = await api.get(analyticsPath(), as(owner));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const data = reply.body.data;
    expect(data.scope).toBe('organization');
    expect(data.totals).toMatchObject({
      total: 10,
      by_status_category: { todo: 6, in_progress: 0, done: 4 },
      by_priority: { low: 0, medium: 8, high: 1, critical: 1 },
      overdue: 1,
    });
    expect(data.efficiency_score).toEqual({
      score: 0.5467,
      completion_rate: 0.4,
      time_efficiency: 0.7667,
      sample: 3,
    });
    expect(data.cycle_time.count).toBe(3);
    expect(data.cycle_time.p50_hours).toBeCloseTo(10, 6);
    expect(data.cycle_time.p85_hours).toBeCloseTo(17, 6);
    const weeks = new Map<string, number>();
    for (const at of completions) {
      const monday = new Date(at);
      monday.setUTCHours(0, 0, 0, 0);
      monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
      const key = monday.toISOString().slice(0, 10);
      weeks.set(key, (weeks.get(key) ?? 0) + 1);
    }
    for (const [week, n] of weeks) {
      expect(data.throughput).toContainEqual({ week_start: week, completed: n });
    }
    expect(
      data.throughput.reduce((sum: number, w: { completed: number }) => sum + w.completed, 0),
    ).toBe(4);
    expect(data.throughput.length).toBeGreaterThanOrEqual(12);
    expect(data.workload).toEqual([{ assignee_id: bob.id, open_tasks: 1, estimate_hours: 7 }]);
    expect(data.my_tasks).toEqual({ total: 0, completed: 0, in_progress: 0, pending: 0 });
  });

  it('my_tasks are the caller’s; a member counts its own and its teams’ tasks', async () => {
    const reply = await api.get(analyticsPath(), as(alice));
    const data = reply.body.data;
    expect(data.scope).toBe('own');
    expect(data.my_tasks).toEqual({ total: 2, completed: 2, in_progress: 0, pending: 0 });
    // Alice's two and her teammate Carol's one; not Bob's, not the unassigned.
    expect(data.totals.total).toBe(3);
    expect(
      data.totals.by_assignee.map((e: { assignee_id: string }) => e.assignee_id).sort(),
    ).toEqual([alice.id, carol.id].sort());
  });

  it('a requester counts what it requested; a viewer the organization', async () => {
    expect((await api.get(analyticsPath(), as(requester))).body.data.totals.total).toBe(1);
    const seen = (await api.get(analyticsPath(), as(viewer))).body.data;
    expect(seen.scope).toBe('organization');
    expect(seen.totals.total).toBe(10);
  });

  it('filters by project (id or key), assignee (me too), team, and the period', async () => {
    const byKey = await api.get(analyticsPath(`?project_id=${other.key}`), as(owner));
    expect(byKey.body.data.totals.total).toBe(4);
    const mine = await api.get(analyticsPath('?assignee_id=me'), as(bob));
    expect(mine.body.data.totals.total).toBe(2);
    const team = await api.get(analyticsPath(`?team_id=${(await teamOf()).id}`), as(owner));
    expect(team.body.data.totals.total).toBe(3);
    const before = new Date(completions[0]!.getTime() - HOUR).toISOString();
    const earlier = await api.get(
      analyticsPath(
        `?from=${encodeURIComponent(new Date(completions[0]!.getTime() - 30 * HOUR).toISOString())}&to=${encodeURIComponent(before)}`,
      ),
      as(owner),
    );
    expect(earlier.body.data.cycle_time.count).toBe(0);
    expect(earlier.body.data.totals.total).toBe(10);
  });

  it('answers the same figures as CSV', async () => {
    const response = await fetch(`${t.baseUrl}${analyticsPath()}`, {
      headers: { authorization: `Bearer ${owner.accessToken}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('table,group,key,metric,value');
    expect(lines).toContain('totals,,,total,10');
    expect(lines).toContain('totals,status_category,done,count,4');
    expect(lines).toContain('efficiency_score,,,score,0.5467');
    expect(lines).toContain(`workload,assignee,${bob.id},estimate_hours,7`);
  });

  it('answers 403 to a role without analytics:read', async () => {
    const role = await api.post(
      `/api/v1/organizations/${org.id}/roles`,
      { name: `No figures ${uniqueTag()}`, permissions: ['organization:read', 'task:read:any'] },
      as(owner),
    );
    expect(role.status).toBe(201);
    const reader = await memberWithRole(t, api, org.id, role.body.data.id);
    const reply = await api.get(analyticsPath(), as(reader));
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses a period that ends before it starts, and a bad assignee', async () => {
    const reply = await api.get(analyticsPath('?from=2026-06-01&to=2026-05-01'), as(owner));
    expect(reply.status).toBe(422);
    expect((await api.get(analyticsPath('?assignee_id=nobody'), as(owner))).status).toBe(422);
    expect((await api.get(analyticsPath('?project_id=NOPE'), as(owner))).status).toBe(404);
  });
});

async function teamOf(): Promise<{ id: string }> {
  const teams = await api.get(`/api/v1/organizations/${org.id}/teams`, as(owner));
  return teams.body.data[0];
}
