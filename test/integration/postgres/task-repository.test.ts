// The task repository against this file's own database (PGlite by default, PostgreSQL when
// TEST_DATABASE_URL is set), as the application role: every call inside its organization's unit
// of work (row-level security). Numbers, positions and renumbering, references to labels, types
// and statuses, every list filter and sort with keyset pages, tenancy, and the parent tree.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { cursorAfter } from '../../../src/application/tasks/list.js';
import type {
  NewTask,
  TaskCursor,
  TaskFilter,
  TaskSort,
} from '../../../src/application/tasks/ports.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { Project } from '../../../src/domain/projects/project.js';
import { defaultWorkflow, type WorkflowStatus } from '../../../src/domain/projects/workflow.js';
import { ValidationError } from '../../../src/domain/shared/errors.js';
import { POSITION_GAP, positionBetween } from '../../../src/domain/tasks/position.js';
import { PRIORITIES, type Priority, type Task } from '../../../src/domain/tasks/task.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';
import { aKey, repositoryBuilders } from '../../support/builders/repositories.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const newId = () => uuidV7Ids.next();
const GAP = POSITION_GAP;

let database: TestDatabase;
let db: Db;
let uow: UnitOfWork;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  uow = postgresUnitOfWork(db);
});
afterAll(async () => {
  await database.close();
});

const { inOrg, anOrganization } = repositoryBuilders(() => uow, NOW);

/** Raw SQL in a transaction scoped to the organization, as a unit of work would run it. */
const rawInOrg = <T>(organizationId: string, work: (trx: Db) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    return work(trx);
  });

interface World {
  readonly org: string;
  readonly project: Project;
  readonly todo: WorkflowStatus;
  readonly progress: WorkflowStatus;
  readonly review: WorkflowStatus;
  readonly done: WorkflowStatus;
}

async function aProjectIn(org: string): Promise<Omit<World, 'org'>> {
  const workflow = defaultWorkflow(newId);
  const project = await inOrg(org, (tx) =>
    tx.projects.create(
      {
        id: newId(),
        organizationId: org,
        key: aKey(),
        name: 'Release',
        description: '',
        publicLookup: false,
        createdBy: newId(),
        now: NOW,
      },
      workflow,
    ),
  );
  const [todo, progress, review, done] = workflow;
  return { project, todo: todo!, progress: progress!, review: review!, done: done! };
}

async function aWorld(org?: string): Promise<World> {
  const organization = org ?? (await anOrganization());
  return { org: organization, ...(await aProjectIn(organization)) };
}

function newTask(world: Omit<World, 'org'> & { org: string }, fields: Partial<NewTask> = {}) {
  const now = fields.now ?? NOW;
  return {
    id: newId(),
    organizationId: world.org,
    projectId: world.project.id,
    title: 'Fix the login',
    description: '',
    typeId: null,
    statusId: world.todo.id,
    priority: 'medium',
    assigneeId: null,
    reporterId: newId(),
    parentId: null,
    labels: [],
    dueAt: null,
    estimateHours: null,
    completedAt: null,
    ...fields,
    now,
  } satisfies NewTask;
}

const aTask = (world: World, fields: Partial<NewTask> = {}) =>
  inOrg(world.org, (tx) => tx.tasks.create(newTask(world, fields)));

async function aLabel(org: string, name = `label-${uniqueTag()}`): Promise<string> {
  const label = await inOrg(org, (tx) =>
    tx.labels.create({
      id: newId(),
      organizationId: org,
      name,
      color: '#aabbcc',
      description: '',
      createdBy: newId(),
      now: NOW,
    }),
  );
  return label.id;
}

async function aType(world: World, name: string): Promise<string> {
  const type = await inOrg(world.org, (tx) =>
    tx.projects.taskTypes.create({
      id: newId(),
      organizationId: world.org,
      projectId: world.project.id,
      name,
      now: NOW,
    }),
  );
  return type.id;
}

interface PositionRow {
  readonly id: string;
  readonly statusId: string;
  readonly position: number;
}

/** Every task row of the project (deleted ones too), by status, position and id. */
async function rowsOf(org: string, projectId: string): Promise<PositionRow[]> {
  const { rows } = await rawInOrg(org, (trx) =>
    sql<{ id: string; status_id: string; position: string | number }>`
      select id, status_id, position from tasks
      where organization_id = ${org} and project_id = ${projectId}
      order by status_id, position, id
    `.execute(trx),
  );
  return rows.map((row) => ({
    id: row.id,
    statusId: row.status_id,
    position: Number(row.position),
  }));
}

/** The live tasks of a column, in order, as [id, position]. */
async function columnOf(org: string, projectId: string, statusId: string) {
  const { rows } = await rawInOrg(org, (trx) =>
    sql<{ id: string; position: string | number }>`
      select id, position from tasks
      where organization_id = ${org} and project_id = ${projectId} and status_id = ${statusId}
        and deleted_at is null
      order by position, id
    `.execute(trx),
  );
  return rows.map((row) => [row.id, Number(row.position)] as const);
}

/** Sets positions by hand (to take the room between neighbours away). */
async function setPositions(org: string, positions: ReadonlyArray<readonly [string, number]>) {
  await rawInOrg(org, async (trx) => {
    for (const [id, position] of positions) {
      await sql`update tasks set position = ${position} where organization_id = ${org} and id = ${id}`.execute(
        trx,
      );
    }
  });
}

async function validationIssue(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).details;
}

