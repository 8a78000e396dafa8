// Task relations over the real repositories: adding each type and reading it from both tasks,
// across projects; who may relate what (404 / 403 / 422, the write window); the pair and cycle
// rules (409); removing from either side; the history rows on both tasks and the audit entry.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createRole } from '../../../../src/application/access/create-role.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import { addRelation } from '../../../../src/application/tasks/add-relation.js';
import { getTaskWithRelations } from '../../../../src/application/tasks/get-task-with-relations.js';
import { listRelations } from '../../../../src/application/tasks/list-relations.js';
import { removeRelation } from '../../../../src/application/tasks/remove-relation.js';
import { createTask, type CreateTaskInput } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import { restoreTask } from '../../../../src/application/tasks/restore-task.js';
import type { Project } from '../../../../src/domain/projects/project.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  OutsideWorkingHoursError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import type { RelatedTask, RelationType } from '../../../../src/domain/tasks/relation.js';
import type { Task } from '../../../../src/domain/tasks/task.js';
import { WEEKDAYS } from '../../../../src/domain/tasks/write-window.js';
import { rejectionOf } from '../actors.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  aProject,
  auditOf,
  aBoard as newBoard,
  type Board,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const aBoard = (): Promise<Board> => newBoard(deps);

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

const relate = (
  board: Board,
  task: Task,
  type: RelationType,
  other: Task | string,
  by: OrganizationAccess = board.world.owner,
) =>
  addRelation(deps, by, task.id, {
    type,
    taskId: typeof other === 'string' ? other : other.id,
  });

const relationsOf = (board: Board, task: Task, by: OrganizationAccess = board.world.owner) =>
  listRelations(deps, by, task.id);

/** The relations as `[type, other task]` pairs, for short assertions. */
const pairs = (relations: readonly RelatedTask[]) =>
  relations.map((relation) => [relation.type, relation.taskId]);

function historyOf(board: Board, task: Task) {
  return deps.uow.run(
    (tx) => tx.tasks.history.list(board.world.organizationId, task.id, { limit: 50 }),
    { organizationId: board.world.organizationId },
  );
}

async function fieldOf(work: Promise<unknown>): Promise<string | undefined> {
  const error = await rejectionOf(work);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).details[0]?.field;
}

async function conflictOf(work: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(work);
  expect(error).toBeInstanceOf(ConflictError);
  return (error as ConflictError).message;
}

describe('adding a relation', () => {
  it('shows "A blocks B" as blocks from A and blocked_by from B', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);

    const added = await relate(board, a, 'blocks', b);

    expect(added).toEqual({
      id: added.id,
      type: 'blocks',
      taskId: b.id,
      taskKey: b.key,
      taskTitle: b.title,
      createdBy: board.world.owner.grant.actorId,
      createdAt: deps.clock.now(),
    });
    expect(await relationsOf(board, a)).toEqual([added]);
    expect(pairs(await relationsOf(board, b))).toEqual([['blocked_by', a.id]]);
    expect((await relationsOf(board, b))[0]?.id).toBe(added.id);
  });

  it.each<[RelationType, string, string]>([
    ['blocked_by', 'blocked_by', 'blocks'],
    ['duplicates', 'duplicates', 'duplicated_by'],
    ['relates_to', 'relates_to', 'relates_to'],
  ])('shows "A %s B" as %s from A and %s from B', async (type, fromA, fromB) => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const added = await relate(board, a, type, b);
    expect(added.type).toBe(fromA);
    expect(pairs(await relationsOf(board, a))).toEqual([[fromA, b.id]]);
    expect(pairs(await relationsOf(board, b))).toEqual([[fromB, a.id]]);
  });

  it('relates tasks of two projects of the organization, the other one named by its key', async () => {
    const board = await aBoard();
    const otherProject = await aProject(deps, board.world);
    const a = await aTask(board);
    const b = await aTask(board, {}, board.world.owner, otherProject);
    const added = await relate(board, a, 'relates_to', b.key);
    expect(added).toMatchObject({ taskId: b.id, taskKey: b.key });
  });

  it('returns the task together with its relations in one read', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const added = await relate(board, a, 'duplicates', b);
    const read = await getTaskWithRelations(deps, board.world.owner, a.key);
    expect(read.task).toMatchObject({ id: a.id, key: a.key });
    expect(read.relations).toEqual([added]);
  });

  it('writes a history row on both tasks, each from its side, and one audit entry', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const added = await relate(board, a, 'blocked_by', b);

    const [onA] = await historyOf(board, a);
    const [onB] = await historyOf(board, b);
    expect(onA).toMatchObject({
      action: 'relation_added',
      actorId: board.world.owner.grant.actorId,
      changes: { type: 'blocked_by', task_id: b.id },
    });
    expect(onB).toMatchObject({
      action: 'relation_added',
      changes: { type: 'blocks', task_id: a.id },
    });
    const audit = (await auditOf(deps, board.world, 'task.relation_added')).filter(
      (entry) => entry.targetId === a.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      targetType: 'task',
      changes: { relation_id: added.id, type: 'blocked_by', task_id: b.id },
    });
  });
});

