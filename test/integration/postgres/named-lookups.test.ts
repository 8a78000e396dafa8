// The lookups behind keys and names (application/tasks/named-references.ts), against this file's
// own database (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set), as the application
// role inside each organization's unit of work: task keys to ids, label names to ids, status names
// across the organization's projects, and the list filter on several statuses. Another
// organization's keys and names never resolve, whatever is asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { Project } from '../../../src/domain/projects/project.js';
import { defaultWorkflow, type WorkflowStatus } from '../../../src/domain/projects/workflow.js';
import type { Task } from '../../../src/domain/tasks/task.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let uow: UnitOfWork;

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db);
});
afterAll(async () => {
  await database.close();
});

const { inOrg, anOrganization, aProject } = repositoryBuilders(() => uow, NOW);

interface World {
  readonly org: string;
  readonly project: Project;
  readonly workflow: WorkflowStatus[];
}

async function aWorld(org?: string): Promise<World> {
  const organization = org ?? (await anOrganization());
  const workflow = defaultWorkflow(newId);
  return { org: organization, project: await aProject(organization, {}, workflow), workflow };
}

const aTask = (world: World, statusIndex = 0): Promise<Task> =>
  inOrg(world.org, (tx) =>
    tx.tasks.create({
      id: newId(),
      organizationId: world.org,
      projectId: world.project.id,
      title: 'Fix the login',
      description: '',
      typeId: null,
      statusId: world.workflow[statusIndex]!.id,
      priority: 'medium',
      assigneeId: null,
      reporterId: newId(),
      parentId: null,
      labels: [],
      dueAt: null,
      estimateHours: null,
      completedAt: null,
      now: NOW,
    }),
  );

const aLabel = (org: string, name: string) =>
  inOrg(org, (tx) =>
    tx.labels.create({
      id: newId(),
      organizationId: org,
      name,
      color: '#112233',
      description: '',
      createdBy: newId(),
      now: NOW,
    }),
  );

describe('task keys to ids', () => {
  it('finds keys in any case, deleted tasks too, each spelling given answered', async () => {
    const world = await aWorld();
    const [first, second] = [await aTask(world), await aTask(world)];
    await inOrg(world.org, (tx) => tx.tasks.setDeleted(world.org, second.id, NOW, NOW));
    const lower = first.key.toLowerCase();
    const found = await inOrg(world.org, (tx) =>
      tx.tasks.idsByKey(world.org, [
        first.key,
        lower,
        second.key,
        `${world.project.key}-99`,
        'nope',
      ]),
    );
    expect(Object.fromEntries(found)).toEqual({
      [first.key]: first.id,
      [lower]: first.id,
      [second.key]: second.id,
    });
  });

  it('never finds another organization’s keys, nor a deleted project’s', async () => {
    const [ours, theirs] = [await aWorld(), await aWorld()];
    const foreign = await aTask(theirs);
    const hidden = await aWorld(ours.org);
    const gone = await aTask(hidden);
    await inOrg(ours.org, (tx) => tx.projects.softDelete(ours.org, hidden.project.id, NOW));
    const found = await inOrg(ours.org, (tx) =>
      tx.tasks.idsByKey(ours.org, [foreign.key, gone.key]),
    );
    expect(found.size).toBe(0);
    // Scoped to the other organization while asking for ours: row-level security keeps it out too.
    const mine = await aTask(ours);
    const crossed = await inOrg(theirs.org, (tx) => tx.tasks.idsByKey(ours.org, [mine.key]));
    expect(crossed.size).toBe(0);
  });
});

describe('label names to ids', () => {
  it('finds names ignoring case and surrounding spaces, and nothing of another organization', async () => {
    const [ours, theirs] = [await anOrganization(), await anOrganization()];
    const bug = await aLabel(ours, 'Bug');
    await aLabel(theirs, 'Bug');
    await aLabel(theirs, 'Secret');
    const found = await inOrg(ours, (tx) =>
      tx.labels.idsByName(ours, ['bug', ' BUG ', 'Secret', 'Bu', 'Bug%']),
    );
    expect(Object.fromEntries(found)).toEqual({ bug: bug.id, ' BUG ': bug.id });
  });
});

describe('status names across projects', () => {
  it('finds the status of that name in each live project of the organization only', async () => {
    const first = await aWorld();
    const second = await aWorld(first.org);
    const deleted = await aWorld(first.org);
    await inOrg(first.org, (tx) => tx.projects.softDelete(first.org, deleted.project.id, NOW));
    await aWorld(); // another organization, the same default names
    const ids = await inOrg(first.org, (tx) => tx.projects.statuses.idsNamed(first.org, ' done '));
    const done = (world: World) => world.workflow.find((status) => status.name === 'Done')!.id;
    expect([...ids].sort()).toEqual([done(first), done(second)].sort());
    expect(
      await inOrg(first.org, (tx) => tx.projects.statuses.idsNamed(first.org, 'Doing')),
    ).toEqual([]);
  });

  it('lists the tasks in any of several statuses', async () => {
    const first = await aWorld();
    const second = await aWorld(first.org);
    const [a, , c] = [await aTask(first, 3), await aTask(first, 0), await aTask(second, 3)];
    const statusIds = [first.workflow[3]!.id, second.workflow[3]!.id];
    const tasks = await inOrg(first.org, (tx) =>
      tx.tasks.list(first.org, { filter: { statusIds }, sort: 'created_at', limit: 10 }),
    );
    expect(tasks.map((task) => task.id).sort()).toEqual([a.id, c.id].sort());
  });
});
