// Migration 0011 on rows written before it: a `created` row's flat snapshot becomes the diff form
// `{field: {from: null, to: value}}` that creations record now; rows already in that form, and
// rows of other actions, stay as they are. Down restores the snapshot. As the tables' owner.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as migration from '../../../migrations/2026_12_05_0011_created_history_as_diff.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { defaultWorkflow } from '../../../src/domain/projects/workflow.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { uniqueTag } from '../../support/env.js';

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

describe('migration 2026_12_05_0011_created_history_as_diff', () => {
  it('rewrites flat created rows into the {from: null, to} form, and back on down', async () => {
    const org = newId();
    const inOrg = <T>(work: (tx: Repositories) => Promise<T>) =>
      uow.run(work, { organizationId: org });
    await inOrg((tx) =>
      tx.organizations.create({
        id: org,
        name: 'Acme',
        slug: `org-${uniqueTag()}`,
        timezone: 'UTC',
        now: NOW,
      }),
    );
    const workflow = defaultWorkflow(newId);
    const project = await inOrg((tx) =>
      tx.projects.create(
        {
          id: newId(),
          organizationId: org,
          key: 'MIG',
          name: 'Migrated',
          description: '',
          publicLookup: false,
          createdBy: newId(),
          now: NOW,
        },
        workflow,
      ),
    );
    const task = await inOrg((tx) =>
      tx.tasks.create({
        id: newId(),
        organizationId: org,
        projectId: project.id,
        title: 'Old',
        description: '',
        typeId: null,
        statusId: workflow[0]!.id,
        priority: 'high',
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
    const label = newId();
    const flat = {
      key: 'MIG-1',
      title: 'Old',
      status_id: workflow[0]!.id,
      priority: 'high',
      labels: [label],
    };
    const diffed = { title: { from: null, to: 'New' }, priority: { from: null, to: 'low' } };
    const updated = { title: { from: 'Old', to: 'Older' } };
    const rows = [
      { action: 'created', changes: flat },
      { action: 'created', changes: diffed },
      { action: 'updated', changes: updated },
      { action: 'deleted', changes: {} },
    ].map((row, index) => ({
      id: newId(),
      organizationId: org,
      taskId: task.id,
      actorId: newId(),
      ...row,
      at: new Date(NOW.getTime() + index * 1000),
    }));
    await inOrg((tx) => tx.tasks.history.append(rows));
    const changes = async () =>
      (await inOrg((tx) => tx.tasks.history.list(org, task.id, { limit: 10 })))
        .filter((entry) => rows.some((row) => row.id === entry.id))
        .reverse()
        .map((entry) => entry.changes);

    await migration.up(schemaless);
    expect(await changes()).toEqual([
      {
        key: { from: null, to: 'MIG-1' },
        title: { from: null, to: 'Old' },
        status_id: { from: null, to: workflow[0]!.id },
        priority: { from: null, to: 'high' },
        labels: { from: null, to: [label] },
      },
      diffed,
      updated,
      {},
    ]);

    await migration.down(schemaless);
    expect(await changes()).toEqual([flat, { title: 'New', priority: 'low' }, updated, {}]);
    await migration.up(schemaless);
  });
});