describe(`task repository on ${ENGINE}: create and find`, () => {
  it('creates a task with every field, at number 1 and the first position of its column', async () => {
    const world = await aWorld();
    const [l1, l2] = [await aLabel(world.org, 'zeta'), await aLabel(world.org, 'alpha')];
    const bug = await aType(world, 'Bug');
    const fields = newTask(world, {
      title: 'Fix the login',
      description: 'Steps to reproduce',
      typeId: bug,
      statusId: world.progress.id,
      priority: 'high',
      assigneeId: newId(),
      labels: [l1, l2],
      dueAt: at(DAY),
      estimateHours: 2.5,
    });
    const task = await inOrg(world.org, (tx) => tx.tasks.create(fields));
    expect(task).toEqual({
      id: fields.id,
      organizationId: world.org,
      projectId: world.project.id,
      key: `${world.project.key}-1`,
      number: 1,
      title: 'Fix the login',
      description: 'Steps to reproduce',
      typeId: bug,
      type: 'Bug',
      statusId: world.progress.id,
      statusCategory: 'in_progress',
      priority: 'high',
      assigneeId: fields.assigneeId,
      reporterId: fields.reporterId,
      parentId: null,
      labels: [l1, l2].sort(),
      dueAt: at(DAY),
      estimateHours: 2.5,
      actualHours: null,
      position: GAP,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      completedAt: null,
      deletedAt: null,
      trackingCode: null,
    });
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, task.id)).toEqual(task);
      expect(await tx.tasks.find(world.org, task.key)).toEqual(task);
    });
  });

  it('numbers each project 1..n without gaps and puts each new task at the bottom of its column', async () => {
    const world = await aWorld();
    const second = await aWorld(world.org);
    const columns = [
      world.todo,
      world.progress,
      world.todo,
      world.done,
      world.todo,
      world.progress,
    ];
    const created: Task[] = [];
    for (const status of columns) {
      created.push(await aTask(world, { statusId: status.id }));
    }
    const elsewhere = [await aTask(second), await aTask(second)];

    expect(created.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(created.map((t) => t.key)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `${world.project.key}-${n}`),
    );
    expect(elsewhere.map((t) => t.key)).toEqual([1, 2].map((n) => `${second.project.key}-${n}`));
    expect(created.map((t) => t.position)).toEqual([GAP, GAP, 2 * GAP, GAP, 3 * GAP, 2 * GAP]);
    expect(elsewhere.map((t) => t.position)).toEqual([GAP, 2 * GAP]);

    // The bottom is after the last live task; deleted tasks do not hold a place.
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, created[4]!.id, at(1), at(1)));
    expect(await aTask(world)).toMatchObject({ number: 7, position: 3 * GAP });
  });

  it('gives concurrent creations distinct consecutive numbers and distinct positions', async () => {
    const world = await aWorld();
    const created = await Promise.all(Array.from({ length: 8 }, () => aTask(world)));
    expect(created.map((t) => t.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(created.map((t) => t.position).sort((a, b) => a - b)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => n * GAP),
    );
  });

  it('takes no number for a creation that fails (another organization’s label, an unknown one)', async () => {
    const world = await aWorld();
    const other = await anOrganization();
    const foreign = await aLabel(other);
    expect(await aTask(world)).toMatchObject({ number: 1 });
    for (const label of [foreign, newId()]) {
      expect(await validationIssue(aTask(world, { labels: [label] }))).toEqual([
        { field: 'labels', message: 'Unknown label' },
      ]);
    }
    expect(await aTask(world)).toMatchObject({ number: 2 });
  });

  it('refuses a task type of another project’s organization as a ValidationError on type', async () => {
    const world = await aWorld();
    const other = await aWorld();
    const foreignType = await aType(other, 'Bug');
    expect(await validationIssue(aTask(world, { typeId: foreignType }))).toEqual([
      { field: 'type', message: 'Unknown task type' },
    ]);
    const task = await aTask(world);
    expect(
      await validationIssue(
        inOrg(world.org, (tx) => tx.tasks.update(world.org, task.id, { typeId: foreignType }, NOW)),
      ),
    ).toEqual([{ field: 'type', message: 'Unknown task type' }]);
  });

  it('finds by id and by key (any case); what is neither, or of another project, finds nothing', async () => {
    const world = await aWorld();
    const second = await aWorld(world.org);
    const task = await aTask(world);
    await aTask(second);
    const key = world.project.key;
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, `${key}-1`)).toEqual(task);
      // Keys are read in any case, as project keys are.
      expect(await tx.tasks.find(world.org, `${key.toLowerCase()}-1`)).toEqual(task);
      for (const ref of [
        `${key}-2`,
        `${key}-01`,
        `${second.project.key}-2`,
        'ZZZZ-1',
        key,
        newId(),
        task.id.toUpperCase().replace(/-/g, ''),
        "x'; drop table tasks; --",
        '',
      ]) {
        expect(await tx.tasks.find(world.org, ref), ref).toBeUndefined();
      }
    });
  });

  it('finds a deleted task only when asked, by id and by key, and never in findMany', async () => {
    const world = await aWorld();
    const task = await aTask(world);
    const kept = await aTask(world);
    const deleted = await inOrg(world.org, (tx) =>
      tx.tasks.setDeleted(world.org, task.id, at(5), at(6)),
    );
    expect(deleted).toMatchObject({ deletedAt: at(5), updatedAt: at(6), version: 2 });
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, task.id)).toBeUndefined();
      expect(await tx.tasks.find(world.org, task.key)).toBeUndefined();
      expect(await tx.tasks.find(world.org, task.id, { includeDeleted: true })).toEqual(deleted);
      expect(await tx.tasks.find(world.org, task.key, { includeDeleted: true })).toEqual(deleted);
      expect(
        await tx.tasks.find(world.org, task.id, { includeDeleted: true, forUpdate: true }),
      ).toEqual(deleted);
      expect(await tx.tasks.find(world.org, task.id, { forUpdate: true })).toBeUndefined();
      expect(
        (await tx.tasks.findMany(world.org, [task.id, kept.id, 'nope', newId()])).map((t) => t.id),
      ).toEqual([kept.id]);
    });
    const restored = await inOrg(world.org, (tx) =>
      tx.tasks.setDeleted(world.org, task.id, null, at(7)),
    );
    expect(restored).toMatchObject({ deletedAt: null, version: 3, position: task.position });
  });

  it('finds a task with its project’s workflow in order, as find does, in one read', async () => {
    const world = await aWorld();
    const other = await aWorld();
    const task = await aTask(world);
    const deleted = await aTask(world);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, deleted.id, at(5), at(6)));
    const workflow = [world.todo, world.progress, world.review, world.done];
    await inOrg(world.org, async (tx) => {
      for (const ref of [task.id, task.key, task.key.toLowerCase()]) {
        expect(await tx.tasks.findWithWorkflow(world.org, ref), ref).toEqual({
          task,
          statuses: workflow,
        });
      }
      expect(await tx.tasks.findWithWorkflow(world.org, task.id, { forUpdate: true })).toEqual({
        task,
        statuses: workflow,
      });
      for (const ref of [deleted.id, deleted.key, `${world.project.key}-9`, 'nope', newId()]) {
        expect(await tx.tasks.findWithWorkflow(world.org, ref), ref).toBeUndefined();
      }
      expect(
        (await tx.tasks.findWithWorkflow(world.org, deleted.key, { includeDeleted: true }))
          ?.statuses,
      ).toEqual(workflow);
    });
    // Another organization's task, even by id, is not there (row-level security).
    expect(
      await inOrg(other.org, (tx) => tx.tasks.findWithWorkflow(other.org, task.id)),
    ).toBeUndefined();
  });

  it('locks the row with forUpdate until the transaction ends', async () => {
    const world = await aWorld();
    const task = await aTask(world);
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, task.key, { forUpdate: true })).toEqual(task);
      const locked = await tx.tasks.findMany(world.org, [task.id], { forUpdate: true });
      expect(locked).toEqual([task]);
      if (database.engine === 'postgres') {
        // Another connection cannot take the row while this transaction holds it.
        await expect(
          rawInOrg(world.org, (trx) =>
            sql`select id from tasks where organization_id = ${world.org} and id = ${task.id} for update nowait`.execute(
              trx,
            ),
          ),
        ).rejects.toMatchObject({ code: '55P03' });
      }
    });
    if (database.engine === 'postgres') {
      // Free once the transaction is over.
      const { rows } = await rawInOrg(world.org, (trx) =>
        sql`select id from tasks where organization_id = ${world.org} and id = ${task.id} for update nowait`.execute(
          trx,
        ),
      );
      expect(rows).toHaveLength(1);
    }
  });

  it('hides the tasks of a deleted project until it is restored', async () => {
    const world = await aWorld();
    const task = await aTask(world);
    const listAll = (tx: Repositories) =>
      tx.tasks.list(world.org, { filter: {}, sort: 'created_at', limit: 10 });
    await inOrg(world.org, (tx) => tx.projects.softDelete(world.org, world.project.id, at(1)));
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, task.id)).toBeUndefined();
      expect(await tx.tasks.find(world.org, task.key)).toBeUndefined();
      expect(await tx.tasks.find(world.org, task.id, { includeDeleted: true })).toBeUndefined();
      expect(await tx.tasks.findMany(world.org, [task.id])).toEqual([]);
      expect(await listAll(tx)).toEqual([]);
      expect(
        await tx.tasks.list(world.org, {
          filter: { projectId: world.project.id },
          sort: 'position',
          limit: 10,
        }),
      ).toEqual([]);
    });
    await inOrg(world.org, (tx) => tx.projects.restore(world.org, world.project.id, at(2)));
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, task.key)).toEqual(task);
      expect((await listAll(tx)).map((t) => t.id)).toEqual([task.id]);
    });
  });

  it('updates only the given fields, bumps the version, and replaces the labels as a set', async () => {
    const world = await aWorld();
    const [l1, l2, l3] = [
      await aLabel(world.org),
      await aLabel(world.org),
      await aLabel(world.org),
    ];
    const task = await aTask(world, { labels: [l1, l2], estimateHours: 3 });
    const updated = await inOrg(world.org, (tx) =>
      tx.tasks.update(
        world.org,
        task.id,
        { title: 'Renamed', labels: [l3, l2], actualHours: 1.5, dueAt: at(DAY) },
        at(100),
      ),
    );
    expect(updated).toEqual({
      ...task,
      title: 'Renamed',
      labels: [l2, l3].sort(),
      actualHours: 1.5,
      dueAt: at(DAY),
      version: 2,
      updatedAt: at(100),
    });
    const cleared = await inOrg(world.org, (tx) =>
      tx.tasks.update(
        world.org,
        task.id,
        { labels: [], dueAt: null, estimateHours: null },
        at(200),
      ),
    );
    expect(cleared).toMatchObject({ labels: [], dueAt: null, estimateHours: null, version: 3 });
  });
});

