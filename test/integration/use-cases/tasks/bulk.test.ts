// Bulk task changes over the real repositories: one result per id in request order, each task
// checked on its own (visibility, :own scope, write window, its project's statuses), all or
// nothing unless partial, one history row per changed task.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createRole } from '../../../../src/application/access/create-role.js';
import { createLabel } from '../../../../src/application/labels/create-label.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import {
  MAX_BULK_TASKS,
  type BulkUpdateInput,
} from '../../../../src/application/tasks/bulk-request.js';
import {
  bulkUpdateTasks,
  BulkUpdateConflictError,
  type BulkItemResult,
} from '../../../../src/application/tasks/bulk.js';
import { createTask, type CreateTaskInput } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import { getTask } from '../../../../src/application/tasks/get-task.js';
import type { Project } from '../../../../src/domain/projects/project.js';
import { ForbiddenError, ValidationError } from '../../../../src/domain/shared/errors.js';
import type { Task } from '../../../../src/domain/tasks/task.js';
import { WEEKDAYS } from '../../../../src/domain/tasks/write-window.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  anOrganization,
  aProject,
  auditOf,
  aBoard as newBoard,
  type Board,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const aBoard = (): Promise<Board> => newBoard(deps);

const statusNamed = (board: Board, name: string) =>
  board.statuses.find((status) => status.name === name)!;

let titles = 0;
function aTask(
  board: Board,
  input: Partial<CreateTaskInput> = {},
  by: OrganizationAccess = board.world.owner,
  project: Project = board.project,
): Promise<Task> {
  titles += 1;
  return createTask(deps, by, project.id, { title: `Task ${titles}`, ...input });
}

const reread = (board: Board, task: Task) => getTask(deps, board.world.owner, task.id);

function historyOf(board: Board, task: Task) {
  return deps.uow.run(
    (tx) => tx.tasks.history.list(board.world.organizationId, task.id, { limit: 50 }),
    { organizationId: board.world.organizationId },
  );
}

const bulk = (access: OrganizationAccess, input: BulkUpdateInput) =>
  bulkUpdateTasks(deps, access, input);

async function conflictOf(work: Promise<unknown>): Promise<BulkUpdateConflictError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BulkUpdateConflictError);
  return error as BulkUpdateConflictError;
}

async function validationOf(work: Promise<unknown>): Promise<ValidationError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

const statusesOf = (results: BulkItemResult[]) => results.map((result) => result.status);
const errorCodeOf = (result: BulkItemResult | undefined) =>
  result?.status === 'failed' ? result.error.code : undefined;

