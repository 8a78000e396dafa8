// The task rules that SQL applies in bulk, held against the domain's functions on the same cases
// (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set): completed_at and the history of a
// workflow replacement (completedAtAfter, taskDiff), the bottom of a column and renumbering
// (positionBetween, renumbered), the priority names (PRIORITIES), and the history a label's or
// type's removal writes (taskDiff). One test per mirror: when a rule changes in the domain, its
// SQL must follow or the test fails.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { priorityName } from '../../../src/adapters/postgres/tasks/rows.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { NewTask } from '../../../src/application/tasks/ports.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import {
  defaultWorkflow,
  planWorkflow,
  type DesiredStatus,
  type WorkflowStatus,
} from '../../../src/domain/projects/workflow.js';
import { positionBetween, renumbered } from '../../../src/domain/tasks/position.js';
import { taskDiff } from '../../../src/domain/tasks/task-diff.js';
import { completedAtAfter, PRIORITIES, type Task } from '../../../src/domain/tasks/task.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { uniqueTag } from '../../support/env.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const NOW = new Date('2026-03-02T09:30:00.000Z');
const newId = () => uuidV7Ids.next();

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

interface World {
  readonly org: string;
  readonly projectId: string;
  readonly statuses: readonly WorkflowStatus[];
}

const inOrg = <T>(org: string, work: (tx: Repositories) => Promise<T>) =>
  uow.run(work, { organizationId: org });

let keySeq = 0;
async function aWorld(): Promise<World> {
  const org = newId();
  await inOrg(org, (tx) =>
    tx.organizations.create({
      id: org,
      name: 'Acme',
      slug: `org-${uniqueTag()}`,
      timezone: 'UTC',
      now: T0,
    }),
  );
  keySeq += 1;
  const statuses = defaultWorkflow(newId);
  const project = await inOrg(org, (tx) =>
    tx.projects.create(
      {
        id: newId(),
        organizationId: org,
        key: `M${String.fromCharCode(65 + (keySeq % 26))}${String.fromCharCode(65 + Math.floor(keySeq / 26))}`,
        name: 'Mirrors',
        description: '',
        publicLookup: false,
        createdBy: newId(),
        now: T0,
      },
      statuses,
    ),
  );
  return { org, projectId: project.id, statuses };
}

/** The status of the default workflow at `index` (To Do, In Progress, In Review, Done). */
const statusAt = (world: World, index: number) => world.statuses[index]!;

function aTask(world: World, fields: Partial<NewTask> = {}): Promise<Task> {
  const status = world.statuses.find((s) => s.id === fields.statusId) ?? statusAt(world, 0);
  return inOrg(world.org, (tx) =>
    tx.tasks.create({
      id: newId(),
      organizationId: world.org,
      projectId: world.projectId,
      title: 'Mirror',
      description: '',
      typeId: null,
      statusId: status.id,
      priority: 'medium',
      assigneeId: null,
      reporterId: newId(),
      parentId: null,
      labels: [],
      dueAt: null,
      estimateHours: null,
      completedAt: completedAtAfter(null, status.category, T0),
      now: T0,
      ...fields,
    }),
  );
}

const reread = (world: World, tasks: readonly Task[]) =>
  inOrg(world.org, (tx) =>
    Promise.all(
      tasks.map(
        async (task) => (await tx.tasks.find(world.org, task.id, { includeDeleted: true }))!,
      ),
    ),
  );

/** The history rows of the task written at `at`, newest first. */
const historyAt = (world: World, task: Task, at: Date) =>
  inOrg(world.org, async (tx) =>
    (await tx.tasks.history.list(world.org, task.id, { limit: 50 })).filter(
      (entry) => entry.at.getTime() === at.getTime(),
    ),
  );

/** Replaces the workflow by `desired` (dropped statuses' tasks to `receiver`, by name). */
async function replaceWorkflow(world: World, desired: DesiredStatus[], receiver?: string) {
  const plan = planWorkflow(world.statuses, desired, newId);
  const receiverId = plan.statuses.find((s) => s.name === receiver)?.id ?? plan.statuses[0]!.id;
  await inOrg(world.org, (tx) =>
    tx.projects.statuses.replace(world.org, world.projectId, plan, {
      receiverId,
      actorId: newId(),
      now: NOW,
    }),
  );
  return plan;
}