describe(`task repository on ${ENGINE}: positions`, () => {
  it('places at the bottom, before and after a neighbour, halving the gap', async () => {
    const world = await aWorld();
    const empty = await inOrg(world.org, (tx) =>
      tx.tasks.positionFor(world.org, world.project.id, newId(), { statusId: world.review.id }),
    );
    expect(empty).toBe(GAP);
    const [a, b, c] = [await aTask(world), await aTask(world), await aTask(world)];
    const mover = await aTask(world, { statusId: world.progress.id });
    const place = (placement: { beforeId?: string; afterId?: string }, taskId = mover.id) =>
      inOrg(world.org, (tx) =>
        tx.tasks.positionFor(world.org, world.project.id, taskId, {
          statusId: world.todo.id,
          ...placement,
        }),
      );
    expect(await place({})).toBe(4 * GAP);
    expect(await place({ beforeId: a.id })).toBe(GAP / 2);
    expect(await place({ beforeId: b.id })).toBe(GAP + GAP / 2);
    expect(await place({ afterId: b.id })).toBe(2 * GAP + GAP / 2);
    expect(await place({ afterId: c.id })).toBe(4 * GAP);
    // The task being placed does not count as its own neighbour: c to the bottom stays at 3 gaps.
    expect(await place({}, c.id)).toBe(3 * GAP);
    expect(await place({ afterId: b.id }, c.id)).toBe(3 * GAP);
    expect(await place({ beforeId: c.id }, b.id)).toBe(GAP + GAP);
    // Nothing was written by asking.
    expect((await columnOf(world.org, world.project.id, world.todo.id)).map(([id]) => id)).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
  });

  it('writes position bottom below the other live tasks of the new column, or of its own', async () => {
    const world = await aWorld();
    const [a, b] = [await aTask(world), await aTask(world)];
    const gone = await aTask(world);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, gone.id, at(1), at(1)));
    const mover = await aTask(world, { statusId: world.progress.id });
    const write = (id: string, changes: { statusId?: string }) =>
      inOrg(world.org, (tx) =>
        tx.tasks.update(world.org, id, { ...changes, position: 'bottom' }, at(2)),
      );
    // Into todo: below b (the deleted task holds no place).
    expect(await write(mover.id, { statusId: world.todo.id })).toMatchObject({
      statusId: world.todo.id,
      position: 3 * GAP,
    });
    // Into an empty column: the first place.
    expect(await write(b.id, { statusId: world.review.id })).toMatchObject({ position: GAP });
    // Within its own column, leaving itself out: a at the bottom goes below mover; mover, now
    // second to last, goes below a.
    expect(await write(a.id, {})).toMatchObject({ statusId: world.todo.id, position: 4 * GAP });
    expect(await write(mover.id, {})).toMatchObject({ position: 5 * GAP });
    expect(await write(mover.id, {})).toMatchObject({ position: 5 * GAP });
    expect((await columnOf(world.org, world.project.id, world.todo.id)).map(([id]) => id)).toEqual([
      a.id,
      mover.id,
    ]);
  });

  it('gives concurrent moves to the bottom of one column distinct places', async () => {
    const world = await aWorld();
    const movers = await Promise.all(
      Array.from({ length: 8 }, () => aTask(world, { statusId: world.progress.id })),
    );
    const moved = await Promise.all(
      movers.map((task) =>
        inOrg(world.org, (tx) =>
          tx.tasks.update(
            world.org,
            task.id,
            { statusId: world.review.id, position: 'bottom' },
            at(1),
          ),
        ),
      ),
    );
    expect(moved.map((t) => t.position).sort((x, y) => x - y)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => n * GAP),
    );
  });

  it('refuses a neighbour that is not another live task of the target column', async () => {
    const world = await aWorld();
    const second = await aWorld(world.org);
    const task = await aTask(world);
    const sibling = await aTask(world);
    const otherColumn = await aTask(world, { statusId: world.progress.id });
    const otherProject = await aTask(second);
    const gone = await aTask(world);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, gone.id, at(1), at(1)));
    const message = 'Must be another task of the target column';
    for (const ref of ['not-a-uuid', task.id, otherColumn.id, otherProject.id, gone.id, newId()]) {
      for (const field of ['before_id', 'after_id'] as const) {
        const placement = field === 'before_id' ? { beforeId: ref } : { afterId: ref };
        expect(
          await validationIssue(
            inOrg(world.org, (tx) =>
              tx.tasks.positionFor(world.org, world.project.id, task.id, {
                statusId: world.todo.id,
                ...placement,
              }),
            ),
          ),
          `${field} ${ref}`,
        ).toEqual([{ field, message }]);
      }
    }
    expect(
      await inOrg(world.org, (tx) =>
        tx.tasks.positionFor(world.org, world.project.id, task.id, {
          statusId: world.todo.id,
          beforeId: sibling.id,
        }),
      ),
    ).toBe(GAP);
  });

  /** Moves the task into the column at the placement, as a kanban move does. */
  const move = (
    world: World,
    taskId: string,
    statusId: string,
    placement: { beforeId?: string; afterId?: string },
  ) =>
    inOrg(world.org, async (tx) => {
      const position = await tx.tasks.positionFor(world.org, world.project.id, taskId, {
        statusId,
        ...placement,
      });
      return tx.tasks.update(world.org, taskId, { statusId, position }, at(1000));
    });

  it('renumbers the column when neighbours leave no room: exact order, gaps restored, no other row changed', async () => {
    const world = await aWorld();
    const second = await aWorld(world.org);
    const todo: Task[] = [];
    for (let i = 0; i < 5; i += 1) todo.push(await aTask(world));
    const progress = [
      await aTask(world, { statusId: world.progress.id }),
      await aTask(world, { statusId: world.progress.id }),
      await aTask(world, { statusId: world.progress.id }),
    ];
    const elsewhere = [await aTask(second), await aTask(second), await aTask(second)];
    const gone = await aTask(world);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, gone.id, at(1), at(1)));
    // Consecutive integers everywhere: no room between any two neighbours.
    await setPositions(world.org, [
      ...todo.map((t, i) => [t.id, i + 1] as const),
      [gone.id, 3],
      ...progress.map((t, i) => [t.id, i + 1] as const),
    ]);
    await setPositions(
      second.org,
      elsewhere.map((t, i) => [t.id, i + 1] as const),
    );
    const otherRowsBefore = (await rowsOf(world.org, world.project.id)).filter(
      (row) => row.statusId !== world.todo.id || row.id === gone.id,
    );
    const elsewhereBefore = await rowsOf(second.org, second.project.id);

    const mover = progress[0]!;
    const moved = await move(world, mover.id, world.todo.id, { beforeId: todo[2]!.id });

    expect(moved.position).toBe(2 * GAP + GAP / 2);
    expect(await columnOf(world.org, world.project.id, world.todo.id)).toEqual([
      [todo[0]!.id, GAP],
      [todo[1]!.id, 2 * GAP],
      [mover.id, 2 * GAP + GAP / 2],
      [todo[2]!.id, 3 * GAP],
      [todo[3]!.id, 4 * GAP],
      [todo[4]!.id, 5 * GAP],
    ]);
    // The other columns, the deleted task of this one and the other project are untouched.
    expect(
      (await rowsOf(world.org, world.project.id)).filter(
        (row) => (row.statusId !== world.todo.id && row.id !== mover.id) || row.id === gone.id,
      ),
    ).toEqual(otherRowsBefore.filter((row) => row.id !== mover.id));
    expect(await rowsOf(second.org, second.project.id)).toEqual(elsewhereBefore);
    // The renumbered neighbours keep their versions: only the moved task was written as a change.
    const versions = await inOrg(world.org, (tx) =>
      tx.tasks.findMany(
        world.org,
        todo.map((t) => t.id),
      ),
    );
    expect(versions.every((t) => t.version === 1)).toBe(true);
  });

  it('renumbers to make room at the top when the first task is at 1, and after a tie', async () => {
    const world = await aWorld();
    const [a, b, c] = [await aTask(world), await aTask(world), await aTask(world)];
    const mover = await aTask(world, { statusId: world.done.id });
    await setPositions(world.org, [
      [a.id, 1],
      [b.id, 1000],
      [c.id, 1000],
    ]);
    // b and c share a position: the column's order among them is by id.
    const [first, second] = [b, c].sort((x, y) => (x.id < y.id ? -1 : 1));
    const top = await move(world, mover.id, world.todo.id, { beforeId: a.id });
    expect(top.position).toBe(GAP / 2);
    expect(await columnOf(world.org, world.project.id, world.todo.id)).toEqual([
      [mover.id, GAP / 2],
      [a.id, GAP],
      [first!.id, 2 * GAP],
      [second!.id, 3 * GAP],
    ]);

    await setPositions(world.org, [
      [a.id, 10],
      [first!.id, 20],
      [second!.id, 20],
      [mover.id, 5],
    ]);
    const between = await move(world, mover.id, world.todo.id, { afterId: first!.id });
    expect(await columnOf(world.org, world.project.id, world.todo.id)).toEqual([
      [a.id, GAP],
      [first!.id, 2 * GAP],
      [mover.id, between.position],
      [second!.id, 3 * GAP],
    ]);
    expect(between.position).toBe(2 * GAP + GAP / 2);
  });

  it('keeps a column ordered over many moves into one gap, renumbering when needed', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const movers = [];
    for (let i = 0; i < 20; i += 1)
      movers.push(await aTask(world, { statusId: world.progress.id }));
    // Each mover goes right before b: the gap above b halves until the column is renumbered.
    for (const mover of movers) await move(world, mover.id, world.todo.id, { beforeId: b.id });
    const column = await columnOf(world.org, world.project.id, world.todo.id);
    expect(column.map(([id]) => id)).toEqual([a.id, ...movers.map((m) => m.id), b.id]);
    for (let i = 1; i < column.length; i += 1) {
      expect(column[i]![1]).toBeGreaterThan(column[i - 1]![1]);
    }
  });
});

