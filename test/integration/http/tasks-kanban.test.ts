// A kanban client's day, through HTTP: create a project, reorder its columns, create 100 tasks at
// once (keys 1..100, no gap, no duplicate), move and reorder them, list each column in exact
// order; 50 concurrent PATCHes with one If-Match (one wins, 49 get 412, one history row); 20
// concurrent creates with one Idempotency-Key (one task); lists with filters, sorts and cursors
// that stay correct while tasks are being inserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { aKey } from '../../support/builders/keys.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let org: TestOrganization;

const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});
const orgPath = () => `/api/v1/organizations/${org.id}`;
const taskPath = (ref: string) => `${orgPath()}/tasks/${ref}`;

interface Status {
  id: string;
  name: string;
  category: string;
}
interface Task {
  id: string;
  key: string;
  status_id: string;
  position: number;
  version: number;
}

async function aProject(): Promise<{ id: string; key: string; statuses: Status[] }> {
  const created = await api.post(
    `${orgPath()}/projects`,
    { name: 'Board', key: aKey() },
    as(owner),
  );
  expect(created.status).toBe(201);
  const statuses = await api.get(
    `${orgPath()}/projects/${created.body.data.id}/statuses`,
    as(owner),
  );
  return { id: created.body.data.id, key: created.body.data.key, statuses: statuses.body.data };
}

