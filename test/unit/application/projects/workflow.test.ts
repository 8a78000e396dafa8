// A project's workflow and task types: replacing the statuses keeps ids and order; task types
// are added and removed; each write audited, and only by those holding project:update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteProject } from '../../../../src/application/projects/projects.js';
import {
  createTaskType,
  deleteTaskType,
  listTaskTypes,
} from '../../../../src/application/projects/task-types.js';
import { getWorkflow, replaceWorkflow } from '../../../../src/application/projects/workflow.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { buildDeps, type TestDeps } from '../deps.js';
import { accessWithRole, anOrganization, aProject, auditOf } from './world.js';

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

describe('task types', () => {
  it('adds and lists task types in order, refuses a taken name, removes one; records both', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const names = ['BDL', 'SDL', 'nBDL', 'nPO'];
    const types = [];
    for (const name of names) {
      types.push(await createTaskType(deps, world.owner, project.key, { name: ` ${name} ` }));
    }
    expect((await listTaskTypes(deps, world.owner, project.id)).map((t) => t.name)).toEqual(names);
    await expect(
      createTaskType(deps, world.owner, project.id, { name: 'bdl' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      createTaskType(deps, world.owner, project.id, { name: '' }),
    ).rejects.toBeInstanceOf(ValidationError);

    await deleteTaskType(deps, world.owner, project.id, types[0]!.id);
    expect((await listTaskTypes(deps, world.owner, project.id)).map((t) => t.name)).toEqual(
      names.slice(1),
    );
    await expect(
      deleteTaskType(deps, world.owner, project.id, types[0]!.id),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(deps, world, 'task_type.created')).toHaveLength(4);
    expect(await auditOf(deps, world, 'task_type.deleted')).toEqual([
      expect.objectContaining({
        targetType: 'task_type',
        targetId: types[0]!.id,
        changes: { project_id: project.id, name: 'BDL' },
      }),
    ]);
  });

  it('finds a type only through its own project', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const other = await aProject(deps, world);
    const type = await createTaskType(deps, world.owner, project.id, { name: 'Bug' });
    await expect(deleteTaskType(deps, world.owner, other.id, type.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await listTaskTypes(deps, world.owner, project.id)).toEqual([type]);
  });

  it('lets viewers read and refuses their writes; another organization finds nothing', async () => {
    const world = await anOrganization(deps);
    const stranger = await anOrganization(deps);
    const project = await aProject(deps, world);
    const type = await createTaskType(deps, world.owner, project.id, { name: 'Bug' });
    const viewer = await accessWithRole(deps, world, 'viewer');
    expect(await listTaskTypes(deps, viewer, project.id)).toEqual([type]);
    await expect(
      createTaskType(deps, viewer, project.id, { name: 'Incident' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteTaskType(deps, viewer, project.id, type.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(listTaskTypes(deps, stranger.owner, project.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteTaskType(deps, stranger.owner, project.id, type.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