describe(`task repository on ${ENGINE}: references`, () => {
  it('refuses another organization’s label on update as a ValidationError on labels', async () => {
    const world = await aWorld();
    const foreign = await aLabel(await anOrganization());
    const task = await aTask(world);
    expect(
      await validationIssue(
        inOrg(world.org, (tx) => tx.tasks.update(world.org, task.id, { labels: [foreign] }, NOW)),
      ),
    ).toEqual([{ field: 'labels', message: 'Unknown label' }]);
    expect((await inOrg(world.org, (tx) => tx.tasks.find(world.org, task.id)))?.labels).toEqual([]);
  });

  it('takes a deleted label off every task (ON DELETE CASCADE)', async () => {
    const world = await aWorld();
    const [l1, l2] = [await aLabel(world.org), await aLabel(world.org)];
    const one = await aTask(world, { labels: [l1, l2] });
    const two = await aTask(world, { labels: [l1] });
    expect(await inOrg(world.org, (tx) => tx.labels.delete(world.org, l1))).toMatchObject({
      id: l1,
    });
    await inOrg(world.org, async (tx) => {
      expect((await tx.tasks.find(world.org, one.id))?.labels).toEqual([l2]);
      expect((await tx.tasks.find(world.org, two.id))?.labels).toEqual([]);
      expect(
        await tx.tasks.list(world.org, { filter: { labelId: l1 }, sort: 'created_at', limit: 10 }),
      ).toEqual([]);
    });
  });

  it('clears the type of its tasks when a task type is deleted (ON DELETE SET NULL)', async () => {
    const world = await aWorld();
    const bug = await aType(world, 'Bug');
    const feature = await aType(world, 'Feature');
    const typed = await aTask(world, { typeId: bug });
    const other = await aTask(world, { typeId: feature });
    expect(typed).toMatchObject({ typeId: bug, type: 'Bug' });
    expect(
      await inOrg(world.org, (tx) =>
        tx.projects.taskTypes.delete(world.org, world.project.id, bug),
      ),
    ).toBe(true);
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.find(world.org, typed.id)).toEqual({
        ...typed,
        typeId: null,
        type: null,
      });
      expect(await tx.tasks.find(world.org, other.id)).toMatchObject({
        typeId: feature,
        type: 'Feature',
      });
    });
  });

  it('refuses to delete a status that holds tasks, deleted ones included (foreign key)', async () => {
    const world = await aWorld();
    await aTask(world, { statusId: world.progress.id });
    const gone = await aTask(world, { statusId: world.review.id });
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, gone.id, at(1), at(1)));
    const deleteStatus = (statusId: string) =>
      rawInOrg(world.org, (trx) =>
        sql`delete from project_statuses where organization_id = ${world.org} and id = ${statusId}`.execute(
          trx,
        ),
      );
    for (const status of [world.progress, world.review]) {
      await expect(deleteStatus(status.id)).rejects.toMatchObject({ code: '23503' });
    }
    const { numAffectedRows } = await deleteStatus(world.done.id);
    expect(Number(numAffectedRows)).toBe(1);
    const statuses = await inOrg(world.org, (tx) =>
      tx.projects.statuses.list(world.org, world.project.id),
    );
    expect(statuses.map((s) => s.id)).toEqual([world.todo.id, world.progress.id, world.review.id]);
  });
});

