// A project's workflow and task types: replacing the statuses keeps ids and order; task types
// are added and removed; each write audited, and only by those holding project:update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteProject } from '../../../../src/application/projects/delete-project.js';
import { createTaskType } from '../../../../src/application/projects/create-task-type.js';
import { deleteTaskType } from '../../../../src/application/projects/delete-task-type.js';
import { listTaskTypes } from '../../../../src/application/projects/list-task-types.js';
import { renameTaskType } from '../../../../src/application/projects/rename-task-type.js';
import { getWorkflow } from '../../../../src/application/projects/get-workflow.js';
import { replaceWorkflow } from '../../../../src/application/projects/replace-workflow.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import {
  insertTasks,
  readTaskHistory,
  readTasks,
  type TaskRowFields,
} from '../../../support/task-rows.js';
import { buildDeps, type TestDeps } from '../deps.js';
import {
  accessWithRole,
  anOrganization,
  apiKeyAccess,
  aProject,
  auditOf,
  type World,
} from '../../../support/builders/use-cases.js';

let database: TestDatabase;
let deps: TestDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = await buildDeps(database.handle.db);
});
afterAll(async () => {
  await database.close();
});

describe('replaceWorkflow', () => {
  it('reorders, renames, adds and drops, keeping the ids of kept statuses; records from/to', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const [todo, progress, review, done] = await getWorkflow(deps, world.owner, project.id);
    const replaced = await replaceWorkflow(deps, world.owner, project.key, {
      statuses: [
        { name: 'Backlog', category: 'todo' },
        { id: todo!.id, name: 'Ready', category: 'todo' },
        { id: review!.id, name: 'In Review', category: 'in_progress' },
        { id: progress!.id, name: 'Doing', category: 'in_progress' },
        { id: done!.id, name: 'Done', category: 'done' },
      ],
    });
    expect(replaced.map((s) => [s.name, s.position])).toEqual([
      ['Backlog', 0],
      ['Ready', 1],
      ['In Review', 2],
      ['Doing', 3],
      ['Done', 4],
    ]);
    expect(replaced.slice(1).map((s) => s.id)).toEqual([
      todo!.id,
      review!.id,
      progress!.id,
      done!.id,
    ]);
    expect(await getWorkflow(deps, world.owner, project.id)).toEqual(replaced);

    const entries = await auditOf(deps, world, 'project.statuses_replaced');
    expect(entries).toEqual([
      expect.objectContaining({ targetType: 'project', targetId: project.id }),
    ]);
    const changes = entries[0]!.changes as {
      statuses: { from: { name: string }[]; to: { name: string }[] };
    };
    expect(changes.statuses.from.map((s) => s.name)).toEqual([
      'To Do',
      'In Progress',
      'In Review',
      'Done',
    ]);
    expect(changes.statuses.to.map((s) => s.name)).toEqual([
      'Backlog',
      'Ready',
      'In Review',
      'Doing',
      'Done',
    ]);
  });

  it('drops statuses left out, and takes move_to only when it names a status that stays', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const [todo, progress, review, done] = await getWorkflow(deps, world.owner, project.id);
    const keep = [todo!, done!];
    await expect(
      replaceWorkflow(deps, world.owner, project.id, { statuses: keep, moveTo: review!.id }),
    ).rejects.toMatchObject({ details: [{ field: 'move_to' }] });
    const replaced = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: keep,
      moveTo: todo!.id,
    });
    expect(replaced.map((s) => s.id)).toEqual([todo!.id, done!.id]);
    expect(replaced.map((s) => s.id)).not.toContain(progress!.id);
  });

  it('writes and records nothing when the list comes back unchanged', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const current = await getWorkflow(deps, world.owner, project.id);
    expect(await replaceWorkflow(deps, world.owner, project.id, { statuses: current })).toEqual(
      current,
    );
    expect(await auditOf(deps, world, 'project.statuses_replaced')).toEqual([]);
  });

  it('refuses a broken list with every issue, and changes nothing', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const before = await getWorkflow(deps, world.owner, project.id);
    const error = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [
        { id: deps.ids.next(), name: 'Ghost', category: 'todo' },
        { name: 'ghost', category: 'in_progress' },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual([
      '0.id',
      '1.name',
      'body',
    ]);
    expect(await getWorkflow(deps, world.owner, project.id)).toEqual(before);
  });

  it('refuses viewers and members, another organization, and a deleted project', async () => {
    const world = await anOrganization(deps);
    const stranger = await anOrganization(deps);
    const project = await aProject(deps, world);
    const statuses = await getWorkflow(deps, world.owner, project.id);
    for (const role of ['viewer', 'member']) {
      const access = await accessWithRole(deps, world, role);
      expect(await getWorkflow(deps, access, project.id)).toEqual(statuses);
      await expect(replaceWorkflow(deps, access, project.id, { statuses })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    await expect(getWorkflow(deps, stranger.owner, project.key)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      replaceWorkflow(deps, stranger.owner, project.id, { statuses }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await deleteProject(deps, world.owner, project.id);
    await expect(getWorkflow(deps, world.owner, project.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      replaceWorkflow(deps, world.owner, project.id, { statuses }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('replaceWorkflow and the tasks of the project', () => {
  const GAP = 65_536;
  const DAY = 86_400_000;
  const COMPLETED = new Date('2026-01-06T08:00:00.000Z');

  async function aBoard() {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const [todo, progress, review, done] = await getWorkflow(deps, world.owner, project.id);
    return { world, project, todo: todo!, progress: progress!, review: review!, done: done! };
  }

  const tasksIn = (world: World, projectId: string, rows: Omit<TaskRowFields, 'projectId'>[]) =>
    insertTasks(
      database.handle.db,
      world.organizationId,
      rows.map((row) => ({ projectId, ...row })),
    );

  it('answers 409 naming each dropped status that holds live tasks, and changes nothing', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const ids = await tasksIn(world, project.id, [
      { statusId: progress.id },
      { statusId: review.id },
      { statusId: review.id },
      { statusId: todo.id },
    ]);
    const before = await readTasks(database.handle.db, world.organizationId, ids);

    const error = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, done],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(
      "'In Progress', 'In Review' still hold tasks: give move_to, a status of the new list to receive them",
    );
    expect(await getWorkflow(deps, world.owner, project.id)).toEqual([
      todo,
      progress,
      review,
      done,
    ]);
    expect(await readTasks(database.handle.db, world.organizationId, ids)).toEqual(before);
    expect(await readTaskHistory(database.handle.db, world.organizationId)).toEqual([]);
    expect(await auditOf(deps, world, 'project.statuses_replaced')).toEqual([]);

    const one = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, review, done],
    }).catch((e: unknown) => e);
    expect(one).toBeInstanceOf(ConflictError);
    expect((one as ConflictError).message).toMatch(/^'In Progress' still holds tasks/);
  });

  it('moves every task of the dropped statuses to the end of move_to, in order, with history for the live ones', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const [waiting, doing1, doing2, reviewing, gone] = await tasksIn(world, project.id, [
      { statusId: todo.id, position: 5 * GAP },
      { statusId: progress.id, position: 2 * GAP },
      { statusId: progress.id, position: GAP },
      { statusId: review.id, position: GAP / 2 },
      { statusId: review.id, position: 9 * GAP, deletedAt: new Date('2026-01-07T00:00:00Z') },
    ]);
    deps.clock.advance(DAY);
    const now = deps.clock.now();

    await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, done],
      moveTo: todo.id,
    });

    const ids = [waiting!, doing2!, doing1!, reviewing!, gone!];
    const rows = await readTasks(database.handle.db, world.organizationId, ids);
    expect(rows.map((r) => [r.statusId, r.position, r.version, r.completedAt])).toEqual([
      [todo.id, 5 * GAP, 1, null],
      [todo.id, 6 * GAP, 2, null],
      [todo.id, 7 * GAP, 2, null],
      [todo.id, 8 * GAP, 2, null],
      [todo.id, 9 * GAP, 2, null],
    ]);
    expect(rows.slice(1).map((r) => r.updatedAt)).toEqual([now, now, now, now]);
    expect(rows[4]!.deletedAt).toEqual(new Date('2026-01-07T00:00:00Z'));

    const history = await readTaskHistory(database.handle.db, world.organizationId);
    expect(history.map((h) => [h.taskId, h.actorId, h.action, h.changes, h.at])).toEqual(
      expect.arrayContaining(
        [
          [doing1, progress.id],
          [doing2, progress.id],
          [reviewing, review.id],
        ].map(([taskId, from]) => [
          taskId,
          world.owner.grant.actorId,
          'moved',
          { status_id: { from, to: todo.id } },
          now,
        ]),
      ),
    );
    expect(history).toHaveLength(3);
    expect(history.every((h) => /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(h.id))).toBe(true);
    expect(new Set(history.map((h) => h.id)).size).toBe(3);

    const [entry] = await auditOf(deps, world, 'project.statuses_replaced');
    expect(entry!.changes).toMatchObject({ move_to: todo.id, moved_tasks: 3 });
  });

  it('takes move_to by name, a status new in this very list included, whatever the case', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const [a, b] = await tasksIn(world, project.id, [
      { statusId: progress.id },
      { statusId: review.id },
    ]);
    const replaced = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, { name: 'Doing', category: 'in_progress' }, done],
      moveTo: ' doing ',
    });
    const doing = replaced[1]!;
    expect(doing.name).toBe('Doing');
    const rows = await readTasks(database.handle.db, world.organizationId, [a!, b!]);
    expect(rows.map((r) => [r.statusId, r.position])).toEqual([
      [doing.id, GAP],
      [doing.id, 2 * GAP],
    ]);

    await expect(
      replaceWorkflow(deps, world.owner, project.id, {
        statuses: [todo, done],
        moveTo: 'Doing',
      }),
    ).rejects.toMatchObject({ details: [{ field: 'move_to' }] });
    await expect(
      replaceWorkflow(deps, world.owner, project.id, {
        statuses: [todo, done],
        moveTo: doing.id,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await getWorkflow(deps, world.owner, project.id)).toEqual(replaced);
  });

  it('sets completed_at of tasks moved into done (keeping one already set) and clears it on the way out', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const [started, reviewed] = await tasksIn(world, project.id, [
      { statusId: progress.id },
      { statusId: review.id, completedAt: COMPLETED },
    ]);
    deps.clock.advance(DAY);
    const now = deps.clock.now();
    await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, done],
      moveTo: done.id,
    });
    expect(
      (await readTasks(database.handle.db, world.organizationId, [started!, reviewed!])).map(
        (r) => [r.statusId, r.completedAt],
      ),
    ).toEqual([
      [done.id, now],
      [done.id, COMPLETED],
    ]);

    const [, finished] = await tasksIn(world, project.id, [
      { statusId: todo.id },
      { statusId: done.id, completedAt: COMPLETED },
    ]);
    const archive = { name: 'Archive', category: 'done' as const };
    await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [todo, archive],
      moveTo: 'To Do',
    });
    const rows = await readTasks(database.handle.db, world.organizationId, [
      started!,
      reviewed!,
      finished!,
    ]);
    expect(rows.map((r) => [r.statusId, r.completedAt])).toEqual([
      [todo.id, null],
      [todo.id, null],
      [todo.id, null],
    ]);
  });

  it('moves the deleted tasks of a dropped status to the first status without move_to, recording no history', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const deletedAt = new Date('2026-01-07T00:00:00Z');
    const [live, deleted] = await tasksIn(world, project.id, [
      { statusId: progress.id },
      { statusId: review.id, deletedAt, completedAt: COMPLETED },
    ]);
    const backlog = { name: 'Backlog', category: 'todo' as const };
    const replaced = await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [backlog, progress, done],
    });
    const rows = await readTasks(database.handle.db, world.organizationId, [live!, deleted!]);
    expect(rows.map((r) => [r.statusId, r.version, r.completedAt, r.deletedAt])).toEqual([
      [progress.id, 1, null, null],
      [replaced[0]!.id, 2, null, deletedAt],
    ]);
    expect(replaced.map((s) => s.id)).not.toContain(todo.id);
    expect(await readTaskHistory(database.handle.db, world.organizationId)).toEqual([]);
    const [entry] = await auditOf(deps, world, 'project.statuses_replaced');
    expect(entry!.changes).not.toHaveProperty('move_to');
  });

  it('sets or clears completed_at of the tasks of a status whose category changes', async () => {
    const { world, project, todo, progress, review, done } = await aBoard();
    const deletedAt = new Date('2026-01-07T00:00:00Z');
    const ids = await tasksIn(world, project.id, [
      { statusId: review.id },
      { statusId: review.id, deletedAt },
      { statusId: done.id, completedAt: COMPLETED },
      { statusId: progress.id },
      { statusId: todo.id },
    ]);
    deps.clock.advance(DAY);
    const now = deps.clock.now();
    await replaceWorkflow(deps, world.owner, project.id, {
      statuses: [
        todo,
        progress,
        { ...review, name: 'Accepted', category: 'done' },
        { ...done, name: 'Reopened', category: 'todo' },
      ],
    });
    const rows = await readTasks(database.handle.db, world.organizationId, ids);
    expect(rows.map((r) => [r.completedAt, r.version])).toEqual([
      [now, 2],
      [now, 2],
      [null, 2],
      [null, 1],
      [null, 1],
    ]);
    expect(rows.slice(0, 3).map((r) => r.updatedAt)).toEqual([now, now, now]);
  });

  it('records the API key as the actor of the moves', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const key = await apiKeyAccess(deps, world, 'admin');
    const [todo, progress, , done] = await getWorkflow(deps, key, project.id);
    await tasksIn(world, project.id, [{ statusId: progress!.id }]);
    await replaceWorkflow(deps, key, project.id, { statuses: [todo!, done!], moveTo: 'to do' });
    const history = await readTaskHistory(database.handle.db, world.organizationId);
    expect(history.map((h) => h.actorId)).toEqual([key.grant.actorId]);
  });
});

