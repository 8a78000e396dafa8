// Task comments through HTTP: write, list oldest first in pages, read with an ETag, edit and
// delete with If-Match, the history row and audit entry of each write, and the refusals: 404 to
// another organization and for tasks one cannot see, 403 to a viewer and to a member on someone
// else's comment, 422 for bad input, 412 for a stale If-Match, and the write window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../../src/domain/tasks/write-window.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let member: SignedInUser;
let otherMember: SignedInUser;
let manager: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;
let project: ProjectFixture;

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

interface CommentBody {
  readonly id: string;
  readonly body: string;
  readonly version: number;
}

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  member = await memberWithRole(t, api, org.id, 'member');
  otherMember = await memberWithRole(t, api, org.id, 'member');
  manager = await memberWithRole(t, api, org.id, 'manager');
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  project = await aProject();
});
afterAll(async () => {
  await t.close();
});

const as = (user: SignedInUser, headers: Record<string, string> = {}) => ({
  token: user.accessToken,
  headers,
});
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const commentsPath = (ref: string, orgId: string = org.id) =>
  `${orgPath(orgId)}/tasks/${ref}/comments`;
const commentPath = (ref: string, id: string, orgId: string = org.id) =>
  `${commentsPath(ref, orgId)}/${id}`;

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const aProject = kit.aProject;
const aTask = (
  fields: Record<string, unknown> = {},
  by: SignedInUser = owner,
  inProject: ProjectFixture = project,
  orgId = org.id,
) => kit.aTask(inProject, fields, by, orgId);