// --- lists --------------------------------------------------------------------------------------

/** The order a sort promises, for comparing with what the database answers. */
function compare(sort: TaskSort): (a: Task, b: Task) => number {
  const byId = (a: Task, b: Task) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const rank = (p: Priority) => PRIORITIES.indexOf(p);
  switch (sort) {
    case 'created_at':
      return (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b);
    case '-created_at':
      return (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byId(b, a);
    case 'due_at':
      return (a, b) => {
        if (a.dueAt === null || b.dueAt === null) {
          return (a.dueAt === null ? 1 : 0) - (b.dueAt === null ? 1 : 0) || byId(a, b);
        }
        return a.dueAt.getTime() - b.dueAt.getTime() || byId(a, b);
      };
    case 'priority':
      return (a, b) => rank(b.priority) - rank(a.priority) || byId(a, b);
    case 'position':
      return (a, b) => a.position - b.position || byId(a, b);
  }
}

/** A small seeded generator (mulberry32): a number in 0..n-1, the same sequence on every run. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const SORTS: readonly TaskSort[] = ['created_at', '-created_at', 'due_at', 'priority', 'position'];

interface ListWorld extends World {
  readonly second: Omit<World, 'org'>;
  readonly tasks: Task[];
  readonly alice: string;
  readonly bob: string;
  readonly carol: string;
  readonly l1: string;
  readonly l2: string;
  readonly bug: string;
  readonly feature: string;
  readonly parent: Task;
}

const TITLES = [
  'Fix the login page',
  'Write release notes',
  'Login timeout on mobile',
  'Refactor billing',
];

/**
 * ~30 live tasks in two projects with every field varied and many ties (created_at, due_at,
 * priority, position), random v4 ids so that ties break in no particular creation order, a
 * deleted task, and a task in another organization.
 */
async function aListWorld(): Promise<ListWorld> {
  const world = await aWorld();
  const second = await aProjectIn(world.org);
  const [alice, bob, carol] = [newId(), newId(), newId()];
  const [l1, l2] = [await aLabel(world.org), await aLabel(world.org)];
  const bug = await aType(world, 'Bug');
  const feature = await aType(world, 'Feature');
  const parent = await aTask(world, { id: crypto.randomUUID(), title: 'Epic', reporterId: carol });
  const tasks: Task[] = [parent];
  const statuses = [world.todo, world.progress, world.review, world.done];
  for (let i = 0; i < 28; i += 1) {
    const inSecond = i % 7 === 6;
    const status = inSecond ? second.todo : statuses[i % 4]!;
    tasks.push(
      await inOrg(world.org, (tx) =>
        tx.tasks.create({
          ...newTask(inSecond ? { org: world.org, ...second } : world, {
            id: crypto.randomUUID(),
            title: TITLES[i % 4]!,
            description: i % 5 === 2 ? 'Several logins failed overnight' : '',
            statusId: status.id,
            completedAt: status.category === 'done' ? at(i) : null,
            priority: PRIORITIES[(i * 3) % 4]!,
            assigneeId: [alice, bob, null][i % 3]!,
            reporterId: [alice, carol][i % 2]!,
            labels: [[l1], [l2], [l1, l2], []][i % 4]!.map(String),
            typeId: inSecond ? null : [bug, feature, null][i % 3]!,
            dueAt: i % 5 === 0 ? null : at(((i % 3) + 1) * DAY),
            parentId: !inSecond && i % 4 === 1 ? parent.id : null,
            now: at(Math.floor(i / 3) * 1000),
          }),
        }),
      ),
    );
  }
  // Ties in the position sort across columns and projects: a few tasks share a position.
  await setPositions(world.org, [
    [tasks[3]!.id, GAP],
    [tasks[8]!.id, GAP],
  ]);
  const reread = await inOrg(world.org, (tx) =>
    tx.tasks.findMany(
      world.org,
      tasks.map((t) => t.id),
    ),
  );
  const gone = await aTask(world, {
    title: 'Fix the login page',
    reporterId: alice,
    assigneeId: alice,
  });
  await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, gone.id, at(1), at(1)));
  const elsewhere = await aWorld();
  await aTask(elsewhere, { reporterId: alice, assigneeId: alice });
  return {
    ...world,
    second,
    tasks: reread,
    alice,
    bob,
    carol,
    l1: l1,
    l2: l2,
    bug,
    feature,
    parent: reread.find((t) => t.id === parent.id)!,
  };
}

