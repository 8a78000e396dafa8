// Migrations 0012 (row versions of memberships, labels and task types) and 0013 (Bug, Task and
// Story for the projects made before new projects got them), on rows written before them. As the
// tables' owner, the way the migrator runs them.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as versions from '../../../migrations/2026_12_05_0012_row_versions.js';
import * as defaultTypes from '../../../migrations/2026_12_05_0013_default_task_types.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let db: Db;
let uow: UnitOfWork;
let schemaless: Kysely<unknown>;

beforeAll(async () => {
  database = await createTestDatabase({ asOwner: true });
  db = database.handle.db;
  uow = postgresUnitOfWork(db);
  // A migration takes the database untyped, as the migrator hands it over.
  schemaless = db as unknown as Kysely<unknown>;
});
afterAll(async () => {
  await database.close();
});

const { inOrg, anOrganization, aProject } = repositoryBuilders(() => uow, NOW);

describe('migration 2026_12_05_0013_default_task_types', () => {
  it('gives Bug, Task and Story, in order, to each project without a type; others keep theirs', async () => {
    const org = await anOrganization();
    const bare = await aProject(org);
    const chosen = await aProject(org);
    const incident = await inOrg(org, (tx) =>
      tx.projects.taskTypes.create({
        id: newId(),
        organizationId: org,
        projectId: chosen.id,
        name: 'Incident',
        now: NOW,
      }),
    );
    const typesOf = (projectId: string) =>
      inOrg(org, (tx) => tx.projects.taskTypes.list(org, projectId));

    await defaultTypes.up(schemaless);
    const seeded = await typesOf(bare.id);
    expect(seeded.map(({ projectId, name, version }) => ({ projectId, name, version }))).toEqual(
      ['Bug', 'Task', 'Story'].map((name) => ({ projectId: bare.id, name, version: 1 })),
    );
    expect(await typesOf(chosen.id)).toEqual([incident]);

    // Once a project has types, running it again adds nothing; down leaves them (they are data).
    await defaultTypes.up(schemaless);
    await defaultTypes.down();
    expect(await typesOf(bare.id)).toEqual(seeded);
  });
});

describe('migration 2026_12_05_0012_row_versions', () => {
  const versionColumns = async () => {
    const { rows } = await sql<{ table_name: string; column_default: string }>`
      SELECT table_name, column_default FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'version'
        AND table_name IN ('memberships', 'labels', 'task_types')
      ORDER BY table_name
    `.execute(db);
    return rows.map((row) => [row.table_name, row.column_default]);
  };
  const mayUpdateTaskTypes = async () => {
    const { rows } = await sql<{ allowed: boolean }>`
      SELECT has_table_privilege('teamflow_app', 'task_types', 'UPDATE') AS allowed
    `.execute(db);
    return rows[0]?.allowed;
  };

  it('adds version 1 to existing rows and the UPDATE grant on task types; down takes both away', async () => {
    expect(await versionColumns()).toEqual([
      ['labels', '1'],
      ['memberships', '1'],
      ['task_types', '1'],
    ]);
    expect(await mayUpdateTaskTypes()).toBe(true);

    await versions.down(schemaless);
    expect(await versionColumns()).toEqual([]);
    expect(await mayUpdateTaskTypes()).toBe(false);
    const org = await anOrganization();
    await sql`
      INSERT INTO labels (organization_id, id, name, color, created_at, updated_at)
      VALUES (${org}, ${newId()}, 'Before', '#000000', ${NOW}, ${NOW})
    `.execute(db);

    await versions.up(schemaless);
    expect(await mayUpdateTaskTypes()).toBe(true);
    const { rows } = await sql<{ version: number }>`
      SELECT version FROM labels WHERE organization_id = ${org}
    `.execute(db);
    expect(rows).toEqual([{ version: 1 }]);
  });
});