describe('task types', () => {
  it('adds and lists task types in order, refuses a taken name, removes one; records both', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const seeded = ['Bug', 'Task', 'Story'];
    const names = ['BDL', 'SDL', 'nBDL', 'nPO'];
    const types = [];
    for (const name of names) {
      types.push(await createTaskType(deps, world.owner, project.key, { name: ` ${name} ` }));
    }
    expect((await listTaskTypes(deps, world.owner, project.id)).map((t) => t.name)).toEqual([
      ...seeded,
      ...names,
    ]);
    await expect(
      createTaskType(deps, world.owner, project.id, { name: 'bdl' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      createTaskType(deps, world.owner, project.id, { name: '' }),
    ).rejects.toBeInstanceOf(ValidationError);

    await deleteTaskType(deps, world.owner, project.id, types[0]!.id);
    expect((await listTaskTypes(deps, world.owner, project.id)).map((t) => t.name)).toEqual([
      ...seeded,
      ...names.slice(1),
    ]);
    await expect(
      deleteTaskType(deps, world.owner, project.id, types[0]!.id),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(deps, world, 'task_type.created')).toHaveLength(4);
    expect(await auditOf(deps, world, 'task_type.deleted')).toEqual([
      expect.objectContaining({
        targetType: 'task_type',
        targetId: types[0]!.id,
        changes: { project_id: project.id, name: 'BDL', tasks: 0 },
      }),
    ]);
  });

  it('finds a type only through its own project', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const other = await aProject(deps, world);
    const type = await createTaskType(deps, world.owner, project.id, { name: 'Incident' });
    await expect(deleteTaskType(deps, world.owner, other.id, type.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      renameTaskType(deps, world.owner, other.id, type.id, { name: 'Outage' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await listTaskTypes(deps, world.owner, project.id)).at(-1)).toEqual(type);
  });

  it('lets viewers read and refuses their writes; another organization finds nothing', async () => {
    const world = await anOrganization(deps);
    const stranger = await anOrganization(deps);
    const project = await aProject(deps, world);
    const type = await createTaskType(deps, world.owner, project.id, { name: 'Incident' });
    const viewer = await accessWithRole(deps, world, 'viewer');
    const listed = await listTaskTypes(deps, viewer, project.id);
    expect(listed.map((t) => t.name)).toEqual(['Bug', 'Task', 'Story', 'Incident']);
    expect(listed.at(-1)).toEqual(type);
    await expect(
      createTaskType(deps, viewer, project.id, { name: 'Incident' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      renameTaskType(deps, viewer, project.id, type.id, { name: 'Outage' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteTaskType(deps, viewer, project.id, type.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      renameTaskType(deps, stranger.owner, project.id, type.id, { name: 'Outage' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(listTaskTypes(deps, stranger.owner, project.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteTaskType(deps, stranger.owner, project.id, type.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