describe(`task repository on ${ENGINE}: lists`, () => {
  let w: ListWorld;
  beforeAll(async () => {
    w = await aListWorld();
  });

  const listAll = (filter: TaskFilter, sort: TaskSort = 'created_at') =>
    inOrg(w.org, (tx) => tx.tasks.list(w.org, { filter, sort, limit: 1000 }));

  const cases = (): [string, TaskFilter, (t: Task) => boolean][] => {
    const mentions = (t: Task, word: RegExp) => word.test(`${t.title} ${t.description}`);
    return [
      ['no filter: every live task of the organization', {}, () => true],
      ['projectId', { projectId: w.project.id }, (t) => t.projectId === w.project.id],
      ['statusId', { statusId: w.progress.id }, (t) => t.statusId === w.progress.id],
      [
        'statusCategory in_progress',
        { statusCategory: 'in_progress' },
        (t) => t.statusCategory === 'in_progress',
      ],
      ['statusCategory done', { statusCategory: 'done' }, (t) => t.statusCategory === 'done'],
      ['statusCategory todo', { statusCategory: 'todo' }, (t) => t.statusCategory === 'todo'],
      ['assigneeId', { assigneeId: w.alice }, (t) => t.assigneeId === w.alice],
      ['priority high', { priority: 'high' }, (t) => t.priority === 'high'],
      ['priority critical', { priority: 'critical' }, (t) => t.priority === 'critical'],
      ['labelId', { labelId: w.l1 }, (t) => t.labels.includes(w.l1)],
      ['typeId', { typeId: w.bug }, (t) => t.typeId === w.bug],
      [
        'dueBefore (strict)',
        { dueBefore: at(2 * DAY) },
        (t) => t.dueAt !== null && t.dueAt < at(2 * DAY),
      ],
      [
        'dueAfter (strict)',
        { dueAfter: at(2 * DAY) },
        (t) => t.dueAt !== null && t.dueAt > at(2 * DAY),
      ],
      [
        'dueAfter and dueBefore',
        { dueAfter: at(DAY), dueBefore: at(3 * DAY) },
        (t) => t.dueAt?.getTime() === at(2 * DAY).getTime(),
      ],
      ['parentId', { parentId: w.parent.id }, (t) => t.parentId === w.parent.id],
      ['q: a word, stemmed, in title or description', { q: 'login' }, (t) => mentions(t, /login/i)],
      [
        'q: a word and not another',
        { q: 'login -mobile' },
        (t) => mentions(t, /login/i) && !mentions(t, /mobile/i),
      ],
      ['q: a phrase', { q: '"release notes"' }, (t) => mentions(t, /release notes/i)],
      ['q: words that appear nowhere', { q: 'kangaroo' }, () => false],
      ['reporterId', { reporterId: w.carol }, (t) => t.reporterId === w.carol],
      [
        'ownedBy: reported or assigned',
        { ownedBy: w.alice },
        (t) => t.reporterId === w.alice || t.assigneeId === w.alice,
      ],
      ['ownedBy someone with nothing', { ownedBy: newId() }, () => false],
      [
        'several filters together',
        { projectId: w.project.id, ownedBy: w.bob, labelId: w.l2, statusCategory: 'in_progress' },
        (t) =>
          t.projectId === w.project.id &&
          (t.reporterId === w.bob || t.assigneeId === w.bob) &&
          t.labels.includes(w.l2) &&
          t.statusCategory === 'in_progress',
      ],
      [
        'projectId, assigneeId and priority',
        { projectId: w.project.id, assigneeId: w.bob, priority: 'medium' },
        (t) => t.projectId === w.project.id && t.assigneeId === w.bob && t.priority === 'medium',
      ],
    ];
  };

  it('has a fixture in which every filter both keeps and drops tasks', () => {
    for (const [name, , keep] of cases()) {
      const kept = w.tasks.filter(keep).length;
      if (name.startsWith('no filter')) expect(kept).toBe(w.tasks.length);
      else if (!name.includes('nowhere') && !name.includes('with nothing')) {
        expect(kept, name).toBeGreaterThan(0);
        expect(kept, name).toBeLessThan(w.tasks.length);
      }
    }
  });

  it('filters by each field, leaving deleted tasks and other organizations out', async () => {
    for (const [name, filter, keep] of cases()) {
      const expected = w.tasks.filter(keep).sort(compare('created_at'));
      expect(
        (await listAll(filter)).map((t) => t.id),
        name,
      ).toEqual(expected.map((t) => t.id));
    }
  });

  it('answers whole tasks in lists, as find does', async () => {
    const listed = await listAll({ projectId: w.project.id });
    for (const task of listed) {
      expect(task).toEqual(w.tasks.find((t) => t.id === task.id));
    }
  });

  /** Every page after the previous one's last task, until an empty page. */
  async function walk(filter: TaskFilter, sort: TaskSort, limit: number) {
    const pages: Task[][] = [];
    let after: TaskCursor | undefined;
    for (;;) {
      const page: Task[] = await inOrg(w.org, (tx) =>
        tx.tasks.list(w.org, { filter, sort, limit, after }),
      );
      if (page.length === 0) return pages;
      expect(page.length).toBeLessThanOrEqual(limit);
      pages.push(page);
      after = cursorAfter(page.at(-1)!, sort);
      expect(pages.length).toBeLessThan(100);
    }
  }

  for (const sort of SORTS) {
    it(`walks every page of sort ${sort}: the full order, no duplicates, no skips`, async () => {
      const filters: TaskFilter[] = [
        {},
        { projectId: w.project.id },
        { projectId: w.project.id, statusId: w.todo.id },
        { ownedBy: w.alice },
      ];
      for (const filter of filters) {
        const expected = w.tasks
          .filter((t) => matches(filter, t))
          .sort(compare(sort))
          .map((t) => t.id);
        expect(expected.length).toBeGreaterThan(1);
        expect((await listAll(filter, sort)).map((t) => t.id)).toEqual(expected);
        for (const limit of [1, 2, 5, 7]) {
          const pages = await walk(filter, sort, limit);
          const ids = pages.flat().map((t) => t.id);
          expect(ids, `${sort} by ${limit} of ${JSON.stringify(filter)}`).toEqual(expected);
          expect(new Set(ids).size).toBe(ids.length);
        }
      }
    });
  }

  function matches(filter: TaskFilter, t: Task): boolean {
    return (
      (filter.projectId === undefined || t.projectId === filter.projectId) &&
      (filter.statusId === undefined || t.statusId === filter.statusId) &&
      (filter.ownedBy === undefined ||
        t.reporterId === filter.ownedBy ||
        t.assigneeId === filter.ownedBy)
    );
  }

  it('has ties in every sort key and null due dates in the fixture', () => {
    const countDistinct = (values: unknown[]) => new Set(values).size;
    const n = w.tasks.length;
    expect(countDistinct(w.tasks.map((t) => t.createdAt.getTime()))).toBeLessThan(n);
    expect(countDistinct(w.tasks.map((t) => t.dueAt?.getTime() ?? null))).toBeLessThan(n);
    expect(countDistinct(w.tasks.map((t) => t.position))).toBeLessThan(n);
    expect(w.tasks.some((t) => t.dueAt === null)).toBe(true);
  });
});

