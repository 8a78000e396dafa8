// The task relation repository against this file's own database (PGlite by default, PostgreSQL
// when TEST_DATABASE_URL is set), as the application role inside each organization's unit of
// work: one row per relation in its forward sense, lists from either side, the blocking walk,
// and the lock that keeps two creations from closing a cycle together.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresTaskRelationRepository } from '../../../src/adapters/postgres/task-relation-repository.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { defaultWorkflow } from '../../../src/domain/projects/workflow.js';
import { ConflictError } from '../../../src/domain/shared/errors.js';
import {
  forwardRelation,
  type RelationType,
  type TaskRelation,
} from '../../../src/domain/tasks/relation.js';
import type { Task } from '../../../src/domain/tasks/task.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';
import { aKey } from '../../support/builders/keys.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
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

const inOrg = <T>(organizationId: string, work: (tx: Repositories) => Promise<T>) =>
  uow.run(work, { organizationId });

interface World {
  readonly org: string;
  readonly projectId: string;
  readonly projectKey: string;
  readonly statusId: string;
}

async function aWorld(): Promise<World> {
  const org = newId();
  return inOrg(org, async (tx) => {
    await tx.organizations.create({
      id: org,
      name: 'Acme',
      slug: `org-${uniqueTag()}`,
      timezone: 'UTC',
      now: NOW,
    });
    const project = await tx.projects.create(
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
      defaultWorkflow(newId),
    );
    const [status] = await tx.projects.statuses.list(org, project.id);
    if (!status) throw new Error('a project without statuses');
    return { org, projectId: project.id, projectKey: project.key, statusId: status.id };
  });
}

function aTask(
  world: World,
  fields: { title?: string; reporterId?: string; assigneeId?: string | null } = {},
): Promise<Task> {
  return inOrg(world.org, (tx) =>
    tx.tasks.create({
      id: newId(),
      organizationId: world.org,
      projectId: world.projectId,
      title: fields.title ?? `Task ${uniqueTag()}`,
      description: '',
      typeId: null,
      statusId: world.statusId,
      priority: 'medium',
      assigneeId: fields.assigneeId ?? null,
      reporterId: fields.reporterId ?? newId(),
      parentId: null,
      labels: [],
      dueAt: null,
      estimateHours: null,
      completedAt: null,
      now: NOW,
    }),
  );
}

function relate(
  world: World,
  task: Task,
  type: RelationType,
  other: Task,
  createdAt = NOW,
): Promise<TaskRelation> {
  return inOrg(world.org, (tx) =>
    tx.tasks.relations.create({
      id: newId(),
      organizationId: world.org,
      ...forwardRelation(task.id, type, other.id),
      createdBy: null,
      createdAt,
    }),
  );
}

const listFor = (world: World, task: Task, visibleTo?: { reporterId?: string; ownedBy?: string }) =>
  inOrg(world.org, (tx) => tx.tasks.relations.listFor(world.org, task.id, visibleTo));

const blocks = (world: World, from: Task, to: Task) =>
  inOrg(world.org, (tx) => tx.tasks.relations.blocksTransitively(world.org, from.id, to.id));

