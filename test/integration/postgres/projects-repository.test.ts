// The project repository (projects, statuses, task types) against this file's own database
// (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set), as the application role: every
// tenant call inside its organization's unit of work (row-level security).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { Project } from '../../../src/domain/projects/project.js';
import { defaultWorkflow, planWorkflow } from '../../../src/domain/projects/workflow.js';
import { ConflictError, PreconditionFailedError } from '../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl } from '../../support/env.js';
import { insertTasks } from '../../support/task-rows.js';
import { aKey, repositoryBuilders } from '../../support/builders/repositories.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const newId = () => uuidV7Ids.next();
const ZERO = { todo: 0, inProgress: 0, done: 0, total: 0, percentDone: 0 };

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

const { inOrg, anOrganization, aProject } = repositoryBuilders(() => uow, NOW);

/** Raw SQL in a transaction scoped to the organization, as a unit of work would run it. */
const rawInOrg = <T>(organizationId: string, work: (trx: Db) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    return work(trx);
  });

describe(`project repository on ${ENGINE}`, () => {
  it('creates a project at version 1 with zero progress, and finds it by id and by key', async () => {
    const org = await anOrganization();
    const createdBy = newId();
    const project = await aProject(org, {
      key: 'RE',
      name: 'Release',
      description: 'Ships',
      publicLookup: true,
      createdBy,
    });
    expect(project).toEqual({
      id: project.id,
      organizationId: org,
      key: 'RE',
      name: 'Release',
      description: 'Ships',
      publicLookup: true,
      createdBy,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
      progress: ZERO,
    });
    await inOrg(org, async (tx) => {
      expect(await tx.projects.find(org, project.id)).toEqual(project);
      expect(await tx.projects.find(org, 'RE')).toEqual(project);
      expect(await tx.projects.find(org, 're')).toEqual(project);
    });
  });

  it('finds nothing, without a database error, for what is neither an id nor a key', async () => {
    const org = await anOrganization();
    await aProject(org, { key: 'SSSS' });
    await inOrg(org, async (tx) => {
      expect(await tx.projects.find(org, 'ssss')).toMatchObject({ key: 'SSSS' });
      for (const ref of [
        'R2',
        'RE-1',
        'A',
        'x'.repeat(11),
        'ßß',
        newId(),
        "RE'; drop table projects",
      ]) {
        expect(await tx.projects.find(org, ref)).toBeUndefined();
      }
      expect(await tx.projects.update(org, 'RE', { name: 'X' }, NOW, 1)).toBeUndefined();
      expect(await tx.projects.softDelete(org, 'RE', NOW)).toBe(false);
      expect(await tx.projects.restore(org, 'RE', NOW)).toBeUndefined();
    });
  });

  it('starts task numbering at 1 (next_task_number, for tasks to allocate)', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    const row = await rawInOrg(org, (trx) =>
      trx
        .selectFrom('projects')
        .select('next_task_number')
        .where('organization_id', '=', org)
        .where('id', '=', project.id)
        .executeTakeFirstOrThrow(),
    );
    expect(row.next_task_number).toBe(1);
  });

  it('refuses a taken key in the organization, a deleted project’s too, but not another organization’s', async () => {
    const org = await anOrganization();
    const other = await anOrganization();
    const live = await aProject(org);
    const gone = await aProject(org);
    await inOrg(org, (tx) => tx.projects.softDelete(org, gone.id, NOW));
    for (const key of [live.key, gone.key]) {
      await expect(aProject(org, { key })).rejects.toBeInstanceOf(ConflictError);
    }
    await expect(aProject(other, { key: live.key })).resolves.toMatchObject({ key: live.key });
  });

  it('refuses, in the table itself, a key that is not 2–10 upper-case letters', async () => {
    const org = await anOrganization();
    for (const key of ['re', 'R', 'R2D', 'ABCDEFGHIJK']) {
      await expect(aProject(org, { key })).rejects.toThrow();
    }
  });

  it('lists by name ignoring case, page by page, and newest first', async () => {
    const org = await anOrganization();
    const charlie = await aProject(org, { name: 'charlie', now: at(1000) });
    const alpha = await aProject(org, { name: 'Alpha', now: at(3000) });
    const bravo = await aProject(org, { name: 'bravo', now: at(2000) });
    const bravo2 = await aProject(org, { name: 'Bravo', now: at(2000) });

    const byName = (after?: Project) =>
      inOrg(org, (tx) =>
        tx.projects.list(org, {
          sort: 'name',
          limit: 2,
          after: after && { sort: 'name', name: after.name, id: after.id },
          includeDeleted: false,
        }),
      );
    const first = await byName();
    const second = await byName(first.at(-1));
    const third = await byName(second.at(-1));
    const bravos = [bravo, bravo2].sort((a, b) => a.id.localeCompare(b.id));
    expect([...first, ...second].map((p) => p.id)).toEqual(
      [alpha, ...bravos, charlie].map((p) => p.id),
    );
    expect(third).toEqual([]);

    const newest = (after?: Project) =>
      inOrg(org, (tx) =>
        tx.projects.list(org, {
          sort: '-created_at',
          limit: 3,
          after: after && { sort: '-created_at', createdAt: after.createdAt, id: after.id },
          includeDeleted: false,
        }),
      );
    const page1 = await newest();
    const page2 = await newest(page1.at(-1));
    const sameTime = [bravo, bravo2].sort((a, b) => b.id.localeCompare(a.id));
    expect([...page1, ...page2].map((p) => p.id)).toEqual(
      [alpha, ...sameTime, charlie].map((p) => p.id),
    );
    expect(page1.every((p) => p.progress.total === 0)).toBe(true);
  });

  it('leaves deleted projects out of lists unless asked', async () => {
    const org = await anOrganization();
    const kept = await aProject(org);
    const gone = await aProject(org);
    await inOrg(org, (tx) => tx.projects.softDelete(org, gone.id, at(1)));
    const list = (includeDeleted: boolean) =>
      inOrg(org, (tx) => tx.projects.list(org, { sort: 'name', limit: 10, includeDeleted }));
    expect((await list(false)).map((p) => p.id)).toEqual([kept.id]);
    expect((await list(true)).map((p) => p.id).sort()).toEqual([kept.id, gone.id].sort());
  });

  it('updates with a matching version and bumps it; a stale version changes nothing (412)', async () => {
    const org = await anOrganization();
    const project = await aProject(org, { name: 'Before' });
    const updated = await inOrg(org, (tx) =>
      tx.projects.update(org, project.id, { name: 'After', publicLookup: true }, at(1000), 1),
    );
    expect(updated).toMatchObject({
      name: 'After',
      publicLookup: true,
      description: '',
      version: 2,
      updatedAt: at(1000),
      progress: ZERO,
    });
    await expect(
      inOrg(org, (tx) => tx.projects.update(org, project.id, { name: 'Lost' }, at(2000), 1)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await inOrg(org, (tx) => tx.projects.find(org, project.id))).toEqual(updated);
    const unversioned = await inOrg(org, (tx) =>
      tx.projects.update(org, project.id, { description: 'More' }, at(3000)),
    );
    expect(unversioned?.version).toBe(3);
  });

  it('soft-deletes and restores, bumping the version each time; deleted projects are not found', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    await expect(
      inOrg(org, (tx) => tx.projects.softDelete(org, project.id, at(1), 7)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await inOrg(org, (tx) => tx.projects.softDelete(org, project.id, at(1), 1))).toBe(true);
    await inOrg(org, async (tx) => {
      expect(await tx.projects.find(org, project.id)).toBeUndefined();
      expect(await tx.projects.find(org, project.key)).toBeUndefined();
      expect(await tx.projects.find(org, project.key, { includeDeleted: true })).toMatchObject({
        deletedAt: at(1),
        version: 2,
      });
      expect(await tx.projects.update(org, project.id, { name: 'X' }, at(2))).toBeUndefined();
      expect(await tx.projects.softDelete(org, project.id, at(2))).toBe(false);
    });
    await expect(
      inOrg(org, (tx) => tx.projects.restore(org, project.id, at(3), 1)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const restored = await inOrg(org, (tx) => tx.projects.restore(org, project.id, at(3), 2));
    expect(restored).toMatchObject({ deletedAt: null, version: 3, updatedAt: at(3) });
    expect(await inOrg(org, (tx) => tx.projects.restore(org, project.id, at(4)))).toBeUndefined();
  });
});

describe(`project progress on ${ENGINE}`, () => {
  it('counts the live tasks of each project per status category on find, list, update and restore', async () => {
    const org = await anOrganization();
    const workflow = defaultWorkflow(newId);
    const [todo, progress, review, done] = workflow;
    const project = await aProject(org, {}, workflow);
    const quiet = await aProject(org);
    const other = await anOrganization();
    const otherProject = await aProject(other);
    const deletedAt = at(500);
    await insertTasks(db, org, [
      { projectId: project.id, statusId: todo!.id },
      { projectId: project.id, statusId: todo!.id },
      { projectId: project.id, statusId: progress!.id },
      { projectId: project.id, statusId: review!.id },
      { projectId: project.id, statusId: done!.id },
      { projectId: project.id, statusId: done!.id, deletedAt },
      { projectId: project.id, statusId: todo!.id, deletedAt },
    ]);
    const [otherTodo] = await inOrg(other, (tx) =>
      tx.projects.statuses.list(other, otherProject.id),
    );
    await insertTasks(db, other, [{ projectId: otherProject.id, statusId: otherTodo!.id }]);
    const expected = { todo: 2, inProgress: 2, done: 1, total: 5, percentDone: 20 };

    await inOrg(org, async (tx) => {
      expect((await tx.projects.find(org, project.id))?.progress).toEqual(expected);
      expect((await tx.projects.find(org, quiet.id))?.progress).toEqual(ZERO);
      const listed = await tx.projects.list(org, {
        sort: 'name',
        limit: 10,
        includeDeleted: false,
      });
      expect(listed.map((p) => [p.id, p.progress])).toEqual(
        expect.arrayContaining([
          [project.id, expected],
          [quiet.id, ZERO],
        ]),
      );
      expect(
        (await tx.projects.update(org, project.id, { name: 'Renamed' }, at(1000)))?.progress,
      ).toEqual(expected);
      expect(await tx.projects.softDelete(org, project.id, at(2000))).toBe(true);
      expect((await tx.projects.restore(org, project.id, at(3000)))?.progress).toEqual(expected);
    });
  });

  it('rounds percent_done down, and is 100 when every live task is done', async () => {
    const org = await anOrganization();
    const workflow = defaultWorkflow(newId);
    const [todo, , , done] = workflow;
    const project = await aProject(org, {}, workflow);
    await insertTasks(db, org, [
      { projectId: project.id, statusId: todo!.id },
      { projectId: project.id, statusId: done!.id },
      { projectId: project.id, statusId: done!.id },
    ]);
    const progressOf = () =>
      inOrg(org, async (tx) => (await tx.projects.find(org, project.id))!.progress);
    expect(await progressOf()).toEqual({
      todo: 1,
      inProgress: 0,
      done: 2,
      total: 3,
      percentDone: 66,
    });

    await rawInOrg(org, (trx) =>
      sql`update tasks set deleted_at = ${NOW} where status_id = ${todo!.id}`.execute(trx),
    );
    expect(await progressOf()).toEqual({
      todo: 0,
      inProgress: 0,
      done: 2,
      total: 2,
      percentDone: 100,
    });
  });
});

describe(`project statuses on ${ENGINE}`, () => {
  it('keeps the workflow in order', async () => {
    const org = await anOrganization();
    const workflow = defaultWorkflow(newId);
    const project = await aProject(org, {}, workflow);
    expect(await inOrg(org, (tx) => tx.projects.statuses.list(org, project.id))).toEqual(workflow);
  });

  it('identifies a live project with its workflow in order, by id and by key; nothing otherwise', async () => {
    const org = await anOrganization();
    const other = await anOrganization();
    const workflow = defaultWorkflow(newId);
    // Stored out of order: the answer follows the positions, not the insertion.
    const project = await aProject(org, { key: 'WF' }, [...workflow].reverse());
    const gone = await aProject(org, { key: 'GONE' });
    await inOrg(org, (tx) => tx.projects.softDelete(org, gone.id, NOW));
    const expected = { id: project.id, key: 'WF', statuses: workflow, hasAssignmentRules: false };
    await inOrg(org, async (tx) => {
      expect(await tx.projects.identifyWithWorkflow(org, project.id)).toEqual(expected);
      expect(await tx.projects.identifyWithWorkflow(org, 'wf')).toEqual(expected);
      for (const ref of [gone.id, 'GONE', 'RE-1', 'ßß', newId()]) {
        expect(await tx.projects.identifyWithWorkflow(org, ref)).toBeUndefined();
      }
    });
    expect(
      await inOrg(other, (tx) => tx.projects.identifyWithWorkflow(other, project.id)),
    ).toBeUndefined();
    // With assignment rules, the read says so (a creation then reads them); an empty list is none.
    const rule = { id: newId(), taskTypeId: null, labelId: null, priority: null };
    await inOrg(org, async (tx) => {
      await tx.assignmentRules.replace(org, project.id, [], NOW);
      expect((await tx.projects.identifyWithWorkflow(org, 'WF'))?.hasAssignmentRules).toBe(false);
      await tx.assignmentRules.replace(
        org,
        project.id,
        [{ ...rule, teamId: null, assigneeId: newId(), strategy: 'fixed' }],
        NOW,
      );
      expect((await tx.projects.identifyWithWorkflow(org, 'WF'))?.hasAssignmentRules).toBe(true);
    });
  });

  it('replaces the workflow where kept statuses swap names and places, in one transaction', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    const statuses = await inOrg(org, async (tx) => {
      const current = (await tx.projects.statuses.lock(org, project.id))!;
      const [todo, progress, review, done] = current;
      const plan = planWorkflow(
        current,
        [
          { id: progress!.id, name: 'To Do', category: 'todo' },
          { id: todo!.id, name: 'In Progress', category: 'in_progress' },
          { name: 'In Review', category: 'in_progress' },
          { id: done!.id, name: 'done', category: 'done' },
        ],
        newId,
      );
      expect(plan.dropped).toEqual([review]);
      await tx.projects.statuses.replace(org, project.id, plan, {
        receiverId: plan.statuses[0]!.id,
        actorId: newId(),
        now: NOW,
      });
      return tx.projects.statuses.list(org, project.id);
    });
    expect(statuses.map((s) => [s.name, s.category, s.position])).toEqual([
      ['To Do', 'todo', 0],
      ['In Progress', 'in_progress', 1],
      ['In Review', 'in_progress', 2],
      ['done', 'done', 3],
    ]);
  });

  it('refuses two statuses of one project whose names differ only in case', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    await expect(
      rawInOrg(org, (trx) =>
        trx
          .insertInto('project_statuses')
          .values({
            organization_id: org,
            id: newId(),
            project_id: project.id,
            name: 'to do',
            category: 'todo',
            position: 9,
          })
          .execute(),
      ),
    ).rejects.toThrow();
  });

  it('locks only a live project', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    await inOrg(org, (tx) => tx.projects.softDelete(org, project.id, NOW));
    await inOrg(org, async (tx) => {
      expect(await tx.projects.statuses.lock(org, project.id)).toBeUndefined();
      expect(await tx.projects.statuses.lock(org, newId())).toBeUndefined();
      expect(await tx.projects.statuses.lock(org, 'RE')).toBeUndefined();
    });
  });
});