describe(`task repository on ${ENGINE}: keyset pages under concurrent inserts`, () => {
  for (const sort of SORTS) {
    it(`sort ${sort}: each page continues right after the cursor, whatever was inserted meanwhile`, async () => {
      const world = await aWorld();
      const random = seeded(SORTS.indexOf(sort) + 7);
      let topPlacements = 0;
      const aRandomTask = async () => {
        const task = await aTask(world, {
          id: crypto.randomUUID(),
          priority: PRIORITIES[random(4)]!,
          dueAt: random(4) === 0 ? null : at((random(5) + 1) * DAY),
          now: at(random(20) * 1000),
        });
        if (random(2) === 0) return task;
        // Half go to the top of the column instead of its bottom, while there is room there: a
        // renumbered column changes positions under a cursor (see the report on renumbering).
        return inOrg(world.org, async (tx) => {
          const [first] = await tx.tasks.list(world.org, {
            filter: { projectId: world.project.id, statusId: world.todo.id },
            sort: 'position',
            limit: 1,
          });
          if (first!.id === task.id || positionBetween(null, first!.position) === null) return task;
          const position = await tx.tasks.positionFor(world.org, world.project.id, task.id, {
            statusId: world.todo.id,
            beforeId: first!.id,
          });
          expect(position).toBeLessThan(first!.position);
          topPlacements += 1;
          return tx.tasks.update(world.org, task.id, { position }, at(0));
        });
      };
      const original: Task[] = [];
      for (let i = 0; i < 15; i += 1) original.push(await aRandomTask());
      const seen: string[] = [];
      let after: TaskCursor | undefined;
      for (let pageNo = 0; pageNo < 100; pageNo += 1) {
        const page: Task[] = await inOrg(world.org, (tx) =>
          tx.tasks.list(world.org, { filter: {}, sort, limit: 3, after }),
        );
        // What the page must be: the next three after the cursor in today's full order.
        const everything = await inOrg(world.org, (tx) =>
          tx.tasks.list(world.org, { filter: {}, sort, limit: 1000 }),
        );
        const lastSeen = after === undefined ? -1 : everything.findIndex((t) => t.id === after!.id);
        expect(page.map((t) => t.id)).toEqual(
          everything.slice(lastSeen + 1, lastSeen + 4).map((t) => t.id),
        );
        if (page.length === 0) break;
        seen.push(...page.map((t) => t.id));
        after = cursorAfter(page.at(-1)!, sort);
        // Three more tasks land somewhere, before or after the cursor.
        for (let i = 0; i < 3 && pageNo < 8; i += 1) await aRandomTask();
      }
      expect(new Set(seen).size).toBe(seen.length);
      // Every task that existed before the walk began was seen (none skipped).
      expect(seen).toEqual(expect.arrayContaining(original.map((t) => t.id)));
      expect(topPlacements).toBeGreaterThan(3);
    });
  }
});