async function createTask(projectId: string, fields: Record<string, unknown> = {}): Promise<Task> {
  const reply = await api.post(
    `${orgPath()}/projects/${projectId}/tasks`,
    { title: 'Card', ...fields },
    as(owner),
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data;
}

/** Every task of a column, in column order, walking the cursor pages. */
async function column(projectId: string, statusId: string, limit = 7): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `status_id=${statusId}&sort=position&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await api.get(`${orgPath()}/projects/${projectId}/tasks?${query}`, as(owner));
    expect(page.status).toBe(200);
    keys.push(...page.body.data.map((task: Task) => task.key));
    cursor = page.body.meta.pagination.next_cursor;
  } while (cursor !== null);
  return keys;
}

const move = (ref: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api.post(`${taskPath(ref)}/move`, body, as(owner, headers));

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
});
afterAll(async () => {
  await t.close();
});

describe('a kanban board', () => {
  it('reorders columns, creates 100 tasks at once with keys 1..100, moves them, lists each column in exact order', async () => {
    const project = await aProject();
    // Reorder the columns: Done first, then the rest (ids kept).
    const [todo, doing, review, done] = project.statuses as [Status, Status, Status, Status];
    const reordered = await api.put(
      `${orgPath()}/projects/${project.id}/statuses`,
      [done, todo, doing, review].map(({ id, name, category }) => ({ id, name, category })),
      as(owner),
    );
    expect(reordered.status).toBe(200);
    expect(reordered.body.data.map((s: Status) => s.name)).toEqual([
      'Done',
      'To Do',
      'In Progress',
      'In Review',
    ]);

    // 100 concurrent creations into To Do.
    const created = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        createTask(project.id, { title: `Card ${i}`, status_id: todo.id }),
      ),
    );
    const numbers = created.map((task) => Number(task.key.split('-')[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Creation order is the column order, and positions never tie.
    const todoColumn = await column(project.id, todo.id);
    expect(todoColumn).toHaveLength(100);
    const byKey = new Map(created.map((task) => [task.key, task]));
    const positions = todoColumn.map((key) => byKey.get(key)!.position);
    expect(new Set(positions).size).toBe(100);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // Move K-… cards: three into Doing in a chosen order, one to the top of To Do.
    const [a, b, c, d] = todoColumn.slice(10, 14) as [string, string, string, string];
    expect((await move(a, { status_id: doing.id })).status).toBe(200);
    expect((await move(b, { status_id: doing.id, before_id: byKey.get(a)!.id })).status).toBe(200);
    expect((await move(c, { status_id: doing.id, after_id: byKey.get(b)!.id })).status).toBe(200);
    const last = todoColumn.at(-1)!;
    expect(
      (await move(last, { status_id: todo.id, before_id: byKey.get(todoColumn[0]!)!.id })).status,
    ).toBe(200);
    expect(await column(project.id, doing.id)).toEqual([b, c, a]);
    const expectedTodo = [last, ...todoColumn.filter((key) => ![a, b, c, last].includes(key))];
    expect(await column(project.id, todo.id)).toEqual(expectedTodo);

    // Reorder inside one column many times into one gap: positions run out, the column is
    // renumbered, the order stays exact.
    let order = await column(project.id, todo.id);
    for (let i = 0; i < 20; i += 1) {
      const mover = order.at(-1)!;
      const anchor = order[1]!;
      const reply = await move(mover, {
        status_id: todo.id,
        after_id:
          byKey.get(anchor)?.id ?? (await api.get(taskPath(anchor), as(owner))).body.data.id,
      });
      expect(reply.status).toBe(200);
      order = [order[0]!, anchor, mover, ...order.slice(2, -1)];
    }
    expect(await column(project.id, todo.id)).toEqual(order);

    // Into Done: completed_at set; d still where it was.
    const finished = await move(d, { status_id: done.id });
    expect(finished.body.data.completed_at).not.toBeNull();
    expect(await column(project.id, done.id)).toEqual([d]);

    // Progress counts it.
    const read = await api.get(`${orgPath()}/projects/${project.id}`, as(owner));
    expect(read.body.data.progress).toMatchObject({ total: 100, done: 1 });
  });

  it('refuses a neighbour from another column, both neighbours, a status of another project, a stale If-Match', async () => {
    const project = await aProject();
    const other = await aProject();
    const [todo, doing] = project.statuses as [Status, Status];
    const x = await createTask(project.id, { status_id: todo.id });
    const y = await createTask(project.id, { status_id: doing.id });
    expect((await move(x.id, { status_id: todo.id, before_id: y.id })).status).toBe(422);
    expect(
      (await move(x.id, { status_id: doing.id, before_id: y.id, after_id: y.id })).status,
    ).toBe(422);
    expect((await move(x.id, { status_id: doing.id, after_id: x.id })).status).toBe(422);
    expect((await move(x.id, { status_id: other.statuses[0]!.id })).status).toBe(422);
    expect((await move(x.id, { status_id: doing.id }, { 'If-Match': '"5"' })).status).toBe(412);
    const moved = await move(x.id, { status_id: doing.id, before_id: y.id }, { 'If-Match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"2"');
    expect(await column(project.id, doing.id)).toEqual([x.key, y.key]);
    const history = await api.get(`${taskPath(x.id)}/history`, as(owner));
    expect(history.body.data[0]).toMatchObject({
      action: 'moved',
      changes: { status_id: { from: todo.id, to: doing.id } },
    });
    // A member may not move someone else's task.
    const denied = await api.post(`${taskPath(x.id)}/move`, { status_id: todo.id }, as(member));
    expect(denied.status).toBe(403);
  });
});

describe('safe writes from many clients', () => {
  it('50 concurrent PATCHes with the same If-Match: one succeeds, 49 get 412, history shows one change', async () => {
    const project = await aProject();
    const task = await createTask(project.id);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.patch(taskPath(task.id), { title: `Writer ${i}` }, as(owner, { 'If-Match': '"1"' })),
      ),
    );
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual([
      'updated',
      'created',
    ]);
    const winner = replies.find((reply) => reply.status === 200)!;
    const read = await api.get(taskPath(task.id), as(owner));
    expect(read.body.data).toMatchObject({ version: 2, title: winner.body.data.title });
  });

  it('two concurrent parent changes that would form a cycle: one wins, the other 422, no deadlock', async () => {
    const project = await aProject();
    for (let round = 0; round < 5; round += 1) {
      const x = await createTask(project.id);
      const y = await createTask(project.id);
      const replies = await Promise.all([
        api.patch(taskPath(x.id), { parent_id: y.id }, as(owner)),
        api.patch(taskPath(y.id), { parent_id: x.id }, as(owner)),
      ]);
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 422]);
    }
  });

  it('a PATCH racing a move of the same task waits for it and still finds the task', async () => {
    const project = await aProject();
    const [todo, doing] = project.statuses as [Status, Status];
    for (let round = 0; round < 8; round += 1) {
      const task = await createTask(project.id, { status_id: todo.id });
      const [moved, patched] = await Promise.all([
        move(task.id, { status_id: doing.id }),
        api.patch(taskPath(task.id), { title: `Raced ${round}` }, as(owner)),
      ]);
      expect([moved.status, patched.status]).toEqual([200, 200]);
      const read = await api.get(taskPath(task.id), as(owner));
      expect(read.body.data).toMatchObject({
        status_id: doing.id,
        title: `Raced ${round}`,
        version: 3,
      });
    }
  });

  it('20 concurrent creates with one Idempotency-Key make exactly one task', async () => {
    const project = await aProject();
    const key = `create-${crypto.randomUUID()}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.post(
          `${orgPath()}/projects/${project.id}/tasks`,
          { title: 'Once' },
          as(owner, { 'Idempotency-Key': key }),
        ),
      ),
    );
    const created = replies.filter((reply) => reply.status === 201);
    // The others are replays of the first answer, or 409 while it was still running.
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(replies.every((reply) => [201, 409].includes(reply.status))).toBe(true);
    expect(new Set(created.map((reply) => reply.body.data.id)).size).toBe(1);
    const list = await api.get(`${orgPath()}/projects/${project.id}/tasks`, as(owner));
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].key).toBe(`${project.key}-1`);
    const replay = await api.post(
      `${orgPath()}/projects/${project.id}/tasks`,
      { title: 'Once' },
      as(owner, { 'Idempotency-Key': key }),
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data.id).toBe(created[0]!.body.data.id);
  });

  it('a move with an Idempotency-Key is replayed, not applied twice', async () => {
    const project = await aProject();
    const [todo, doing] = project.statuses as [Status, Status];
    const task = await createTask(project.id, { status_id: todo.id });
    const headers = { 'Idempotency-Key': `move-${crypto.randomUUID()}` };
    const first = await move(task.id, { status_id: doing.id }, headers);
    const again = await move(task.id, { status_id: doing.id }, headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.data.version).toBe(first.body.data.version);
    const history = await api.get(`${taskPath(task.id)}/history`, as(owner));
    expect(history.body.data).toHaveLength(2);
  });
});