describe(`task relation repository on ${ENGINE}`, () => {
  it('stores "A blocked_by B" as the blocks row of B, and finds it by id', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const relation = await relate(world, a, 'blocked_by', b);
    expect(relation).toMatchObject({ sourceTaskId: b.id, targetTaskId: a.id, type: 'blocks' });
    expect(await inOrg(world.org, (tx) => tx.tasks.relations.find(world.org, relation.id))).toEqual(
      relation,
    );
  });

  it('lists a task’s relations from its side, oldest first, with the other task’s key and title', async () => {
    const world = await aWorld();
    const a = await aTask(world, { title: 'Alpha' });
    const b = await aTask(world, { title: 'Bravo' });
    const c = await aTask(world, { title: 'Charlie' });
    const d = await aTask(world, { title: 'Delta' });
    const ab = await relate(world, a, 'blocks', b, at(1000));
    const ca = await relate(world, c, 'blocks', a, at(2000));
    const ad = await relate(world, a, 'duplicates', d, at(3000));
    const ba = await relate(world, b, 'relates_to', a, at(4000));
    const view = (id: string, type: string, other: Task, createdAt: Date) => ({
      id,
      type,
      taskId: other.id,
      taskKey: other.key,
      taskTitle: other.title,
      createdBy: null,
      createdAt,
    });
    expect(await listFor(world, a)).toEqual([
      view(ab.id, 'blocks', b, at(1000)),
      view(ca.id, 'blocked_by', c, at(2000)),
      view(ad.id, 'duplicates', d, at(3000)),
      view(ba.id, 'relates_to', b, at(4000)),
    ]);
    expect(await listFor(world, b)).toEqual([
      view(ab.id, 'blocked_by', a, at(1000)),
      view(ba.id, 'relates_to', a, at(4000)),
    ]);
    expect(await listFor(world, d)).toEqual([view(ad.id, 'duplicated_by', a, at(3000))]);
  });

  it('leaves out relations whose other task is deleted, and brings them back with it', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const c = await aTask(world);
    await relate(world, a, 'blocks', b);
    await relate(world, a, 'relates_to', c);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, b.id, NOW, NOW));
    expect((await listFor(world, a)).map((r) => r.taskId)).toEqual([c.id]);
    // The deleted task's own list still names its live partner (its reads answer 404 anyway).
    expect((await listFor(world, b)).map((r) => r.taskId)).toEqual([a.id]);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, b.id, null, NOW));
    expect((await listFor(world, a)).map((r) => r.taskId)).toEqual([b.id, c.id]);
  });

  it('shows an :own reader only the other tasks it reported (or is assigned)', async () => {
    const world = await aWorld();
    const me = newId();
    const a = await aTask(world, { reporterId: me });
    const mine = await aTask(world, { reporterId: me });
    const assigned = await aTask(world, { assigneeId: me });
    const theirs = await aTask(world);
    for (const other of [mine, assigned, theirs]) await relate(world, a, 'relates_to', other);
    const ids = async (visibleTo?: { reporterId?: string; ownedBy?: string }) =>
      (await listFor(world, a, visibleTo)).map((r) => r.taskId);
    expect(await ids()).toEqual([mine.id, assigned.id, theirs.id]);
    expect(await ids({})).toEqual([mine.id, assigned.id, theirs.id]);
    expect(await ids({ ownedBy: me })).toEqual([mine.id, assigned.id]);
    expect(await ids({ reporterId: me })).toEqual([mine.id]);
  });

  it('finds a relation of one type between two tasks in either direction', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const c = await aTask(world);
    const ab = await relate(world, a, 'relates_to', b);
    const between = (x: Task, y: Task, type: 'blocks' | 'duplicates' | 'relates_to') =>
      inOrg(world.org, (tx) => tx.tasks.relations.findBetween(world.org, x.id, y.id, type));
    expect(await between(a, b, 'relates_to')).toEqual(ab);
    expect(await between(b, a, 'relates_to')).toEqual(ab);
    expect(await between(a, b, 'blocks')).toBeUndefined();
    expect(await between(a, c, 'relates_to')).toBeUndefined();
  });

  it('refuses the same relation twice (ConflictError), but not another type of the same pair', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    await relate(world, a, 'blocks', b);
    await expect(relate(world, b, 'blocked_by', a)).rejects.toBeInstanceOf(ConflictError);
    await expect(relate(world, a, 'relates_to', b)).resolves.toMatchObject({ type: 'relates_to' });
  });

  it('refuses, in the table itself, a task related to itself or to another organization’s task', async () => {
    const world = await aWorld();
    const elsewhere = await aWorld();
    const a = await aTask(world);
    const foreign = await aTask(elsewhere);
    const insert = (source: string, target: string) =>
      inOrg(world.org, (tx) =>
        tx.tasks.relations.create({
          id: newId(),
          organizationId: world.org,
          sourceTaskId: source,
          targetTaskId: target,
          type: 'relates_to',
          createdBy: null,
          createdAt: NOW,
        }),
      );
    await expect(insert(a.id, a.id)).rejects.toThrow();
    await expect(insert(a.id, foreign.id)).rejects.toThrow();
  });

  it('walks blocks rows only, transitively, through deleted tasks too, and ends on a cycle', async () => {
    const world = await aWorld();
    const [a, b, c, d] = [
      await aTask(world),
      await aTask(world),
      await aTask(world),
      await aTask(world),
    ] as [Task, Task, Task, Task];
    await relate(world, a, 'blocks', b);
    await relate(world, b, 'blocks', c);
    await relate(world, c, 'relates_to', d);
    await relate(world, c, 'duplicates', d);
    expect(await blocks(world, a, b)).toBe(true);
    expect(await blocks(world, a, c)).toBe(true);
    expect(await blocks(world, c, a)).toBe(false);
    expect(await blocks(world, b, a)).toBe(false);
    expect(await blocks(world, a, d)).toBe(false);
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, b.id, NOW, NOW));
    expect(await blocks(world, a, c)).toBe(true);
    // A cycle that got in some other way does not make the walk run for ever.
    await relate(world, c, 'blocks', a);
    expect(await blocks(world, a, a)).toBe(true);
    expect(await blocks(world, a, d)).toBe(false);
  });

  it('keeps each organization’s relations to itself', async () => {
    const world = await aWorld();
    const other = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const relation = await relate(world, a, 'blocks', b);
    await inOrg(other.org, async (tx) => {
      expect(await tx.tasks.relations.find(other.org, relation.id)).toBeUndefined();
      expect(await tx.tasks.relations.find(world.org, relation.id)).toBeUndefined();
      expect(await tx.tasks.relations.listFor(world.org, a.id)).toEqual([]);
      expect(await tx.tasks.relations.blocksTransitively(world.org, a.id, b.id)).toBe(false);
      expect(await tx.tasks.relations.delete(world.org, relation.id)).toBe(false);
    });
    expect(await blocks(world, a, b)).toBe(true);
  });

  it('deletes a relation once; an id that is not a UUID finds nothing', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const relation = await relate(world, a, 'relates_to', b);
    await inOrg(world.org, async (tx) => {
      expect(await tx.tasks.relations.delete(world.org, 'not-a-uuid')).toBe(false);
      expect(await tx.tasks.relations.find(world.org, 'not-a-uuid')).toBeUndefined();
      expect(await tx.tasks.relations.delete(world.org, relation.id)).toBe(true);
      expect(await tx.tasks.relations.delete(world.org, relation.id)).toBe(false);
    });
    expect(await listFor(world, a)).toEqual([]);
  });

  it("takes the organization’s blocks lock, hashtextextended(organization_id || ':blocks', 0)", async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    const held = await db.transaction().execute(async (trx) => {
      await sql`select set_config('app.organization_id', ${world.org}, true)`.execute(trx);
      const before = await advisoryLocksHeld(trx);
      await postgresTaskRelationRepository(trx).lockForCreation(world.org, 'blocks', a.id, b.id);
      const after = await advisoryLocksHeld(trx);
      const { rows } = await sql<{ key: string }>`
        select hashtextextended(${world.org}::text || ':blocks', 0)::text as key
      `.execute(trx);
      return { before, after, expected: rows[0]?.key };
    });
    expect(held.before).toEqual([]);
    expect(held.after).toEqual([held.expected]);
  });

  it('serializes blocks creations: two that would close a cycle together cannot both pass the check', async () => {
    const world = await aWorld();
    const a = await aTask(world);
    const b = await aTask(world);
    // Both transactions reach the lock before either checks (only where they really run at once:
    // PGlite has one connection and runs them one after the other anyway).
    const arrived = barrier(testDatabaseUrl ? 2 : 1);
    const attempt = (task: Task, other: Task) =>
      inOrg(world.org, async (tx) => {
        await arrived();
        await tx.tasks.relations.lockForCreation(world.org, 'blocks', task.id, other.id);
        if (await tx.tasks.relations.blocksTransitively(world.org, other.id, task.id)) {
          return 'refused';
        }
        await tx.tasks.relations.create({
          id: newId(),
          organizationId: world.org,
          ...forwardRelation(task.id, 'blocks', other.id),
          createdBy: null,
          createdAt: NOW,
        });
        return 'created';
      });
    const outcomes = await Promise.all([attempt(a, b), attempt(b, a)]);
    expect(outcomes.sort()).toEqual(['created', 'refused']);
    expect((await listFor(world, a)).length).toBe(1);
  });

  it('counts the relations each task takes part in, from either side, in the order asked', async () => {
    const world = await aWorld();
    const [a, b, c, lone] = [
      await aTask(world),
      await aTask(world),
      await aTask(world),
      await aTask(world),
    ];
    await relate(world, a, 'blocks', b);
    await relate(world, c, 'relates_to', a);
    await relate(world, b, 'duplicates', c);
    await relate(world, a, 'blocked_by', c);

    expect(
      await inOrg(world.org, (tx) => tx.tasks.relations.countLocked(world.org, [a.id, lone.id])),
    ).toEqual([3, 0]);
    expect(
      await inOrg(world.org, (tx) => tx.tasks.relations.countLocked(world.org, [c.id, b.id, a.id])),
    ).toEqual([3, 2, 3]);
  });

  it('serializes creations on a task: two that would pass its bound together cannot both count under it', async () => {
    const world = await aWorld();
    const hub = await aTask(world);
    await relate(world, hub, 'relates_to', await aTask(world));
    const bound = 2;
    const arrived = barrier(testDatabaseUrl ? 2 : 1);
    const attempt = (other: Task) =>
      inOrg(world.org, async (tx) => {
        await arrived();
        const [count = 0] = await tx.tasks.relations.countLocked(world.org, [hub.id, other.id]);
        if (count >= bound) return 'refused';
        await tx.tasks.relations.create({
          id: newId(),
          organizationId: world.org,
          ...forwardRelation(hub.id, 'relates_to', other.id),
          createdBy: null,
          createdAt: NOW,
        });
        return 'created';
      });
    const outcomes = await Promise.all([attempt(await aTask(world)), attempt(await aTask(world))]);
    expect(outcomes.sort()).toEqual(['created', 'refused']);
    expect((await listFor(world, hub)).length).toBe(bound);
  });
});

/** The advisory locks this transaction holds, as the signed 64-bit keys they were taken with. */
async function advisoryLocksHeld(trx: Db): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    select ((classid::bigint << 32) | objid::bigint)::text as key from pg_locks
    where locktype = 'advisory' and pid = pg_backend_pid() and objsubid = 1
  `.execute(trx);
  return rows.map((row) => row.key);
}

/** Resolves for everyone once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    waiting += 1;
    if (waiting === parties) release();
    return all;
  };
}