describe(`task repository on ${ENGINE}: tenancy (row-level security)`, () => {
  it('shows another organization nothing and refuses its inserts into this one', async () => {
    const world = await aWorld();
    const label = await aLabel(world.org);
    const task = await aTask(world, { labels: [label] });
    const child = await aTask(world, { parentId: task.id });
    const other = await anOrganization();
    await inOrg(other, async (tx) => {
      expect(await tx.tasks.find(world.org, task.id)).toBeUndefined();
      expect(await tx.tasks.find(world.org, task.key, { includeDeleted: true })).toBeUndefined();
      expect(await tx.tasks.findMany(world.org, [task.id, child.id])).toEqual([]);
      expect(await tx.tasks.list(world.org, { filter: {}, sort: 'created_at', limit: 10 })).toEqual(
        [],
      );
      expect(await tx.tasks.ancestry(world.org, child.id)).toEqual([]);
      expect(await tx.tasks.subtreeHeight(world.org, task.id)).toBe(1);
    });
    // Through the repository: the project row is not visible, so there is no number to take.
    await expect(
      inOrg(other, (tx) => tx.tasks.create(newTask(world, { title: 'Intruder' }))),
    ).rejects.toThrow();
    // Straight SQL: the policy refuses a row of another organization.
    await expect(
      rawInOrg(other, (trx) =>
        sql`
          insert into tasks (organization_id, id, project_id, number, title, status_id,
                             reporter_id, position, created_at, updated_at)
          values (${world.org}, ${newId()}, ${world.project.id}, 99, 'Intruder', ${world.todo.id},
                  ${newId()}, 1, now(), now())
        `.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      rawInOrg(other, (trx) =>
        sql`insert into task_labels (organization_id, task_id, label_id) values (${world.org}, ${task.id}, ${label})`.execute(
          trx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    // Updates from the other scope reach no row.
    const { numAffectedRows } = await rawInOrg(other, (trx) =>
      sql`update tasks set title = 'Hijacked' where organization_id = ${world.org}`.execute(trx),
    );
    expect(Number(numAffectedRows)).toBe(0);
    // And without any scope, nothing either.
    const unscoped = await uow.run((tx) =>
      tx.tasks.list(world.org, { filter: {}, sort: 'created_at', limit: 10 }),
    );
    expect(unscoped).toEqual([]);
    // The organization itself still sees exactly its two tasks, unchanged.
    expect(
      (
        await inOrg(world.org, (tx) =>
          tx.tasks.list(world.org, { filter: {}, sort: 'created_at', limit: 10 }),
        )
      ).map((t) => [t.id, t.title, t.labels]),
    ).toEqual([
      [task.id, task.title, [label]],
      [child.id, child.title, []],
    ]);
  });
});

describe(`task repository on ${ENGINE}: the parent tree`, () => {
  it('answers the ancestry nearest first and the height of a subtree', async () => {
    const world = await aWorld();
    // a ─ b ─ c ─ d
    //      └─ e ─ f ─ g
    const a = await aTask(world);
    const b = await aTask(world, { parentId: a.id });
    const c = await aTask(world, { parentId: b.id });
    const d = await aTask(world, { parentId: c.id });
    const e = await aTask(world, { parentId: b.id });
    const f = await aTask(world, { parentId: e.id });
    const g = await aTask(world, { parentId: f.id });
    const lone = await aTask(world);
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.ancestry(world.org, a.id)).toEqual([a.id]);
      expect(await tx.tasks.ancestry(world.org, d.id)).toEqual([d.id, c.id, b.id, a.id]);
      expect(await tx.tasks.ancestry(world.org, g.id)).toEqual([g.id, f.id, e.id, b.id, a.id]);
      expect(await tx.tasks.ancestry(world.org, newId())).toEqual([]);
      const heights = [];
      for (const t of [a, b, c, d, e, f, g, lone]) {
        heights.push(await tx.tasks.subtreeHeight(world.org, t.id));
      }
      expect(heights).toEqual([5, 4, 2, 1, 3, 2, 1, 1]);
    });
    // Re-parenting moves the whole subtree: e under d makes a five-level chain below b.
    await inOrg(world.org, (tx) => tx.tasks.update(world.org, e.id, { parentId: d.id }, at(1)));
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.ancestry(world.org, g.id)).toEqual([
        g.id,
        f.id,
        e.id,
        d.id,
        c.id,
        b.id,
        a.id,
      ]);
      expect(await tx.tasks.subtreeHeight(world.org, a.id)).toBe(7);
      expect(await tx.tasks.subtreeHeight(world.org, c.id)).toBe(5);
    });
  });

  it('refuses a task as its own parent in the table itself', async () => {
    const world = await aWorld();
    const task = await aTask(world);
    await expect(
      inOrg(world.org, (tx) => tx.tasks.update(world.org, task.id, { parentId: task.id }, at(1))),
    ).rejects.toThrow();
  });
});