async function aComment(task: TaskBody, body = 'A comment', by = owner): Promise<CommentBody> {
  const reply = await api.post(commentsPath(task.id), { body }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data;
}

async function bodiesOf(task: TaskBody, by = owner): Promise<string[]> {
  const reply = await api.get(`${commentsPath(task.id)}?limit=200`, as(by));
  expect(reply.status).toBe(200);
  return (reply.body.data as CommentBody[]).map((c) => c.body);
}

async function historyActions(task: TaskBody) {
  const reply = await api.get(`${orgPath()}/tasks/${task.id}/history?limit=200`, as(owner));
  expect(reply.status).toBe(200);
  return (reply.body.data as { action: string; changes: unknown; actor_id: string }[])
    .filter((entry) => entry.action.startsWith('comment'))
    .reverse()
    .map((entry) => [entry.action, entry.changes, entry.actor_id]);
}

async function auditEntries(action: string, targetId: string) {
  const entries = await t.app.deps.uow.run(
    (tx) => tx.audit.list(org.id, { action }, { limit: 50 }),
    { organizationId: org.id },
  );
  return entries.filter((entry) => entry.targetId === targetId);
}

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const fieldsOf = (reply: Reply) =>
  (reply.body.error.details as { field: string }[]).map((detail) => detail.field);

describe('writing comments', () => {
  it('answers 201 with the comment and its ETag, and records history and comment.created', async () => {
    const task = await aTask();
    const requestId = `req-${uniqueTag()}`;
    const reply = await api.post(
      commentsPath(task.key),
      { body: '  Reproduced on staging \n' },
      as(member, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.body.data).toEqual({
      id: expect.any(String),
      task_id: task.id,
      author_id: member.id,
      body: 'Reproduced on staging',
      version: 1,
      created_at: expect.any(String),
      updated_at: reply.body.data.created_at,
    });
    const id = reply.body.data.id;
    expect(await historyActions(task)).toEqual([['commented', { comment_id: id }, member.id]]);
    expect(await auditEntries('comment.created', id)).toEqual([
      expect.objectContaining({
        actorId: member.id,
        requestId,
        targetType: 'comment',
        changes: { task_id: task.id, task_key: task.key },
      }),
    ]);
  });

  it('lets a requester comment on what it requested; other tasks answer 404', async () => {
    const requested = await aTask({}, requester);
    const other = await aTask();
    expect((await aComment(requested, 'Any news?', requester)).body).toBe('Any news?');
    expectError(
      await api.post(commentsPath(other.id), { body: 'x' }, as(requester)),
      404,
      'NOT_FOUND',
    );
    expectError(await api.get(commentsPath(other.id), as(requester)), 404, 'NOT_FOUND');
    expect(await bodiesOf(other)).toEqual([]);
  });

  it('answers 403 to a viewer, before reading the body', async () => {
    const task = await aTask();
    expectError(await api.post(commentsPath(task.id), { body: 'x' }, as(viewer)), 403, 'FORBIDDEN');
    expectError(await api.post(commentsPath(task.id), {}, as(viewer)), 403, 'FORBIDDEN');
    expect(await bodiesOf(task)).toEqual([]);
  });

  it.each([
    ['an empty body', { body: '   ' }],
    ['a missing body', {}],
    ['a body over 20000 characters', { body: 'x'.repeat(20_001) }],
    ['a body that is not text', { body: 42 }],
  ])('answers 422 on the body field for %s', async (_, payload) => {
    const task = await aTask();
    const reply = await api.post(commentsPath(task.id), payload, as(owner));
    expectError(reply, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(reply)).toEqual(['body']);
  });

  it('answers 422 for an unknown field', async () => {
    const task = await aTask();
    const reply = await api.post(
      commentsPath(task.id),
      { body: 'x', author_id: viewer.id },
      as(owner),
    );
    expectError(reply, 422, 'VALIDATION_ERROR');
  });

  it('answers 404 to another organization, for a task of another organization, and a deleted task', async () => {
    const task = await aTask();
    const comment = await aComment(task);
    expectError(await api.get(commentsPath(task.id), as(ownerB)), 404, 'NOT_FOUND');
    expectError(await api.post(commentsPath(task.id), { body: 'x' }, as(ownerB)), 404, 'NOT_FOUND');
    expectError(await api.get(commentPath(task.id, comment.id), as(ownerB)), 404, 'NOT_FOUND');
    expectError(
      await api.patch(commentPath(task.id, comment.id), { body: 'x' }, as(ownerB)),
      404,
      'NOT_FOUND',
    );
    expectError(await api.delete(commentPath(task.id, comment.id), as(ownerB)), 404, 'NOT_FOUND');
    // Through B's own organization, A's task does not exist either.
    const inB = await api.post(commentsPath(task.id, orgB.id), { body: 'x' }, as(ownerB));
    expectError(inB, 404, 'NOT_FOUND');
    expect(JSON.stringify(inB.body)).not.toContain(task.id);
    expect(await bodiesOf(task)).toEqual(['A comment']);

    expect((await api.delete(`${orgPath()}/tasks/${task.id}`, as(owner))).status).toBe(204);
    expectError(await api.post(commentsPath(task.id), { body: 'x' }, as(owner)), 404, 'NOT_FOUND');
  });

  it('answers 403 OUTSIDE_WORKING_HOURS to a member held to a closed write window, not for critical tasks', async () => {
    const boss = await signIn(t, api);
    const windowed = await createOrganization(api, boss);
    const worker = await memberWithRole(t, api, windowed.id, 'member');
    const windowedProject = await aProject(boss, windowed.id);
    const low = await aTask({ priority: 'low' }, boss, windowedProject, windowed.id);
    const critical = await aTask({ priority: 'critical' }, boss, windowedProject, windowed.id);
    const today = (new Date().getUTCDay() + 6) % 7;
    const closed = await api.patch(
      orgPath(windowed.id),
      {
        write_window: {
          start: '00:00',
          end: '00:00',
          days: [WEEKDAYS[(today + 3) % 7]],
          roles: ['member'],
        },
      },
      as(boss),
    );
    expect(closed.status).toBe(200);

    expectError(
      await api.post(commentsPath(low.id, windowed.id), { body: 'x' }, as(worker)),
      403,
      'OUTSIDE_WORKING_HOURS',
    );
    const allowed = await api.post(
      commentsPath(critical.id, windowed.id),
      { body: 'x' },
      as(worker),
    );
    expect(allowed.status).toBe(201);
  });
});

describe('reading comments', () => {
  it('lists oldest first in pages, and reads one with its ETag', async () => {
    const task = await aTask();
    const written: CommentBody[] = [];
    for (const body of ['one', 'two', 'three']) written.push(await aComment(task, body));

    const first = await api.get(`${commentsPath(task.key)}?limit=2`, as(viewer));
    expect(first.status).toBe(200);
    expect((first.body.data as CommentBody[]).map((c) => c.body)).toEqual(['one', 'two']);
    expect(first.body.meta.pagination).toEqual({
      limit: 2,
      next_cursor: expect.any(String),
      has_more: true,
    });
    await aComment(task, 'four');
    const second = await api.get(
      `${commentsPath(task.key)}?limit=2&cursor=${first.body.meta.pagination.next_cursor}`,
      as(viewer),
    );
    expect((second.body.data as CommentBody[]).map((c) => c.body)).toEqual(['three', 'four']);
    expect(second.body.meta.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });

    const one = await api.get(commentPath(task.id, written[1]!.id), as(viewer));
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe('"1"');
    expect(one.body.data).toEqual(written[1]);
  });

  it('answers 422 for a cursor it did not issue and for a bad limit', async () => {
    const task = await aTask();
    const badCursor = await api.get(`${commentsPath(task.id)}?cursor=bm9wZQ`, as(owner));
    expectError(badCursor, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(badCursor)).toEqual(['cursor']);
    expectError(
      await api.get(`${commentsPath(task.id)}?limit=0`, as(owner)),
      422,
      'VALIDATION_ERROR',
    );
  });

  it('answers 404 for a comment that is not under this task', async () => {
    const task = await aTask();
    const other = await aTask();
    const comment = await aComment(task);
    expectError(await api.get(commentPath(other.id, comment.id), as(owner)), 404, 'NOT_FOUND');
    expectError(
      await api.get(commentPath(task.id, crypto.randomUUID()), as(owner)),
      404,
      'NOT_FOUND',
    );
    expectError(
      await api.patch(commentPath(other.id, comment.id), { body: 'x' }, as(owner)),
      404,
      'NOT_FOUND',
    );
  });
});

describe('editing comments', () => {
  it('lets the author edit with If-Match: 200, ETag "2", comment_edited and comment.updated', async () => {
    const task = await aTask();
    const comment = await aComment(task, 'Frist', member);
    const reply = await api.patch(
      commentPath(task.key, comment.id),
      { body: 'First' },
      as(member, { 'if-match': '"1"' }),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.headers.get('etag')).toBe('"2"');
    expect(reply.body.data).toMatchObject({ id: comment.id, body: 'First', version: 2 });
    expect(await historyActions(task)).toEqual([
      ['commented', { comment_id: comment.id }, member.id],
      ['comment_edited', { comment_id: comment.id }, member.id],
    ]);
    expect(await auditEntries('comment.updated', comment.id)).toEqual([
      expect.objectContaining({
        actorId: member.id,
        changes: { task_id: task.id, body: { from: 'Frist', to: 'First' } },
      }),
    ]);
  });

  it('answers 403 to a member on someone else’s comment and to a viewer; a manager may', async () => {
    const task = await aTask({ assignee_id: otherMember.id });
    const comment = await aComment(task, 'Mine', member);
    // Even the task's assignee may not rewrite what someone else said.
    expectError(
      await api.patch(commentPath(task.id, comment.id), { body: 'Yours' }, as(otherMember)),
      403,
      'FORBIDDEN',
    );
    expectError(
      await api.patch(commentPath(task.id, comment.id), { body: 'Yours' }, as(viewer)),
      403,
      'FORBIDDEN',
    );
    const moderated = await api.patch(
      commentPath(task.id, comment.id),
      { body: 'Moderated' },
      as(manager),
    );
    expect(moderated.status).toBe(200);
    expect(moderated.body.data).toMatchObject({ author_id: member.id, body: 'Moderated' });
  });

  it('answers 412 for a stale or foreign If-Match, changing nothing', async () => {
    const task = await aTask();
    const comment = await aComment(task, 'Original');
    const edited = await api.patch(commentPath(task.id, comment.id), { body: 'Second' }, as(owner));
    expect(edited.headers.get('etag')).toBe('"2"');
    for (const tag of ['"1"', 'W/"3"', 'not-a-tag']) {
      const stale = await api.patch(
        commentPath(task.id, comment.id),
        { body: 'Third' },
        as(owner, { 'if-match': tag }),
      );
      expectError(stale, 412, 'PRECONDITION_FAILED');
    }
    expect(await bodiesOf(task)).toEqual(['Second']);
  });

  it('answers 422 for an empty body and an unknown field', async () => {
    const task = await aTask();
    const comment = await aComment(task);
    const empty = await api.patch(commentPath(task.id, comment.id), { body: ' ' }, as(owner));
    expectError(empty, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(empty)).toEqual(['body']);
    expectError(
      await api.patch(commentPath(task.id, comment.id), { body: 'x', task_id: task.id }, as(owner)),
      422,
      'VALIDATION_ERROR',
    );
    expect(await bodiesOf(task)).toEqual(['A comment']);
  });
});

describe('deleting comments', () => {
  it('lets the author delete: 204, comment_deleted, and comment.deleted keeping the text', async () => {
    const task = await aTask();
    const comment = await aComment(task, 'Oops', member);
    const reply = await api.delete(
      commentPath(task.id, comment.id),
      as(member, { 'if-match': '"1"' }),
    );
    expect(reply.status).toBe(204);
    expect(await bodiesOf(task)).toEqual([]);
    expect(await historyActions(task)).toEqual([
      ['commented', { comment_id: comment.id }, member.id],
      ['comment_deleted', { comment_id: comment.id }, member.id],
    ]);
    expect(await auditEntries('comment.deleted', comment.id)).toEqual([
      expect.objectContaining({
        actorId: member.id,
        changes: { task_id: task.id, author_id: member.id, body: 'Oops' },
      }),
    ]);
    expectError(await api.delete(commentPath(task.id, comment.id), as(member)), 404, 'NOT_FOUND');
  });

  it('answers 403 to a member on someone else’s comment, 412 to a stale If-Match; a manager may', async () => {
    const task = await aTask();
    const comment = await aComment(task, 'Keep', member);
    expectError(
      await api.delete(commentPath(task.id, comment.id), as(otherMember)),
      403,
      'FORBIDDEN',
    );
    expectError(await api.delete(commentPath(task.id, comment.id), as(viewer)), 403, 'FORBIDDEN');
    expectError(
      await api.delete(commentPath(task.id, comment.id), as(manager, { 'if-match': '"7"' })),
      412,
      'PRECONDITION_FAILED',
    );
    expect(await bodiesOf(task)).toEqual(['Keep']);
    expect((await api.delete(commentPath(task.id, comment.id), as(manager))).status).toBe(204);
    expect(await bodiesOf(task)).toEqual([]);
  });
});