describe('lists', () => {
  it('filters by assignee (me), priority, label, status category, due dates, across projects', async () => {
    const p1 = await aProject();
    const p2 = await aProject();
    const label = await api.post(
      `${orgPath()}/labels`,
      { name: `l-${aKey()}`, color: '#00ff00' },
      as(owner),
    );
    const labelId = label.body.data.id;
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const mine1 = await createTask(p1.id, {
      assignee_id: member.id,
      priority: 'high',
      labels: [labelId],
      due_at: soon,
    });
    const mine2 = await createTask(p2.id, { assignee_id: member.id, due_at: later });
    await createTask(p1.id, { priority: 'high' });
    const done = await createTask(p2.id, { status_id: p2.statuses[3]!.id, labels: [labelId] });

    const asMember = await api.get(`${orgPath()}/tasks?assignee_id=me`, as(member));
    expect(asMember.body.data.map((x: Task) => x.id).sort()).toEqual([mine1.id, mine2.id].sort());
    const highInP1 = await api.get(`${orgPath()}/projects/${p1.id}/tasks?priority=high`, as(owner));
    expect(highInP1.body.data).toHaveLength(2);
    const labelled = await api.get(`${orgPath()}/tasks?label=${labelId}`, as(owner));
    expect(labelled.body.data.map((x: Task) => x.id).sort()).toEqual([mine1.id, done.id].sort());
    const labelAndAssignee = await api.get(
      `${orgPath()}/tasks?label=${labelId}&assignee_id=${member.id}`,
      as(owner),
    );
    expect(labelAndAssignee.body.data.map((x: Task) => x.id)).toEqual([mine1.id]);
    const doneOnly = await api.get(
      `${orgPath()}/projects/${p2.id}/tasks?status_category=done`,
      as(owner),
    );
    expect(doneOnly.body.data.map((x: Task) => x.id)).toEqual([done.id]);
    const dueSoon = await api.get(
      `${orgPath()}/tasks?assignee_id=${member.id}&due_before=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      as(owner),
    );
    expect(dueSoon.body.data.map((x: Task) => x.id)).toEqual([mine1.id]);
    const dueLater = await api.get(
      `${orgPath()}/tasks?assignee_id=${member.id}&due_after=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      as(owner),
    );
    expect(dueLater.body.data.map((x: Task) => x.id)).toEqual([mine2.id]);
    const byDue = await api.get(`${orgPath()}/projects/${p1.id}/tasks?sort=due_at`, as(owner));
    expect(byDue.body.data[0].id).toBe(mine1.id);
    expect(byDue.body.data.at(-1).due_at).toBeNull();
  });

  it('full-text filter q matches words of the title and description', async () => {
    const project = await aProject();
    const hit = await createTask(project.id, { title: 'Migrate the billing database' });
    await createTask(project.id, { title: 'Unrelated', description: 'nothing here' });
    const alsoHit = await createTask(project.id, {
      title: 'Other',
      description: 'databases need backups',
    });
    const found = await api.get(`${orgPath()}/projects/${project.id}/tasks?q=database`, as(owner));
    expect(found.body.data.map((x: Task) => x.id).sort()).toEqual([hit.id, alsoHit.id].sort());
  });

  it('a position-sorted page walk stays exact when the column is renumbered between pages', async () => {
    const project = await aProject();
    const todo = project.statuses[0]!;
    const gone = [await createTask(project.id), await createTask(project.id)];
    const cards: Task[] = [];
    for (let i = 0; i < 6; i += 1) cards.push(await createTask(project.id));
    for (const task of gone)
      expect((await api.delete(taskPath(task.id), as(owner))).status).toBe(204);
    const path = `${orgPath()}/projects/${project.id}/tasks?status_id=${todo.id}&sort=position&limit=2`;
    const first = await api.get(path, as(owner));
    expect(first.body.data.map((x: Task) => x.id)).toEqual([cards[0]!.id, cards[1]!.id]);
    // Halve one gap below the first page until the column is renumbered (positions rescale).
    let order = cards.map((card) => card.id);
    for (let i = 0; i < 18; i += 1) {
      const mover = order.at(-1)!;
      expect((await move(mover, { status_id: todo.id, after_id: order[3]! })).status).toBe(200);
      order = [...order.slice(0, 4), mover, ...order.slice(4, -1)];
    }
    const firstNow = await api.get(path, as(owner));
    expect(firstNow.body.data[0].position).toBeLessThan(first.body.data[0].position);
    const rest: string[] = [];
    let cursor: string | null = first.body.meta.pagination.next_cursor;
    while (cursor !== null) {
      const page = await api.get(`${path}&cursor=${cursor}`, as(owner));
      rest.push(...page.body.data.map((x: Task) => x.id));
      cursor = page.body.meta.pagination.next_cursor;
    }
    expect(rest).toEqual(order.slice(2));
  });

  it('finds a task by its key in any case', async () => {
    const project = await aProject();
    const task = await createTask(project.id);
    const reply = await api.get(taskPath(task.key.toLowerCase()), as(owner));
    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(task.id);
  });

  it('keyset pages stay correct while tasks are inserted', async () => {
    const project = await aProject();
    const initial: Task[] = [];
    for (let i = 0; i < 12; i += 1)
      initial.push(await createTask(project.id, { title: `Old ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.get(
        `${orgPath()}/projects/${project.id}/tasks?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        as(owner),
      );
      seen.push(...page.body.data.map((x: Task) => x.id));
      cursor = page.body.meta.pagination.next_cursor;
      // New tasks arrive between pages: newest first, so they sort before the cursor.
      await createTask(project.id, { title: `New ${pages}` });
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual([...initial].reverse().map((x) => x.id));
  });

  it('walks every sort with cursors: no duplicate, no skip, in order', async () => {
    const project = await aProject();
    const priorities = ['low', 'medium', 'high', 'critical'];
    for (let i = 0; i < 9; i += 1) {
      await createTask(project.id, {
        priority: priorities[i % 4],
        ...(i % 3 !== 0 && { due_at: new Date(Date.now() + (i + 1) * 86_400_000).toISOString() }),
      });
    }
    for (const sort of ['created_at', '-created_at', 'due_at', 'priority', 'position']) {
      const all = await api.get(
        `${orgPath()}/projects/${project.id}/tasks?sort=${sort}&limit=200`,
        as(owner),
      );
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.get(
          `${orgPath()}/projects/${project.id}/tasks?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          as(owner),
        );
        expect(page.status).toBe(200);
        walked.push(...page.body.data.map((x: Task) => x.id));
        cursor = page.body.meta.pagination.next_cursor;
      } while (cursor !== null);
      expect(walked, sort).toEqual(all.body.data.map((x: Task) => x.id));
      expect(walked).toHaveLength(9);
    }
    const byPriority = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?sort=priority`,
      as(owner),
    );
    expect(byPriority.body.data[0].priority).toBe('critical');
    expect(byPriority.body.data.at(-1).priority).toBe('low');
    const wrongSort = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?sort=priority&limit=2`,
      as(owner),
    );
    const mismatch = await api.get(
      `${orgPath()}/projects/${project.id}/tasks?sort=due_at&cursor=${wrongSort.body.meta.pagination.next_cursor}`,
      as(owner),
    );
    expect(mismatch.status).toBe(422);
  });
});