describe('who may relate which tasks', () => {
  it('lets a member relate a task it created or is assigned, to any task it sees', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const created = await aTask(board, {}, member);
    const assigned = await aTask(board, { assigneeId: member.grant.actorId });
    const someoneElses = await aTask(board);
    await expect(relate(board, created, 'blocks', someoneElses, member)).resolves.toMatchObject({
      type: 'blocks',
    });
    await expect(
      relate(board, assigned, 'relates_to', someoneElses, member),
    ).resolves.toMatchObject({ type: 'relates_to' });
  });

  it('refuses a member on a task it neither created nor is assigned, and a viewer (403)', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    const a = await aTask(board);
    const b = await aTask(board, {}, member);
    for (const who of [member, viewer]) {
      expect(await rejectionOf(relate(board, a, 'blocks', b, who))).toBeInstanceOf(ForbiddenError);
    }
    expect(await relationsOf(board, a)).toEqual([]);
  });

  it('answers 404 for a path task the caller cannot see, or a deleted one', async () => {
    const board = await aBoard();
    const role = await createRole(deps, board.world.owner, {
      name: 'Own tasks only',
      permissions: ['organization:read', 'project:read', 'task:read:own', 'task:update:own'],
    });
    const ownOnly = await accessWithRole(deps, board.world, role.id);
    const invisible = await aTask(board);
    const mine = await aTask(board, { assigneeId: ownOnly.grant.actorId });
    const deleted = await aTask(board);
    await deleteTask(deps, board.world.owner, deleted.id);
    expect(await rejectionOf(relate(board, invisible, 'blocks', mine, ownOnly))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await rejectionOf(relationsOf(board, invisible, ownOnly))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(relate(board, deleted, 'blocks', mine))).toBeInstanceOf(NotFoundError);
  });

  it('answers 422 on task_id for the task itself and for any task the caller cannot relate to, alike', async () => {
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

    expect(await fieldOf(relate(board, mine, 'blocks', mine, ownOnly))).toBe('task_id');
    expect(await fieldOf(relate(board, mine, 'relates_to', mine.key, ownOnly))).toBe('task_id');
    const refusals = await Promise.all(
      [invisible.id, deleted.id, foreign.id, crypto.randomUUID(), 'ZZ-1', 'not a task'].map(
        (other) => rejectionOf(relate(board, mine, 'blocks', other, ownOnly)),
      ),
    );
    for (const error of refusals) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([
        { field: 'task_id', message: 'No such task' },
      ]);
    }
    expect(await relationsOf(board, mine, ownOnly)).toEqual([]);
  });

  it('refuses a relation outside the write window, unless the path task is critical', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const low = await aTask(board, { priority: 'low' }, member);
    const critical = await aTask(board, { priority: 'critical' }, member);
    const other = await aTask(board);
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
    expect(await rejectionOf(relate(board, low, 'blocks', other, held))).toBeInstanceOf(
      OutsideWorkingHoursError,
    );
    await expect(relate(board, critical, 'blocks', other, held)).resolves.toMatchObject({
      taskId: other.id,
    });
    const owned = await relate(board, low, 'relates_to', other);
    expect(await rejectionOf(removeRelation(deps, held, low.id, owned.id))).toBeInstanceOf(
      OutsideWorkingHoursError,
    );
  });

  it('lists only relations to tasks the reader sees', async () => {
    const board = await aBoard();
    const requester = await accessWithRole(deps, board.world, 'requester');
    const requested = await aTask(board, {}, requester);
    const alsoRequested = await aTask(board, {}, requester);
    const someoneElses = await aTask(board);
    await relate(board, requested, 'relates_to', alsoRequested);
    await relate(board, requested, 'blocks', someoneElses);
    expect(pairs(await relationsOf(board, requested, requester))).toEqual([
      ['relates_to', alsoRequested.id],
    ]);
    expect(pairs(await relationsOf(board, requested))).toHaveLength(2);
  });
});

