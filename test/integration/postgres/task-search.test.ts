// app_task_search (migration 0007) runs as the tables' owner, past row-level security, so that the
// GIN indexes serve the match: these tests hold it to the tenant boundary the policies draw —
// as teamflow_app it answers the current organization's live tasks and nothing else.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { createComment } from '../../../src/application/tasks/create-comment.js';
import { createTask } from '../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../src/application/tasks/delete-task.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { buildDeps, type TestDeps } from '../use-cases/deps.js';
import { anOrganization, aProject, type World } from '../../support/builders/use-cases.js';

let database: TestDatabase;
let deps: TestDeps;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  deps = await buildDeps(db);
});
afterAll(async () => {
  await database.close();
});

interface Match {
  task_id: string;
  rank: number;
  project_id: string;
}

/** The function's answer as teamflow_app, in a transaction scoped as the unit of work scopes it. */
function matches(organizationId: string | undefined, q: string): Promise<Match[]> {
  return db.transaction().execute(async (trx) => {
    if (organizationId !== undefined) {
      await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    }
    const { rows } = await sql<Match>`
      select task_id, rank, project_id
      from app_task_search(websearch_to_tsquery('english', ${q}))
      order by rank desc, task_id
    `.execute(trx);
    return rows;
  });
}

async function aTask(world: World, projectId: string, title: string) {
  return createTask(deps, world.owner, projectId, { title });
}

describe('app_task_search', () => {
  it('answers the current organization’s live matches only, one row per way a task matched', async () => {
    const a = await anOrganization(deps);
    const b = await anOrganization(deps);
    const projectA = await aProject(deps, a);
    const projectB = await aProject(deps, b);
    const inTitle = await aTask(a, projectA.id, 'Marmalade recipe');
    const inComment = await aTask(a, projectA.id, 'Breakfast');
    await createComment(deps, a.owner, inComment.id, { body: 'Add marmalade' });
    const deleted = await aTask(a, projectA.id, 'Marmalade jar');
    await deleteTask(deps, a.owner, deleted.id);
    const other = await aTask(b, projectB.id, 'Marmalade too');

    const rowsA = await matches(a.organizationId, 'marmalade');
    const rowsB = await matches(b.organizationId, 'marmalade');

    expect(rowsA.map((row) => row.task_id)).toEqual([inTitle.id, inComment.id]);
    expect(rowsA.every((row) => row.project_id === projectA.id)).toBe(true);
    expect(rowsA[0]!.rank).toBeGreaterThan(rowsA[1]!.rank);
    expect(rowsB.map((row) => row.task_id)).toEqual([other.id]);
  });

  it('answers nothing outside an organization’s transaction', async () => {
    const a = await anOrganization(deps);
    const project = await aProject(deps, a);
    await aTask(a, project.id, 'Quince jelly');

    expect(await matches(a.organizationId, 'quince')).toHaveLength(1);
    expect(await matches(undefined, 'quince')).toEqual([]);
  });
});