describe(`task types on ${ENGINE}`, () => {
  it('creates, lists in creation order, finds within its project only, and deletes', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    const other = await aProject(org);
    await inOrg(org, async (tx) => {
      const bug = await tx.projects.taskTypes.create({
        id: newId(),
        organizationId: org,
        projectId: project.id,
        name: 'Bug',
        now: NOW,
      });
      const incident = await tx.projects.taskTypes.create({
        id: newId(),
        organizationId: org,
        projectId: project.id,
        name: 'Incident',
        now: at(1),
      });
      expect(bug).toEqual({
        id: bug.id,
        projectId: project.id,
        name: 'Bug',
        version: 1,
        createdAt: NOW,
      });
      expect(await tx.projects.taskTypes.list(org, project.id)).toEqual([bug, incident]);
      expect(await tx.projects.taskTypes.find(org, project.id, bug.id)).toEqual(bug);
      expect(await tx.projects.taskTypes.find(org, other.id, bug.id)).toBeUndefined();
      expect(await tx.projects.taskTypes.delete(org, other.id, bug.id)).toBe(false);
      expect(await tx.projects.taskTypes.delete(org, project.id, bug.id)).toBe(true);
      expect(await tx.projects.taskTypes.list(org, project.id)).toEqual([incident]);
      expect(await tx.projects.taskTypes.find(org, project.id, 'nope')).toBeUndefined();
    });
  });

  it('refuses a name the project already has, whatever its case; another project may have it', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    const other = await aProject(org);
    const create = (projectId: string, name: string) =>
      inOrg(org, (tx) =>
        tx.projects.taskTypes.create({
          id: newId(),
          organizationId: org,
          projectId,
          name,
          now: NOW,
        }),
      );
    await create(project.id, 'nBDL');
    await expect(create(project.id, 'NBDL')).rejects.toBeInstanceOf(ConflictError);
    await expect(create(other.id, 'nbdl')).resolves.toMatchObject({ name: 'nbdl' });
  });
});