describe('the pair and cycle rules (409)', () => {
  it('refuses the same relation again, whichever side asks', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    await relate(board, a, 'blocks', b);
    expect(await conflictOf(relate(board, a, 'blocks', b))).toBe(
      'The tasks already have a blocks relation',
    );
    expect(await conflictOf(relate(board, b, 'blocked_by', a))).toBe(
      'The tasks already have a blocks relation',
    );
  });

  it('refuses relates_to and duplicates the other way round', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    await relate(board, a, 'relates_to', b);
    await relate(board, a, 'duplicates', b);
    expect(await conflictOf(relate(board, b, 'relates_to', a))).toBe(
      'The tasks already have a relates_to relation',
    );
    expect(await conflictOf(relate(board, b, 'duplicates', a))).toBe(
      'The tasks already have a duplicates relation',
    );
    // A third type between the same two tasks is another relation.
    await expect(relate(board, b, 'blocks', a)).resolves.toMatchObject({ type: 'blocks' });
  });

  it('refuses a task blocking the task that blocks it, asked either way', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    await relate(board, a, 'blocks', b);
    const cycle = 'The relation would make a blocking cycle';
    expect(await conflictOf(relate(board, b, 'blocks', a))).toBe(cycle);
    expect(await conflictOf(relate(board, a, 'blocked_by', b))).toBe(cycle);
  });

  it('refuses a longer blocking cycle (A→B→C, then C→A) and keeps nothing of it', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const c = await aTask(board);
    await relate(board, a, 'blocks', b);
    await relate(board, c, 'blocked_by', b);
    const historyBefore = await historyOf(board, c);

    expect(await conflictOf(relate(board, c, 'blocks', a))).toBe(
      'The relation would make a blocking cycle',
    );
    expect(await conflictOf(relate(board, a, 'blocked_by', c))).toBe(
      'The relation would make a blocking cycle',
    );
    expect(pairs(await relationsOf(board, c))).toEqual([['blocked_by', b.id]]);
    expect(await historyOf(board, c)).toEqual(historyBefore);
    // Not a cycle: C blocks a fourth task, and A relates to C.
    const d = await aTask(board);
    await expect(relate(board, c, 'blocks', d)).resolves.toMatchObject({ type: 'blocks' });
    await expect(relate(board, a, 'relates_to', c)).resolves.toMatchObject({ type: 'relates_to' });
  });

  it('counts a deleted task in the chain, so restoring it cannot bring a cycle back', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const c = await aTask(board);
    await relate(board, a, 'blocks', b);
    await relate(board, b, 'blocks', c);
    await deleteTask(deps, board.world.owner, b.id);
    expect(await conflictOf(relate(board, c, 'blocks', a))).toBe(
      'The relation would make a blocking cycle',
    );
  });

  it('lets only one of two opposite blocking requests made at once through', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const outcomes = await Promise.allSettled([
      relate(board, a, 'blocks', b),
      relate(board, b, 'blocks', a),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(failed?.reason).toBeInstanceOf(ConflictError);
    expect(await relationsOf(board, a)).toHaveLength(1);
  });
  it('settles two opposite relates_to requests made at once: one 409, no deadlock', async () => {
    const board = await aBoard();
    for (let round = 0; round < 3; round += 1) {
      const a = await aTask(board);
      const b = await aTask(board);
      const outcomes = await Promise.allSettled([
        relate(board, a, 'relates_to', b),
        relate(board, b, 'relates_to', a),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(failed?.reason).toBeInstanceOf(ConflictError);
      expect(await relationsOf(board, a)).toHaveLength(1);
    }
  });
});

describe('removing a relation', () => {
  it('removes it from either task’s path, with a history row on both and an audit entry', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const first = await relate(board, a, 'duplicates', b);
    await removeRelation(deps, board.world.owner, b.key, first.id);
    expect(await relationsOf(board, a)).toEqual([]);
    expect(await relationsOf(board, b)).toEqual([]);
    expect((await historyOf(board, a))[0]).toMatchObject({
      action: 'relation_removed',
      changes: { type: 'duplicates', task_id: b.id },
    });
    expect((await historyOf(board, b))[0]).toMatchObject({
      action: 'relation_removed',
      changes: { type: 'duplicated_by', task_id: a.id },
    });
    const audit = (await auditOf(deps, board.world, 'task.relation_removed')).filter(
      (entry) => entry.targetId === b.id,
    );
    expect(audit.map((entry) => entry.changes)).toEqual([
      { relation_id: first.id, type: 'duplicated_by', task_id: a.id },
    ]);

    const second = await relate(board, a, 'relates_to', b);
    await removeRelation(deps, board.world.owner, a.id, second.id);
    expect(await relationsOf(board, b)).toEqual([]);
    // Gone: the pair may be related again.
    await expect(relate(board, b, 'relates_to', a)).resolves.toMatchObject({ taskId: a.id });
  });

  it('answers 404 for a relation that does not involve the task, an unknown id, or one removed already', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const c = await aTask(board);
    const relation = await relate(board, a, 'blocks', b);
    for (const [task, id] of [
      [c, relation.id],
      [a, crypto.randomUUID()],
      [a, 'not-a-uuid'],
    ] as const) {
      expect(
        await rejectionOf(removeRelation(deps, board.world.owner, task.id, id)),
      ).toBeInstanceOf(NotFoundError);
    }
    await removeRelation(deps, board.world.owner, a.id, relation.id);
    expect(
      await rejectionOf(removeRelation(deps, board.world.owner, a.id, relation.id)),
    ).toBeInstanceOf(NotFoundError);
  });

  it('needs task:update on the task in the path (403), even when the other task is the member’s', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const a = await aTask(board);
    const mine = await aTask(board, {}, member);
    const relation = await relate(board, a, 'relates_to', mine);
    expect(await rejectionOf(removeRelation(deps, member, a.id, relation.id))).toBeInstanceOf(
      ForbiddenError,
    );
    await removeRelation(deps, member, mine.id, relation.id);
    expect(await relationsOf(board, a)).toEqual([]);
  });

  it('hides a relation to a deleted task from the other task, and shows it again on restore', async () => {
    const board = await aBoard();
    const a = await aTask(board);
    const b = await aTask(board);
    const relation = await relate(board, a, 'blocks', b);
    await deleteTask(deps, board.world.owner, b.id);
    expect(await relationsOf(board, a)).toEqual([]);
    expect(
      await rejectionOf(removeRelation(deps, board.world.owner, a.id, relation.id)),
    ).toBeInstanceOf(NotFoundError);
    await restoreTask(deps, board.world.owner, b.id);
    expect(pairs(await relationsOf(board, a))).toEqual([['blocks', b.id]]);
  });
});