describe('workflow replacement in SQL vs the domain', () => {
  it('sets completed_at as completedAtAfter and records the diffs taskDiff makes', async () => {
    // A category change: In Progress becomes done, Done becomes in_progress.
    const changing = await aWorld();
    const [todo, progress, review, done] = [0, 1, 2, 3].map((i) => statusAt(changing, i));
    const recategorized = [
      await aTask(changing, { statusId: todo!.id }),
      await aTask(changing, { statusId: progress!.id }),
      await aTask(changing, { statusId: review!.id }),
      await aTask(changing, { statusId: done!.id }),
    ];
    const desired: DesiredStatus[] = [
      { id: todo!.id, name: 'To Do', category: 'todo' },
      { id: progress!.id, name: 'In Progress', category: 'done' },
      { id: review!.id, name: 'In Review', category: 'in_progress' },
      { id: done!.id, name: 'Done', category: 'in_progress' },
    ];
    const plan = await replaceWorkflow(changing, desired);
    const categoryOf = (statusId: string) => plan.statuses.find((s) => s.id === statusId)!.category;
    const afterChange = await reread(changing, recategorized);
    for (const [index, before] of recategorized.entries()) {
      const after = afterChange[index]!;
      const expected = completedAtAfter(before.completedAt, categoryOf(after.statusId), NOW);
      expect(after.completedAt).toEqual(expected);
      const diff = taskDiff(before, after);
      const rows = await historyAt(changing, after, NOW);
      expect(rows.map((row) => [row.action, row.changes])).toEqual(
        Object.keys(diff).length === 0 ? [] : [['updated', diff]],
      );
    }

    // A status replacement: In Review and Done dropped, their tasks to a new done status at the
    // bottom, then In Progress dropped into To Do (done tasks reopen).
    const dropping = await aWorld();
    const [toDo, inProgress, inReview, isDone] = [0, 1, 2, 3].map((i) => statusAt(dropping, i));
    const waiting = await aTask(dropping, { statusId: toDo!.id });
    const moving = [
      await aTask(dropping, { statusId: inReview!.id }),
      await aTask(dropping, { statusId: isDone!.id }),
      await aTask(dropping, { statusId: inReview!.id }),
    ];
    const gone = await aTask(dropping, { statusId: inReview!.id });
    await inOrg(dropping.org, (tx) => tx.tasks.setDeleted(dropping.org, gone.id, T0, T0));
    const [deleted] = await reread(dropping, [gone]);
    const shipped = await replaceWorkflow(
      dropping,
      [
        { id: toDo!.id, name: 'To Do', category: 'todo' },
        { id: inProgress!.id, name: 'In Progress', category: 'in_progress' },
        { name: 'Shipped', category: 'done' },
      ],
      'Shipped',
    );
    const receiver = shipped.statuses.find((s) => s.name === 'Shipped')!;
    // They leave in workflow order (status, then position, id), each below the last.
    const leaving = [...moving, deleted!].sort(
      (a, b) =>
        statusIndex(dropping, a) - statusIndex(dropping, b) ||
        a.position - b.position ||
        a.id.localeCompare(b.id),
    );
    let last: number | null = null;
    const afterMove = await reread(dropping, leaving);
    for (const [index, before] of leaving.entries()) {
      const after = afterMove[index]!;
      last = positionBetween(last, null);
      expect(after.statusId).toBe(receiver.id);
      expect(after.position).toBe(last);
      expect(after.completedAt).toEqual(
        completedAtAfter(before.completedAt, receiver.category, NOW),
      );
      const rows = await historyAt(dropping, after, NOW);
      const expected = before.deletedAt ? [] : [['moved', taskDiff(before, after, ['status_id'])]];
      expect(rows.map((row) => [row.action, row.changes])).toEqual(expected);
    }
    const [stays] = await reread(dropping, [waiting]);
    expect(stays).toEqual(waiting);
  });
});

const statusIndex = (world: World, task: Task) =>
  world.statuses.findIndex((s) => s.id === task.statusId);