describe(`row-level security on the projects tables (${ENGINE})`, () => {
  it('shows no project, status or task type outside a unit of work scoped to their organization', async () => {
    const org = await anOrganization();
    const stranger = await anOrganization();
    const project = await aProject(org);
    await inOrg(org, (tx) =>
      tx.projects.taskTypes.create({
        id: newId(),
        organizationId: org,
        projectId: project.id,
        name: 'Bug',
        now: NOW,
      }),
    );
    for (const table of ['projects', 'project_statuses', 'task_types'] as const) {
      const unscoped = await db
        .selectFrom(table)
        .select('id')
        .where('organization_id', '=', org)
        .execute();
      expect(unscoped, table).toEqual([]);
      const elsewhere = await rawInOrg(stranger, (trx) =>
        trx.selectFrom(table).select('id').where('organization_id', '=', org).execute(),
      );
      const own = await rawInOrg(org, (trx) =>
        trx.selectFrom(table).select('id').where('organization_id', '=', org).execute(),
      );
      expect(own.length, table).toBeGreaterThan(0);
      expect(elsewhere, table).toEqual([]);
    }
    await inOrg(stranger, async (tx) => {
      expect(await tx.projects.find(org, project.id)).toBeUndefined();
      expect(await tx.projects.find(org, project.key)).toBeUndefined();
      expect(await tx.projects.statuses.list(org, project.id)).toEqual([]);
    });
  });

  it('refuses writing a project into another organization', async () => {
    const org = await anOrganization();
    const stranger = await anOrganization();
    await expect(
      inOrg(stranger, (tx) =>
        tx.projects.create(
          {
            id: newId(),
            organizationId: org,
            key: aKey(),
            name: 'Sneaky',
            description: '',
            publicLookup: false,
            createdBy: newId(),
            now: NOW,
          },
          defaultWorkflow(newId),
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('gives the application role no DELETE on projects (soft delete only)', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    await expect(
      rawInOrg(org, (trx) =>
        sql`delete from projects where organization_id = ${org} and id = ${project.id}`.execute(
          trx,
        ),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
