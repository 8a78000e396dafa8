// Assignment rules through HTTP: the list replaced whole with If-Match, its references checked
// (422 naming the rule's field), a rule whose target went away reported in the list; on create,
// the first matching rule that can assign someone wins, an explicit assignee wins over rules,
// history and audit say which rule assigned; round robin is fair under 60 concurrent creations;
// least loaded picks the fewest open tasks; members who left or may not write tasks are skipped.
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
import { uniqueTag } from '../../support/env.js';

interface TaskBody {
  readonly id: string;
  readonly assignee_id: string | null;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = () => `/api/v1/organizations/${org.id}`;
const rulesPath = (project: ProjectFixture) =>
  `${orgPath()}/projects/${project.id}/assignment-rules`;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

async function aTeam(members: readonly SignedInUser[]): Promise<string> {
  const team = await api.post(`${orgPath()}/teams`, { name: `Desk ${uniqueTag()}` }, as(owner));
  expect(team.status).toBe(201);
  for (const member of members) {
    const added = await api.post(
      `${orgPath()}/teams/${team.body.data.id}/members`,
      { user_id: member.id },
      as(owner),
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  return team.body.data.id as string;
}

async function aLabel(): Promise<{ id: string; name: string }> {
  const label = await api.post(`${orgPath()}/labels`, { name: `lbl-${uniqueTag()}` }, as(owner));
  expect(label.status).toBe(201);
  return label.body.data;
}

async function putRules(project: ProjectFixture, rules: unknown[], ifMatch?: string) {
  return api.put(rulesPath(project), undefined, {
    ...as(owner),
    raw: JSON.stringify(rules),
    headers: { 'content-type': 'application/json', ...(ifMatch && { 'if-match': ifMatch }) },
  });
}

const members = (n: number, role = 'member') =>
  Promise.all(Array.from({ length: n }, () => memberWithRole(t, api, org.id, role)));

describe('the rule list', () => {
  it('starts empty at version 0, is replaced whole with If-Match, names resolved to ids', async () => {
    const project = await kit.aProject();
    const empty = await api.get(rulesPath(project), as(owner));
    expect(empty.body.data).toEqual([]);
    expect(empty.headers.get('etag')).toBe('"0"');
    const [agent] = await members(1);
    const label = await aLabel();
    const put = await putRules(
      project,
      [
        {
          task_type: 'bug',
          label: label.name,
          priority: 'high',
          assignee_id: agent!.id,
          strategy: 'fixed',
        },
      ],
      '"0"',
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    const [rule] = put.body.data;
    expect(rule).toMatchObject({
      label_id: label.id,
      priority: 'high',
      assignee_id: agent!.id,
      team_id: null,
      strategy: 'fixed',
      problem: null,
    });
    expect(rule.task_type_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.get(rulesPath(project), as(owner))).body.data).toEqual(put.body.data);
    expect((await putRules(project, [], '"0"')).status).toBe(412);
    const kept = await putRules(
      project,
      [{ ...put.body.data[0], problem: undefined }].map(strip),
      '"1"',
    );
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body.data[0].id).toBe(rule.id);
  });

  it('refuses rules that name nothing or do not fit their strategy, naming each field', async () => {
    const project = await kit.aProject();
    const team = await aTeam([]);
    const reply = await putRules(project, [
      { team_id: team, strategy: 'fixed' },
      { assignee_id: owner.id, strategy: 'round_robin' },
      { label: 'no-such-label', team_id: team, strategy: 'least_loaded' },
      { task_type: 'Nope', assignee_id: owner.id, strategy: 'fixed' },
      { team_id: '00000000-0000-4000-8000-000000000000', strategy: 'round_robin' },
    ]);
    expect(reply.status).toBe(422);
    const fields = (reply.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['0.strategy', '1.strategy', '2.label', '3.task_type']);
    const missing = await putRules(project, [
      { team_id: '00000000-0000-4000-8000-000000000000', strategy: 'round_robin' },
      { assignee_id: '00000000-0000-4000-8000-000000000000', strategy: 'fixed' },
    ]);
    expect(missing.status).toBe(422);
    expect((missing.body.error.details as { field: string }[]).map((d) => d.field)).toEqual([
      '0.team_id',
      '1.assignee_id',
    ]);
  });

  it('is managed with project:update: a member reads it but may not replace it', async () => {
    const project = await kit.aProject();
    const [member] = await members(1);
    expect((await api.get(rulesPath(project), as(member!))).status).toBe(200);
    const refused = await api.put(rulesPath(project), [], as(member!));
    expect(refused.status).toBe(403);
  });
});

/** A rule as sent back: without what the server reports. */
function strip(rule: Record<string, unknown>) {
  const { problem: _problem, task_type_id, label_id, ...rest } = rule;
  return Object.fromEntries(
    Object.entries({ ...rest, task_type: task_type_id, label: label_id }).filter(
      ([, value]) => value !== null && value !== undefined,
    ),
  );
}

describe('on create', () => {
  it('assigns by the first matching rule; a named assignee wins; history and audit name the rule', async () => {
    const project = await kit.aProject();
    const [first, second, chosen] = await members(3);
    const label = await aLabel();
    const put = await putRules(project, [
      { label: label.id, assignee_id: first!.id, strategy: 'fixed' },
      { priority: 'critical', assignee_id: second!.id, strategy: 'fixed' },
    ]);
    expect(put.status).toBe(200);
    const ruleId = put.body.data[1].id;

    expect((await kit.aTask(project, { labels: [label.id] })).assignee_id).toBe(first!.id);
    const critical = await kit.aTask(project, { priority: 'critical' });
    expect(critical.assignee_id).toBe(second!.id);
    expect((await kit.aTask(project, { priority: 'low' })).assignee_id).toBeNull();
    const named = await kit.aTask(project, { labels: [label.id], assignee_id: chosen!.id });
    expect(named.assignee_id).toBe(chosen!.id);

    const history = await api.get(`${orgPath()}/tasks/${critical.id}/history`, as(owner));
    const created = history.body.data.find(
      (entry: { action: string }) => entry.action === 'created',
    );
    expect(created.changes.assignment_rule).toEqual({
      from: null,
      to: { id: ruleId, position: 1, strategy: 'fixed' },
    });
    expect(created.changes.assignee_id).toEqual({ from: null, to: second!.id });
    const audit = await api.get(`${orgPath()}/audit-log?action=task.created&limit=100`, as(owner));
    const entry = audit.body.data.find((e: { target_id: string }) => e.target_id === critical.id);
    expect(entry.changes.assignment_rule.to.id).toBe(ruleId);
  });

  it('round robin is fair under 60 concurrent creations, skipping who may not write tasks', async () => {
    const project = await kit.aProject();
    const agents = await members(3);
    const [viewer] = await members(1, 'viewer');
    const [requester] = await members(1, 'requester');
    const team = await aTeam([...agents, viewer!, requester!]);
    expect((await putRules(project, [{ team_id: team, strategy: 'round_robin' }])).status).toBe(
      200,
    );

    const tasks = await Promise.all(Array.from({ length: 60 }, () => kit.aTask(project)));
    const counts = new Map<string | null, number>();
    for (const task of tasks) counts.set(task.assignee_id, (counts.get(task.assignee_id) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(
      Object.fromEntries(agents.map((agent) => [agent.id, 20])),
    );
  });

  it('least loaded picks the member with the fewest open tasks', async () => {
    const project = await kit.aProject();
    const [busy, idle, some] = await members(3);
    const other = await kit.aProject();
    for (const [user, n] of [
      [busy!, 3],
      [some!, 1],
    ] as const) {
      for (let i = 0; i < n; i++) await kit.aTask(other, { assignee_id: user.id });
    }
    const team = await aTeam([busy!, idle!, some!]);
    expect((await putRules(project, [{ team_id: team, strategy: 'least_loaded' }])).status).toBe(
      200,
    );
    const picks: (string | null)[] = [];
    for (let i = 0; i < 4; i++) picks.push((await kit.aTask(project)).assignee_id);
    // idle 0 → 1 → (idle 1, some 1: a tie, turns) → both at 2, then busy's 3 is no longer the most.
    expect(picks[0]).toBe(idle!.id);
    expect(picks.slice(1, 3).sort()).toEqual([idle!.id, some!.id].sort());
    expect([idle!.id, some!.id]).toContain(picks[3]);
    expect(picks).not.toContain(busy!.id);
  });

  it('passes over a member who left and reports a rule whose team is gone', async () => {
    const project = await kit.aProject();
    const [leaver, stayer, fallback] = await members(3);
    const team = await aTeam([leaver!, stayer!]);
    const gone = await aTeam([fallback!]);
    expect(
      (
        await putRules(project, [
          { team_id: gone, strategy: 'round_robin' },
          { team_id: team, strategy: 'round_robin' },
          { assignee_id: fallback!.id, strategy: 'fixed' },
        ])
      ).status,
    ).toBe(200);
    expect((await api.delete(`${orgPath()}/teams/${gone}`, as(owner))).status).toBe(204);
    expect((await api.delete(`${orgPath()}/members/${leaver!.id}`, as(owner))).status).toBe(204);

    const listed = await api.get(rulesPath(project), as(owner));
    expect(listed.body.data.map((rule: { problem: string | null }) => rule.problem)).toEqual([
      'team_missing',
      null,
      null,
    ]);
    for (let i = 0; i < 3; i++) expect((await kit.aTask(project)).assignee_id).toBe(stayer!.id);

    expect((await api.delete(`${orgPath()}/members/${stayer!.id}`, as(owner))).status).toBe(204);
    const after = await api.get(rulesPath(project), as(owner));
    expect(after.body.data[1].problem).toBe('no_eligible_member');
    expect((await kit.aTask(project)).assignee_id).toBe(fallback!.id);
  });
});