describe('column placement in SQL vs the domain', () => {
  it('puts tasks at the bottom as positionBetween does and renumbers as renumbered does', async () => {
    const world = await aWorld();
    const [todo, progress] = [statusAt(world, 0), statusAt(world, 1)];
    // Creations: each below the column's last live task (a deleted one does not count).
    const a = await aTask(world, { statusId: todo.id });
    expect(a.position).toBe(positionBetween(null, null));
    const b = await aTask(world, { statusId: todo.id });
    expect(b.position).toBe(positionBetween(a.position, null));
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, b.id, T0, T0));
    const c = await aTask(world, { statusId: todo.id });
    expect(c.position).toBe(positionBetween(a.position, null));
    // A write of 'bottom': in its own column (below the others) and into another column.
    const update = (task: Task, statusId?: string) =>
      inOrg(world.org, (tx) =>
        tx.tasks.update(
          world.org,
          task.id,
          { ...(statusId !== undefined && { statusId }), position: 'bottom' },
          NOW,
        ),
      );
    expect((await update(a)).position).toBe(positionBetween(c.position, null));
    const p = await aTask(world, { statusId: progress.id });
    expect((await update(c, progress.id)).position).toBe(positionBetween(p.position, null));

    // Renumbering: a column with no room left (1, 2, 3); placing before the second renumbers it.
    const column = [
      await aTask(world, { statusId: progress.id }),
      await aTask(world, { statusId: progress.id }),
      await aTask(world, { statusId: progress.id }),
    ];
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('app.organization_id', ${world.org}, true)`.execute(trx);
      await sql`update tasks set status_id = ${todo.id}::uuid where id in (${p.id}, ${c.id})`.execute(
        trx,
      );
      for (const [index, task] of column.entries()) {
        await sql`update tasks set position = ${index + 1} where id = ${task.id}`.execute(trx);
      }
    });
    const mover = await aTask(world, { statusId: todo.id });
    const placed = await inOrg(world.org, (tx) =>
      tx.tasks.positionFor(world.org, world.projectId, mover.id, {
        statusId: progress.id,
        beforeId: column[1]!.id,
      }),
    );
    const positions = renumbered(column.length);
    expect((await reread(world, column)).map((task) => task.position)).toEqual(positions);
    expect(placed).toBe(positionBetween(positions[0]!, positions[1]!));
  });
});

describe('priorities in SQL vs the domain', () => {
  it('names each stored priority number as PRIORITIES does, in task JSON too', async () => {
    const { rows } = await sql<{ n: number; name: string }>`
      select n, ${priorityName(sql`n`)} as name
      from generate_series(1, ${PRIORITIES.length}::int) as n order by n
    `.execute(db);
    expect(rows.map((row) => row.name)).toEqual([...PRIORITIES]);

    const world = await aWorld();
    for (const priority of PRIORITIES) await aTask(world, { priority, title: priority });
    const page = await inOrg(world.org, (tx) =>
      tx.tasks.listItems(world.org, {
        filter: { projectId: world.projectId },
        sort: 'priority',
        limit: 10,
      }),
    );
    const shown = page.map(
      (task) => JSON.parse(task.rendered) as { title: string; priority: string },
    );
    expect(shown.map((task) => task.priority)).toEqual([...PRIORITIES].reverse());
    expect(shown.every((task) => task.title === task.priority)).toBe(true);
  });
});

describe('history of a removed label or type in SQL vs the domain', () => {
  it('records the diff taskDiff makes of the task before and after', async () => {
    const world = await aWorld();
    const label = async (name: string) =>
      (
        await inOrg(world.org, (tx) =>
          tx.labels.create({
            id: newId(),
            organizationId: world.org,
            name,
            color: '#aabbcc',
            description: '',
            createdBy: newId(),
            now: T0,
          }),
        )
      ).id;
    const [kept, removed] = [await label('kept'), await label('removed')];
    const type = await inOrg(world.org, (tx) =>
      tx.projects.taskTypes.create({
        id: newId(),
        organizationId: world.org,
        projectId: world.projectId,
        name: 'Bug',
        now: T0,
      }),
    );
    const labelled = await aTask(world, { labels: [kept, removed].sort(), typeId: type.id });
    const onlyRemoved = await aTask(world, { labels: [removed] });
    const actorId = newId();
    await inOrg(world.org, async (tx) => {
      await tx.tasks.history.recordDetach(world.org, { labelId: removed }, actorId, NOW);
      await tx.labels.delete(world.org, removed);
    });
    const LATER = new Date(NOW.getTime() + 1000);
    const [afterLabel, afterOnly] = await reread(world, [labelled, onlyRemoved]);
    await inOrg(world.org, async (tx) => {
      await tx.tasks.history.recordDetach(world.org, { typeId: type.id }, actorId, LATER);
      await tx.projects.taskTypes.delete(world.org, world.projectId, type.id);
    });
    const [afterType] = await reread(world, [labelled]);
    const changesAt = async (task: Task, at: Date) =>
      (await historyAt(world, task, at)).map((row) => [row.action, row.changes]);
    expect(await changesAt(labelled, NOW)).toEqual([['updated', taskDiff(labelled, afterLabel!)]]);
    expect(await changesAt(onlyRemoved, NOW)).toEqual([
      ['updated', taskDiff(onlyRemoved, afterOnly!)],
    ]);
    expect(await changesAt(labelled, LATER)).toEqual([
      ['updated', taskDiff(afterLabel!, afterType!)],
    ]);
  });
});
