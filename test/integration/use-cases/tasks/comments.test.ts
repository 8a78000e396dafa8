// Task comments over the real repositories: who may read, write, edit and delete them, oldest-first
// pages, If-Match versions, the write window, and the history row and audit entry of every write.
import { describe, expect, it } from 'vitest';
import {
  forgetGrants,
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import { createComment } from '../../../../src/application/tasks/create-comment.js';
import { deleteComment } from '../../../../src/application/tasks/delete-comment.js';
import { getComment } from '../../../../src/application/tasks/get-comment.js';
import { listComments } from '../../../../src/application/tasks/list-comments.js';
import { updateComment } from '../../../../src/application/tasks/update-comment.js';
import { createTask, type CreateTaskInput } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import {
  ForbiddenError,
  NotFoundError,
  OutsideWorkingHoursError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import type { TaskComment } from '../../../../src/domain/tasks/comment.js';
import type { Task } from '../../../../src/domain/tasks/task.js';
import { WEEKDAYS } from '../../../../src/domain/tasks/write-window.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  apiKeyAccess,
  auditOf,
  aBoard as newBoard,
  type Board,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const aBoard = (): Promise<Board> => newBoard(deps);

const aTask = (board: Board, input: Partial<CreateTaskInput> = {}, by = board.world.owner) =>
  createTask(deps, by, board.project.id, { title: 'Fix the build', ...input });

const comment = (by: OrganizationAccess, task: Task, body = 'A comment') =>
  createComment(deps, by, task.id, { body });

function historyOf(board: Board, task: Task) {
  return deps.uow.run(
    (tx) => tx.tasks.history.list(board.world.organizationId, task.id, { limit: 50 }),
    { organizationId: board.world.organizationId },
  );
}

async function commentHistory(board: Board, task: Task) {
  return (await historyOf(board, task))
    .filter((entry) => entry.action.startsWith('comment'))
    .reverse()
    .map((entry) => [entry.action, entry.changes, entry.actorId]);
}

async function allComments(by: OrganizationAccess, task: Task): Promise<TaskComment[]> {
  return (await listComments(deps, by, task.id, { limit: 200 })).items;
}

/** The access of `member` once the organization holds members to a window that is closed now. */
async function outsideTheWindow(board: Board, member: OrganizationAccess) {
  const today = (deps.clock.now().getUTCDay() + 6) % 7;
  await updateOrganization(deps, board.world.owner, {
    writeWindow: {
      start: '00:00',
      end: '00:00',
      days: [WEEKDAYS[(today + 3) % 7]!],
      roles: ['member'],
    },
  });
  return resolveAccess(deps, member.principal, board.world.organizationId);
}

describe('createComment', () => {
  it('writes a trimmed comment by the caller, with a history row and comment.created', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const member = await accessWithRole(deps, board.world, 'member');

    const created = await createComment(deps, member, task.key, { body: '  Reproduced it \n' });

    expect(created).toEqual({
      id: expect.any(String),
      organizationId: board.world.organizationId,
      taskId: task.id,
      authorId: member.grant.actorId,
      body: 'Reproduced it',
      version: 1,
      createdAt: deps.clock.now(),
      updatedAt: deps.clock.now(),
    });
    expect(await commentHistory(board, task)).toEqual([
      ['commented', { comment_id: created.id }, member.grant.actorId],
    ]);
    expect(await auditOf(deps, board.world, 'comment.created')).toEqual([
      expect.objectContaining({
        actorId: member.grant.actorId,
        targetType: 'comment',
        targetId: created.id,
        changes: { task_id: task.id, task_key: task.key },
      }),
    ]);
  });

  it('lets a requester comment on the tasks it requested, and on no other', async () => {
    const board = await aBoard();
    const requester = await accessWithRole(deps, board.world, 'requester');
    const requested = await aTask(board, {}, requester);
    const other = await aTask(board);

    const created = await comment(requester, requested, 'When will this ship?');
    expect(created.authorId).toBe(requester.grant.actorId);
    await expect(comment(requester, other)).rejects.toBeInstanceOf(NotFoundError);
    expect(await allComments(board.world.owner, other)).toEqual([]);
  });

  it('refuses a viewer (403), and an empty or too long body on the body field (422)', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    await expect(comment(viewer, task)).rejects.toBeInstanceOf(ForbiddenError);
    for (const body of ['   ', 'x'.repeat(20_001)]) {
      const error = await comment(board.world.owner, task, body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.map((d) => d.field)).toEqual(['body']);
    }
    expect(await allComments(board.world.owner, task)).toEqual([]);
  });

  it('answers 404 for a deleted task and for another organization’s task', async () => {
    const board = await aBoard();
    const elsewhere = await aBoard();
    const task = await aTask(board);
    await expect(comment(elsewhere.world.owner, task)).rejects.toBeInstanceOf(NotFoundError);
    await deleteTask(deps, board.world.owner, task.id);
    await expect(comment(board.world.owner, task)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets an API key comment as itself', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const key = await apiKeyAccess(deps, board.world, 'member');
    const created = await comment(key, task, 'Build 1234 failed');
    expect(created.authorId).toBe(key.grant.actorId);
  });

  it('holds comments to the write window at the task’s priority', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const low = await aTask(board, { priority: 'low' });
    const critical = await aTask(board, { priority: 'critical' });
    const held = await outsideTheWindow(board, member);

    await expect(comment(held, low)).rejects.toBeInstanceOf(OutsideWorkingHoursError);
    await expect(comment(held, critical)).resolves.toMatchObject({ taskId: critical.id });
    expect(await allComments(board.world.owner, low)).toEqual([]);
    // The owner's role is not held to the window.
    await expect(comment(board.world.owner, low)).resolves.toMatchObject({ taskId: low.id });
  });
});

