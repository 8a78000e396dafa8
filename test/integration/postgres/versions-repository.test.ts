// Row versions at the SQL edge for memberships, labels, task types and users (PGlite by default,
// PostgreSQL when TEST_DATABASE_URL is set), every tenant call inside its organization's unit of
// work (RLS): a write bumps the version; with an expected version it matches the row only at that
// version, so a miss is a PreconditionFailedError and changes nothing, a row that is gone is
// undefined; two writers that expect the same version cannot both write. Also: a project is
// created with the task types it is given, in their order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { defaultWorkflow } from '../../../src/domain/projects/workflow.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
} from '../../../src/domain/shared/errors.js';
import { aKey, aUserIn, repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

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

const { inOrg, anOrganization, aProject } = repositoryBuilders(() => uow, NOW);

/** Settles both, in any order: the statuses' outcomes. */
async function race<T>(writes: [Promise<T>, Promise<T>]) {
  const results = await Promise.allSettled(writes);
  return results.map((result) =>
    result.status === 'fulfilled'
      ? 'written'
      : result.reason instanceof PreconditionFailedError
        ? 'stale'
        : result.reason,
  );
}

describe(`membership versions on ${ENGINE}`, () => {
  async function aMember(org: string) {
    const user = await aUserIn(db, NOW);
    return inOrg(org, (tx) =>
      tx.memberships.add({
        id: newId(),
        organizationId: org,
        userId: user.id,
        role: 'member',
        now: NOW,
      }),
    );
  }

  it('starts at 1; a role change bumps it, with or without the expected version', async () => {
    const org = await anOrganization();
    const member = await aMember(org);
    expect(member.version).toBe(1);
    const changed = await inOrg(org, (tx) =>
      tx.memberships.updateRole(org, member.userId, 'manager', 1),
    );
    expect(changed).toEqual({ ...member, role: 'manager', version: 2 });
    const again = await inOrg(org, (tx) => tx.memberships.updateRole(org, member.userId, 'viewer'));
    expect(again).toMatchObject({ role: 'viewer', version: 3 });
    expect(await inOrg(org, (tx) => tx.memberships.findView(org, member.userId))).toMatchObject({
      role: 'viewer',
      version: 3,
    });
  });

  it('answers PreconditionFailedError for a stale version and changes nothing; undefined when gone', async () => {
    const org = await anOrganization();
    const member = await aMember(org);
    await expect(
      inOrg(org, (tx) => tx.memberships.updateRole(org, member.userId, 'admin', 2)),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await inOrg(org, (tx) => tx.memberships.find(org, member.userId))).toEqual(member);
    const stranger = (await aUserIn(db, NOW)).id;
    for (const expected of [undefined, 1]) {
      expect(
        await inOrg(org, (tx) => tx.memberships.updateRole(org, stranger, 'admin', expected)),
      ).toBeUndefined();
    }
  });

  it('lets one of two transactions expecting the same version change the role', async () => {
    const org = await anOrganization();
    const member = await aMember(org);
    const change = (role: string) =>
      inOrg(org, (tx) => tx.memberships.updateRole(org, member.userId, role, 1));
    expect((await race([change('manager'), change('viewer')])).sort()).toEqual([
      'stale',
      'written',
    ]);
    expect(await inOrg(org, (tx) => tx.memberships.find(org, member.userId))).toMatchObject({
      version: 2,
    });
  });
});

describe(`label versions on ${ENGINE}`, () => {
  function aLabel(org: string) {
    return inOrg(org, (tx) =>
      tx.labels.create({
        id: newId(),
        organizationId: org,
        name: `Label ${uniqueTag()}`,
        color: '#112233',
        description: '',
        createdBy: newId(),
        now: NOW,
      }),
    );
  }

  it('starts at 1; a change bumps it, with or without the expected version', async () => {
    const org = await anOrganization();
    const label = await aLabel(org);
    expect(label.version).toBe(1);
    const changed = await inOrg(org, (tx) =>
      tx.labels.update(org, label.id, { description: 'First' }, at(1000), 1),
    );
    expect(changed).toEqual({ ...label, description: 'First', version: 2, updatedAt: at(1000) });
    const again = await inOrg(org, (tx) =>
      tx.labels.update(org, label.id, { color: '#445566' }, at(2000)),
    );
    expect(again).toMatchObject({ color: '#445566', version: 3 });
    expect(await inOrg(org, (tx) => tx.labels.find(org, label.id))).toEqual(again);
  });

  it('answers PreconditionFailedError for a stale version (a name clash included) and changes nothing', async () => {
    const org = await anOrganization();
    const label = await aLabel(org);
    const other = await aLabel(org);
    const update = (changes: { name?: string; description?: string }, expected?: number) =>
      inOrg(org, (tx) => tx.labels.update(org, label.id, changes, at(1000), expected));
    await expect(update({ description: 'Lost' }, 2)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    // The version decides first: a stale write is never judged on its name.
    await expect(update({ name: other.name }, 2)).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(update({ name: other.name }, 1)).rejects.toBeInstanceOf(ConflictError);
    expect(await inOrg(org, (tx) => tx.labels.find(org, label.id))).toEqual(label);
    for (const expected of [undefined, 1]) {
      expect(
        await inOrg(org, (tx) =>
          tx.labels.update(org, newId(), { description: 'x' }, NOW, expected),
        ),
      ).toBeUndefined();
    }
  });

  it('deletes only at the expected version; a stale one throws and keeps the label', async () => {
    const org = await anOrganization();
    const label = await aLabel(org);
    await inOrg(org, (tx) => tx.labels.update(org, label.id, { description: 'v2' }, at(1000)));
    await expect(inOrg(org, (tx) => tx.labels.delete(org, label.id, 1))).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await inOrg(org, (tx) => tx.labels.find(org, label.id))).toMatchObject({ version: 2 });
    expect(await inOrg(org, (tx) => tx.labels.delete(org, label.id, 2))).toMatchObject({
      id: label.id,
      version: 2,
    });
    for (const expected of [undefined, 2]) {
      expect(await inOrg(org, (tx) => tx.labels.delete(org, label.id, expected))).toBeUndefined();
    }
  });

  it('lets one of two transactions expecting the same version write', async () => {
    const org = await anOrganization();
    const label = await aLabel(org);
    const change = (description: string) =>
      inOrg(org, (tx) => tx.labels.update(org, label.id, { description }, at(1000), 1));
    expect((await race([change('A'), change('B')])).sort()).toEqual(['stale', 'written']);
    expect(await inOrg(org, (tx) => tx.labels.find(org, label.id))).toMatchObject({ version: 2 });
  });
});

describe(`task types on ${ENGINE}`, () => {
  it('are written with the project when it is given them, in their order, at version 1', async () => {
    const org = await anOrganization();
    const types = ['Bug', 'Task', 'Story'].map((name) => ({ id: newId(), name }));
    const project = await inOrg(org, (tx) =>
      tx.projects.create(
        {
          id: newId(),
          organizationId: org,
          key: aKey(),
          name: 'Seeded',
          description: '',
          publicLookup: false,
          createdBy: newId(),
          now: NOW,
        },
        defaultWorkflow(newId),
        types,
      ),
    );
    expect(await inOrg(org, (tx) => tx.projects.taskTypes.list(org, project.id))).toEqual(
      types.map(({ id, name }) => ({
        id,
        projectId: project.id,
        name,
        version: 1,
        createdAt: NOW,
      })),
    );
    // Without types, none.
    const bare = await aProject(org);
    expect(await inOrg(org, (tx) => tx.projects.taskTypes.list(org, bare.id))).toEqual([]);
  });

  it('renames with a version bump; a stale version throws; another type’s name is taken', async () => {
    const org = await anOrganization();
    const project = await aProject(org);
    const create = (tx: Repositories, name: string) =>
      tx.projects.taskTypes.create({
        id: newId(),
        organizationId: org,
        projectId: project.id,
        name,
        now: NOW,
      });
    const [bug, task] = await inOrg(org, async (tx) => [
      await create(tx, 'Bug'),
      await create(tx, 'Task'),
    ]);
    const rename = (name: string, expected?: number, projectId = project.id) =>
      inOrg(org, (tx) => tx.projects.taskTypes.rename(org, projectId, bug.id, name, expected));
    expect(await rename('Defect', 1)).toEqual({ ...bug, name: 'Defect', version: 2 });
    expect(await rename('DEFECT')).toMatchObject({ name: 'DEFECT', version: 3 });
    await expect(rename('Lost', 1)).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(rename('task', 3)).rejects.toBeInstanceOf(ConflictError);
    expect(await rename('Elsewhere', undefined, (await aProject(org)).id)).toBeUndefined();
    expect(await inOrg(org, (tx) => tx.projects.taskTypes.list(org, project.id))).toEqual([
      { ...bug, name: 'DEFECT', version: 3 },
      task,
    ]);
  });
});

describe(`user versions on ${ENGINE}`, () => {
  const repos = () => postgresRepositories(db);

  it('updates at the expected version and bumps it; a stale one throws and changes nothing', async () => {
    const user = await aUserIn(db, NOW);
    const renamed = await repos().users.update(user.id, { name: 'First' }, at(1000), 1);
    expect(renamed).toMatchObject({ name: 'First', version: 2, updatedAt: at(1000) });
    await expect(
      repos().users.update(user.id, { name: 'Lost' }, at(2000), 1),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await repos().users.findById(user.id)).toEqual(renamed);
    await expect(
      repos().users.update(newId(), { name: 'Nobody' }, at(2000), 1),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      repos().users.update(newId(), { name: 'Nobody' }, at(2000)),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets one of two transactions expecting the same version write', async () => {
    const user = await aUserIn(db, NOW);
    const change = (name: string) =>
      uow.run((tx) => tx.users.update(user.id, { name }, at(1000), 1));
    expect((await race([change('A'), change('B')])).sort()).toEqual(['stale', 'written']);
    expect(await repos().users.findById(user.id)).toMatchObject({ version: 2 });
  });
});