describe('bulkUpdateTasks', () => {
  it('changes every task, one result per id in request order, one history row each', async () => {
    const board = await aBoard();
    const tasks = [await aTask(board), await aTask(board), await aTask(board)];
    const order = [tasks[2]!, tasks[0]!, tasks[1]!];

    const results = await bulk(board.world.owner, {
      taskIds: order.map((task) => task.id),
      set: { priority: 'high' },
    });

    expect(results).toEqual(
      order.map((task) => ({
        taskId: task.id,
        status: 'updated',
        task: { id: task.id, key: task.key, version: task.version + 1 },
      })),
    );
    for (const task of tasks) {
      expect((await reread(board, task)).priority).toBe('high');
      const history = await historyOf(board, task);
      expect(history.map((entry) => entry.action)).toEqual(['updated', 'created']);
      expect(history[0]!.changes).toEqual({ priority: { from: 'medium', to: 'high' } });
    }
    const audit = await auditOf(deps, board.world, 'task.updated');
    expect(audit.map((entry) => entry.targetId).sort()).toEqual(tasks.map((t) => t.id).sort());
  });

  it('leaves a task already as asked unchanged: no new version, no history row', async () => {
    const board = await aBoard();
    const already = await aTask(board, { priority: 'low' });
    const other = await aTask(board, { priority: 'medium' });

    const results = await bulk(board.world.owner, {
      taskIds: [already.id, other.id],
      set: { priority: 'low' },
    });

    expect(results[0]).toEqual({
      taskId: already.id,
      status: 'unchanged',
      task: { id: already.id, key: already.key, version: already.version },
    });
    expect(results[1]?.status).toBe('updated');
    expect((await reread(board, already)).version).toBe(already.version);
    expect((await historyOf(board, already)).map((e) => e.action)).toEqual(['created']);
    expect((await historyOf(board, other)).map((e) => e.action)).toEqual(['updated', 'created']);
  });

  describe('a member changes only tasks it created or is assigned', () => {
    async function memberBoard() {
      const board = await aBoard();
      const member = await accessWithRole(deps, board.world, 'member');
      const created = await aTask(board, {}, member);
      const assigned = await aTask(board, { assigneeId: member.grant.actorId });
      const others = await aTask(board);
      return { board, member, created, assigned, others };
    }

    it('all or nothing: one forbidden task fails the request (409) and nothing changes', async () => {
      const { board, member, created, assigned, others } = await memberBoard();

      const error = await conflictOf(
        bulk(member, {
          taskIds: [created.id, others.id, assigned.id],
          set: { priority: 'critical' },
        }),
      );

      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual([
        { field: 'task_ids.1', message: 'FORBIDDEN: Missing permission task:update' },
      ]);
      for (const task of [created, assigned, others]) {
        const after = await reread(board, task);
        expect(after.priority).toBe('medium');
        expect(after.version).toBe(task.version);
        expect((await historyOf(board, task)).map((e) => e.action)).toEqual(['created']);
      }
      expect(await auditOf(deps, board.world, 'task.updated')).toEqual([]);
    });

    it('partial: the tasks it owns change, the other fails with FORBIDDEN', async () => {
      const { board, member, created, assigned, others } = await memberBoard();

      const results = await bulk(member, {
        taskIds: [created.id, others.id, assigned.id],
        set: { priority: 'critical' },
        partial: true,
      });

      expect(statusesOf(results)).toEqual(['updated', 'failed', 'updated']);
      expect(results[1]).toEqual({
        taskId: others.id,
        status: 'failed',
        error: { code: 'FORBIDDEN', message: 'Missing permission task:update' },
      });
      expect((await reread(board, created)).priority).toBe('critical');
      expect((await reread(board, assigned)).priority).toBe('critical');
      expect((await reread(board, others)).priority).toBe('medium');
      expect((await historyOf(board, others)).map((e) => e.action)).toEqual(['created']);
    });

    it('a manager (task:update:any) changes them all', async () => {
      const { board, created, assigned, others } = await memberBoard();
      const manager = await accessWithRole(deps, board.world, 'manager');
      const results = await bulk(manager, {
        taskIds: [created.id, others.id, assigned.id],
        set: { priority: 'low' },
      });
      expect(statusesOf(results)).toEqual(['updated', 'updated', 'updated']);
    });
  });

  it('answers NOT_FOUND alike for unknown, deleted, other-organization and invisible tasks', async () => {
    const board = await aBoard();
    const elsewhere = await aBoard();
    const role = await createRole(deps, board.world.owner, {
      name: 'Own tasks only',
      permissions: ['organization:read', 'project:read', 'task:read:own', 'task:update:own'],
    });
    const ownOnly = await accessWithRole(deps, board.world, role.id);
    const mine = await aTask(board, { assigneeId: ownOnly.grant.actorId });
    const invisible = await aTask(board);
    const deleted = await aTask(board);
    await deleteTask(deps, board.world.owner, deleted.id);
    const foreign = await aTask(elsewhere);
    const unknown = crypto.randomUUID();

    const results = await bulk(ownOnly, {
      taskIds: [mine.id, invisible.id, deleted.id, foreign.id, unknown],
      set: { priority: 'high' },
      partial: true,
    });

    expect(results[0]?.status).toBe('updated');
    const notFound = { code: 'NOT_FOUND', message: 'task not found' };
    expect(results.slice(1)).toEqual(
      [invisible, deleted, foreign]
        .map((task) => ({
          taskId: task.id,
          status: 'failed',
          error: notFound,
        }))
        .concat([{ taskId: unknown, status: 'failed', error: notFound }]),
    );
    expect((await reread(elsewhere, foreign)).priority).toBe('medium');
    expect((await reread(board, invisible)).priority).toBe('medium');
  });

  describe('status', () => {
    it('moves each task to the bottom of the new column and sets, then clears, completed_at', async () => {
      const board = await aBoard();
      const done = statusNamed(board, 'Done');
      const alreadyDone = await aTask(board, { statusId: done.id });
      const first = await aTask(board);
      const second = await aTask(board);

      const results = await bulk(board.world.owner, {
        taskIds: [second.id, first.id, alreadyDone.id],
        set: { statusId: done.id },
      });

      expect(statusesOf(results)).toEqual(['updated', 'updated', 'unchanged']);
      const after = await Promise.all([alreadyDone, second, first].map((t) => reread(board, t)));
      // In request order below what the column held.
      expect(after.map((task) => task.position)).toEqual(
        [...after.map((task) => task.position)].sort((a, b) => a - b),
      );
      expect(new Set(after.map((task) => task.position)).size).toBe(3);
      for (const task of after.slice(1)) {
        expect(task.statusId).toBe(done.id);
        expect(task.completedAt).toEqual(deps.clock.now());
      }
      const history = await historyOf(board, first);
      expect(history[0]!.changes).toMatchObject({
        status_id: { from: statusNamed(board, 'To Do').id, to: done.id },
        completed_at: { from: null, to: deps.clock.now().toISOString() },
      });

      await bulk(board.world.owner, {
        taskIds: [first.id],
        set: { statusId: statusNamed(board, 'In Progress').id },
      });
      expect((await reread(board, first)).completedAt).toBeNull();
    });

    it('must be a status of each task’s project: a task of another project fails', async () => {
      const board = await aBoard();
      const otherProject = await aProject(deps, board.world);
      const here = await aTask(board);
      const there = await aTask(board, {}, board.world.owner, otherProject);
      const inProgress = statusNamed(board, 'In Progress');

      const error = await conflictOf(
        bulk(board.world.owner, { taskIds: [here.id, there.id], set: { statusId: inProgress.id } }),
      );
      expect(error.details).toEqual([
        {
          field: 'task_ids.1',
          message: 'VALIDATION_ERROR: status_id: Not a status of the task’s project',
        },
      ]);
      expect((await reread(board, here)).statusId).toBe(statusNamed(board, 'To Do').id);

      const results = await bulk(board.world.owner, {
        taskIds: [here.id, there.id],
        set: { statusId: inProgress.id },
        partial: true,
      });
      expect(statusesOf(results)).toEqual(['updated', 'failed']);
      expect(errorCodeOf(results[1])).toBe('VALIDATION_ERROR');
      expect((await reread(board, here)).statusId).toBe(inProgress.id);
      expect((await historyOf(board, there)).map((e) => e.action)).toEqual(['created']);
    });
  });

  describe('labels', () => {
    it('adds and removes labels from each task’s own set', async () => {
      const board = await aBoard();
      const [l1, l2, l3] = await Promise.all(
        ['One', 'Two', 'Three'].map((name) => createLabel(deps, board.world.owner, { name })),
      );
      const a = await aTask(board, { labels: [l1!.id] });
      const b = await aTask(board, { labels: [l1!.id, l2!.id] });
      const c = await aTask(board, { labels: [l3!.id] });

      const results = await bulk(board.world.owner, {
        taskIds: [a.id, b.id, c.id],
        set: { labelsAdd: [l3!.id], labelsRemove: [l1!.id] },
      });

      expect(statusesOf(results)).toEqual(['updated', 'updated', 'unchanged']);
      expect((await reread(board, a)).labels).toEqual([l3!.id]);
      expect((await reread(board, b)).labels).toEqual([l2!.id, l3!.id].sort());
      expect((await reread(board, c)).labels).toEqual([l3!.id]);
      expect((await historyOf(board, b))[0]!.changes).toEqual({
        labels: { from: [l1!.id, l2!.id].sort(), to: [l2!.id, l3!.id].sort() },
      });
    });

    it('refuses an unknown label, and a label both added and removed (422)', async () => {
      const board = await aBoard();
      const task = await aTask(board);
      const label = await createLabel(deps, board.world.owner, { name: 'Known' });
      const foreign = await createLabel(deps, (await aBoard()).world.owner, { name: 'Foreign' });

      const unknown = await validationOf(
        bulk(board.world.owner, {
          taskIds: [task.id],
          set: { labelsAdd: [label.id, foreign.id] },
        }),
      );
      expect(unknown.details).toEqual([{ field: 'set.labels_add.1', message: 'Unknown label' }]);

      const both = await validationOf(
        bulk(board.world.owner, {
          taskIds: [task.id],
          set: { labelsAdd: [label.id], labelsRemove: [label.id] },
        }),
      );
      expect(both.details[0]?.field).toBe('set.labels_add.0');
      expect((await reread(board, task)).version).toBe(task.version);
    });
  });

  describe('assignee', () => {
    it('assigns a member, unassigns with null, and refuses a non-member (422)', async () => {
      const board = await aBoard();
      const member = await accessWithRole(deps, board.world, 'member');
      const a = await aTask(board);
      const b = await aTask(board, { assigneeId: member.grant.actorId });

      const assigned = await bulk(board.world.owner, {
        taskIds: [a.id, b.id],
        set: { assigneeId: member.grant.actorId },
      });
      expect(statusesOf(assigned)).toEqual(['updated', 'unchanged']);
      expect((await reread(board, a)).assigneeId).toBe(member.grant.actorId);

      const unassigned = await bulk(board.world.owner, {
        taskIds: [a.id, b.id],
        set: { assigneeId: null },
      });
      expect(statusesOf(unassigned)).toEqual(['updated', 'updated']);
      expect((await reread(board, b)).assigneeId).toBeNull();

      const stranger = (await anOrganization(deps)).owner.grant.actorId;
      const error = await validationOf(
        bulk(board.world.owner, { taskIds: [a.id], set: { assigneeId: stranger } }),
      );
      expect(error.details).toEqual([
        { field: 'set.assignee_id', message: 'Not a member of the organization' },
      ]);
    });
  });

  describe('the request as a whole', () => {
    it('takes 500 ids and refuses 0 or 501 (422)', async () => {
      const board = await aBoard();
      const task = await aTask(board);
      const ids = [
        task.id,
        ...Array.from({ length: MAX_BULK_TASKS - 1 }, () => crypto.randomUUID()),
      ];

      const results = await bulk(board.world.owner, {
        taskIds: ids,
        set: { priority: 'high' },
        partial: true,
      });
      expect(results).toHaveLength(MAX_BULK_TASKS);
      expect(results.map((result) => result.taskId)).toEqual(ids);
      expect(results[0]?.status).toBe('updated');
      expect(results.slice(1).every((result) => errorCodeOf(result) === 'NOT_FOUND')).toBe(true);

      for (const taskIds of [[], [...ids, crypto.randomUUID()]]) {
        const error = await validationOf(
          bulk(board.world.owner, { taskIds, set: { priority: 'low' } }),
        );
        expect(error.details).toEqual([{ field: 'task_ids', message: 'Give 1 to 500 task ids' }]);
      }
      expect((await reread(board, task)).priority).toBe('high');
    });

    it('refuses repeated ids and an empty set (422)', async () => {
      const board = await aBoard();
      const a = await aTask(board);
      const b = await aTask(board);

      const repeated = await validationOf(
        bulk(board.world.owner, { taskIds: [a.id, b.id, a.id], set: { priority: 'low' } }),
      );
      expect(repeated.details).toEqual([{ field: 'task_ids.2', message: 'Repeats task_ids.0' }]);

      const empty = await validationOf(bulk(board.world.owner, { taskIds: [a.id], set: {} }));
      expect(empty.details).toEqual([{ field: 'set', message: 'Nothing to change' }]);
      expect((await reread(board, a)).version).toBe(a.version);
    });

    it('refuses a role without task:update (403)', async () => {
      const board = await aBoard();
      const task = await aTask(board);
      const viewer = await accessWithRole(deps, board.world, 'viewer');
      await expect(
        bulk(viewer, { taskIds: [task.id], set: { priority: 'low' } }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    });
  });

  it('applies the write window per task priority', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const low = await aTask(board, { priority: 'low' }, member);
    const critical = await aTask(board, { priority: 'critical' }, member);
    // Open on one day only, three days from today wherever the member is: closed now.
    const today = (new Date(deps.clock.now()).getUTCDay() + 6) % 7;
    await updateOrganization(deps, board.world.owner, {
      writeWindow: {
        start: '00:00',
        end: '00:00',
        days: [WEEKDAYS[(today + 3) % 7]!],
        roles: ['member'],
      },
    });
    const held = await resolveAccess(deps, member.principal, board.world.organizationId);

    const results = await bulk(held, {
      taskIds: [low.id, critical.id],
      set: { assigneeId: member.grant.actorId },
      partial: true,
    });

    expect(statusesOf(results)).toEqual(['failed', 'updated']);
    expect(errorCodeOf(results[0])).toBe('OUTSIDE_WORKING_HOURS');
    expect((await reread(board, low)).assigneeId).toBeNull();
    expect((await reread(board, critical)).assigneeId).toBe(member.grant.actorId);
  });

  it('two concurrent requests over the same tasks in opposite orders both complete', async () => {
    const board = await aBoard();
    const tasks = await Promise.all(Array.from({ length: 8 }, () => aTask(board)));
    const ids = tasks.map((task) => task.id);

    const [first, second] = await Promise.all([
      bulk(board.world.owner, { taskIds: ids, set: { priority: 'high' } }),
      bulk(board.world.owner, {
        taskIds: [...ids].reverse(),
        set: { statusId: statusNamed(board, 'In Progress').id },
      }),
    ]);

    expect(statusesOf(first).every((status) => status === 'updated')).toBe(true);
    expect(statusesOf(second).every((status) => status === 'updated')).toBe(true);
    for (const task of tasks) {
      const after = await reread(board, task);
      expect(after.priority).toBe('high');
      expect(after.statusId).toBe(statusNamed(board, 'In Progress').id);
      expect(after.version).toBe(task.version + 2);
    }
  });
});