describe('listComments and getComment', () => {
  it('lists oldest first in pages that no new comment disturbs', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const made: TaskComment[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await comment(board.world.owner, task, `Comment ${i}`));
      // Two comments in the same instant still come in a stable order (by id).
      if (i % 2 === 1) deps.clock.advance(1000);
    }
    const viewer = await accessWithRole(deps, board.world, 'viewer');

    const first = await listComments(deps, viewer, task.key, { limit: 2 });
    expect(first.items.map((c) => c.body)).toEqual(['Comment 0', 'Comment 1']);
    expect(first.next).not.toBeNull();
    await comment(board.world.owner, task, 'Late');
    const second = await listComments(deps, viewer, task.id, { limit: 2, after: first.next! });
    expect(second.items.map((c) => c.body)).toEqual(['Comment 2', 'Comment 3']);
    const third = await listComments(deps, viewer, task.id, { limit: 2, after: second.next! });
    expect(third.items.map((c) => c.body)).toEqual(['Comment 4', 'Late']);
    expect(third.next).toBeNull();

    expect(await getComment(deps, viewer, task.key, made[2]!.id)).toEqual(made[2]);
  });

  it('shows a task’s comments only to whoever sees the task, and only under that task', async () => {
    const board = await aBoard();
    const requester = await accessWithRole(deps, board.world, 'requester');
    const task = await aTask(board);
    const other = await aTask(board);
    const written = await comment(board.world.owner, task);
    const elsewhere = await aBoard();

    await expect(listComments(deps, requester, task.id, { limit: 10 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      listComments(deps, elsewhere.world.owner, task.id, { limit: 10 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(getComment(deps, requester, task.id, written.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const underOther = await getComment(deps, board.world.owner, other.id, written.id).catch(
      (e: unknown) => e,
    );
    expect(underOther).toMatchObject({ resource: 'comment' });
    await expect(getComment(deps, board.world.owner, task.id, 'not-a-uuid')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('updateComment', () => {
  it('lets the author rewrite it: version 2, comment_edited, comment.updated with the bodies', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const member = await accessWithRole(deps, board.world, 'member');
    const written = await comment(member, task, 'Frist');
    deps.clock.advance(60_000);

    const edited = await updateComment(deps, member, task.key, written.id, { body: ' First ' }, 1);

    expect(edited).toMatchObject({
      id: written.id,
      body: 'First',
      version: 2,
      createdAt: written.createdAt,
      updatedAt: deps.clock.now(),
    });
    expect(await commentHistory(board, task)).toEqual([
      ['commented', { comment_id: written.id }, member.grant.actorId],
      ['comment_edited', { comment_id: written.id }, member.grant.actorId],
    ]);
    expect(await auditOf(deps, board.world, 'comment.updated')).toEqual([
      expect.objectContaining({
        actorId: member.grant.actorId,
        targetId: written.id,
        changes: { task_id: task.id, body: { from: 'Frist', to: 'First' } },
      }),
    ]);
  });

  it('changes and records nothing when the body is the same', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const written = await comment(board.world.owner, task, 'Same');
    const unchanged = await updateComment(deps, board.world.owner, task.id, written.id, {
      body: ' Same ',
    });
    expect(unchanged).toEqual(written);
    expect((await commentHistory(board, task)).map(([action]) => action)).toEqual(['commented']);
  });

  it('refuses a member on someone else’s comment (403); a manager may', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const author = await accessWithRole(deps, board.world, 'member');
    const other = await accessWithRole(deps, board.world, 'member');
    const manager = await accessWithRole(deps, board.world, 'manager');
    const written = await comment(author, task, 'Mine');

    await expect(
      updateComment(deps, other, task.id, written.id, { body: 'Not yours' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const moderated = await updateComment(deps, manager, task.id, written.id, {
      body: 'Moderated',
    });
    expect(moderated).toMatchObject({ body: 'Moderated', authorId: author.grant.actorId });
  });

  it('refuses a viewer before looking anything up, even on its own comment of before', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const member = await accessWithRole(deps, board.world, 'member');
    const written = await comment(member, task, 'Written as a member');
    const organizationId = board.world.organizationId;
    await deps.uow.run(
      (tx) => tx.memberships.updateRole(organizationId, member.grant.actorId, 'viewer'),
      {
        organizationId,
      },
    );
    await forgetGrants(deps, organizationId, [member.grant.actorId]);
    const demoted = await resolveAccess(deps, member.principal, organizationId);
    expect(demoted.grant.role).toBe('viewer');

    await expect(
      updateComment(deps, demoted, task.id, written.id, { body: 'x' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteComment(deps, demoted, task.id, written.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // No such task and no such comment: still 403, not 404.
    await expect(
      updateComment(deps, demoted, 'NOPE-1', crypto.randomUUID(), { body: 'x' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getComment(deps, board.world.owner, task.id, written.id)).toEqual(written);
  });

  it('answers 412 for a stale version and 422 for an empty body, changing nothing', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const written = await comment(board.world.owner, task, 'Original');
    await updateComment(deps, board.world.owner, task.id, written.id, { body: 'Second' }, 1);

    await expect(
      updateComment(deps, board.world.owner, task.id, written.id, { body: 'Third' }, 1),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(
      updateComment(deps, board.world.owner, task.id, written.id, { body: '  ' }, 2),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await getComment(deps, board.world.owner, task.id, written.id)).toMatchObject({
      body: 'Second',
      version: 2,
    });
  });

  it('holds edits to the write window', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const task = await aTask(board, { priority: 'high' });
    const written = await comment(member, task, 'Before hours');
    const held = await outsideTheWindow(board, member);
    await expect(
      updateComment(deps, held, task.id, written.id, { body: 'After hours' }),
    ).rejects.toBeInstanceOf(OutsideWorkingHoursError);
  });
});

describe('deleteComment', () => {
  it('lets the author delete it: comment_deleted, and comment.deleted keeping what was said', async () => {
    const board = await aBoard();
    const requester = await accessWithRole(deps, board.world, 'requester');
    const requested = await aTask(board, {}, requester);
    const written = await comment(requester, requested, 'Never mind');

    await deleteComment(deps, requester, requested.key, written.id, 1);

    expect(await allComments(board.world.owner, requested)).toEqual([]);
    expect(await commentHistory(board, requested)).toEqual([
      ['commented', { comment_id: written.id }, requester.grant.actorId],
      ['comment_deleted', { comment_id: written.id }, requester.grant.actorId],
    ]);
    expect(await auditOf(deps, board.world, 'comment.deleted')).toEqual([
      expect.objectContaining({
        targetId: written.id,
        changes: {
          task_id: requested.id,
          author_id: requester.grant.actorId,
          body: 'Never mind',
        },
      }),
    ]);
    await expect(deleteComment(deps, requester, requested.id, written.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a member on someone else’s comment; a manager may; 412 on a stale version', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const author = await accessWithRole(deps, board.world, 'member');
    const other = await accessWithRole(deps, board.world, 'member');
    const manager = await accessWithRole(deps, board.world, 'manager');
    const written = await comment(author, task);
    await updateComment(deps, author, task.id, written.id, { body: 'Edited' });

    await expect(deleteComment(deps, other, task.id, written.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(deleteComment(deps, manager, task.id, written.id, 1)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await allComments(board.world.owner, task)).toHaveLength(1);
    await deleteComment(deps, manager, task.id, written.id, 2);
    expect(await allComments(board.world.owner, task)).toEqual([]);
  });

  it('holds deletions to the write window', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const task = await aTask(board);
    const written = await comment(member, task);
    const held = await outsideTheWindow(board, member);
    await expect(deleteComment(deps, held, task.id, written.id)).rejects.toBeInstanceOf(
      OutsideWorkingHoursError,
    );
    expect(await allComments(board.world.owner, task)).toHaveLength(1);
  });
});
