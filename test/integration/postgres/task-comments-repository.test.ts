// The task comment and watcher repositories against this file's own database (PGlite by default,
// PostgreSQL when TEST_DATABASE_URL is set), as the application role: every call inside its
// organization's unit of work (row-level security).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { defaultWorkflow } from '../../../src/domain/projects/workflow.js';
import type { TaskComment } from '../../../src/domain/tasks/comment.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';
import { insertTasks } from '../../support/task-rows.js';
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

/** An organization with one project and `count` tasks in it. */
async function anOrganizationWithTasks(count = 1): Promise<{ org: string; tasks: string[] }> {
  const org = newId();
  await inOrg(org, (tx) =>
    tx.organizations.create({
      id: org,
      name: 'Acme',
      slug: `org-${uniqueTag()}`,
      timezone: 'UTC',
      now: NOW,
    }),
  );
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
  const tasks = await insertTasks(
    db,
    org,
    Array.from({ length: count }, () => ({ projectId: project.id, statusId: workflow[0]!.id })),
  );
  return { org, tasks };
}

async function aMember(org: string, name = 'Someone'): Promise<string> {
  const user = await postgresRepositories(db).users.create({
    id: newId(),
    email: `person-${uniqueTag()}@example.com`,
    name,
    timezone: 'UTC',
    passwordHash: 'hash',
    now: NOW,
  });
  await inOrg(org, (tx) =>
    tx.memberships.add({
      id: newId(),
      organizationId: org,
      userId: user.id,
      role: 'member',
      now: NOW,
    }),
  );
  return user.id;
}

function aComment(org: string, taskId: string, body: string, now = NOW): Promise<TaskComment> {
  return inOrg(org, (tx) =>
    tx.tasks.comments.create({
      id: newId(),
      organizationId: org,
      taskId,
      authorId: newId(),
      body,
      now,
    }),
  );
}

describe(`task comment repository on ${ENGINE}`, () => {
  it('creates a comment at version 1 and finds it under its task only', async () => {
    const { org, tasks } = await anOrganizationWithTasks(2);
    const [task, other] = tasks as [string, string];
    const authorId = newId();
    const id = newId();
    const created = await inOrg(org, (tx) =>
      tx.tasks.comments.create({
        id,
        organizationId: org,
        taskId: task,
        authorId,
        body: 'Hi',
        now: NOW,
      }),
    );
    expect(created).toEqual({
      id,
      organizationId: org,
      taskId: task,
      authorId,
      body: 'Hi',
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await inOrg(org, async (tx) => {
      expect(await tx.tasks.comments.find(org, task, id)).toEqual(created);
      expect(await tx.tasks.comments.find(org, task, id, { forUpdate: true })).toEqual(created);
      expect(await tx.tasks.comments.find(org, other, id)).toBeUndefined();
      expect(await tx.tasks.comments.find(org, task, 'not-a-uuid')).toBeUndefined();
    });
  });

  it('lists oldest first, ties by id, after a (created_at, id) cursor', async () => {
    const { org, tasks } = await anOrganizationWithTasks(2);
    const [task, other] = tasks as [string, string];
    const late = await aComment(org, task, 'late', at(2000));
    const early = await aComment(org, task, 'early', at(0));
    const tieA = await aComment(org, task, 'tie a', at(1000));
    const tieB = await aComment(org, task, 'tie b', at(1000));
    await aComment(org, other, 'elsewhere', at(500));
    const [first, second] = [tieA, tieB].sort((a, b) => (a.id < b.id ? -1 : 1)) as [
      TaskComment,
      TaskComment,
    ];

    await inOrg(org, async (tx) => {
      const all = await tx.tasks.comments.list(org, task, { limit: 10 });
      expect(all.map((c) => c.id)).toEqual([early.id, first.id, second.id, late.id]);
      const after = await tx.tasks.comments.list(org, task, {
        limit: 10,
        after: { createdAt: first.createdAt, id: first.id },
      });
      expect(after.map((c) => c.id)).toEqual([second.id, late.id]);
      expect((await tx.tasks.comments.list(org, task, { limit: 1 })).map((c) => c.id)).toEqual([
        early.id,
      ]);
    });
  });

  it('updates the body with a new version and time, and deletes', async () => {
    const { org, tasks } = await anOrganizationWithTasks();
    const task = tasks[0]!;
    const written = await aComment(org, task, 'Frist');
    const updated = await inOrg(org, (tx) =>
      tx.tasks.comments.update(org, written.id, 'First', at(60_000)),
    );
    expect(updated).toEqual({ ...written, body: 'First', version: 2, updatedAt: at(60_000) });
    await inOrg(org, async (tx) => {
      expect(await tx.tasks.comments.delete(org, written.id)).toBe(true);
      expect(await tx.tasks.comments.delete(org, written.id)).toBe(false);
      expect(await tx.tasks.comments.delete(org, 'not-a-uuid')).toBe(false);
      expect(await tx.tasks.comments.list(org, task, { limit: 10 })).toEqual([]);
    });
  });

  it('keeps organizations apart: another organization’s unit of work sees no comment', async () => {
    const a = await anOrganizationWithTasks();
    const b = await anOrganizationWithTasks();
    const written = await aComment(a.org, a.tasks[0]!, 'Secret');
    await inOrg(b.org, async (tx) => {
      expect(await tx.tasks.comments.find(a.org, a.tasks[0]!, written.id)).toBeUndefined();
      expect(await tx.tasks.comments.list(a.org, a.tasks[0]!, { limit: 10 })).toEqual([]);
      expect(await tx.tasks.comments.delete(a.org, written.id)).toBe(false);
    });
    await inOrg(a.org, async (tx) => {
      expect(await tx.tasks.comments.find(a.org, a.tasks[0]!, written.id)).toEqual(written);
    });
  });

  it('refuses a body the table’s rule refuses (empty or over 20000 characters)', async () => {
    const { org, tasks } = await anOrganizationWithTasks();
    await expect(aComment(org, tasks[0]!, '')).rejects.toThrow();
    await expect(aComment(org, tasks[0]!, 'x'.repeat(20_001))).rejects.toThrow();
    await expect(aComment(org, tasks[0]!, '🐞'.repeat(20_000))).resolves.toMatchObject({
      body: '🐞'.repeat(20_000),
    });
  });
});

describe(`task watcher repository on ${ENGINE}`, () => {
  it('adds once (then reports it already watched), finds, lists with names, removes', async () => {
    const { org, tasks } = await anOrganizationWithTasks(2);
    const [task, other] = tasks as [string, string];
    const ada = await aMember(org, 'Ada');
    const bob = await aMember(org, 'Bob');

    await inOrg(org, async (tx) => {
      expect(await tx.tasks.watchers.add(org, task, ada, at(0))).toBe(true);
      expect(await tx.tasks.watchers.add(org, task, ada, at(5000))).toBe(false);
      expect(await tx.tasks.watchers.add(org, task, bob, at(1000))).toBe(true);
      expect(await tx.tasks.watchers.add(org, other, bob, at(0))).toBe(true);
    });
    await inOrg(org, async (tx) => {
      expect(await tx.tasks.watchers.find(org, task, ada)).toEqual({
        taskId: task,
        userId: ada,
        name: 'Ada',
        addedAt: at(0),
      });
      expect(await tx.tasks.watchers.find(org, task, 'not-a-uuid')).toBeUndefined();
      const list = await tx.tasks.watchers.list(org, task, { limit: 10 });
      expect(list.map((w) => [w.name, w.addedAt])).toEqual([
        ['Ada', at(0)],
        ['Bob', at(1000)],
      ]);
      const after = await tx.tasks.watchers.list(org, task, {
        limit: 10,
        after: { addedAt: at(0), userId: ada },
      });
      expect(after.map((w) => w.userId)).toEqual([bob]);
      expect(await tx.tasks.watchers.userIds(org, task)).toEqual([ada, bob]);

      expect(await tx.tasks.watchers.remove(org, task, ada)).toBe(true);
      expect(await tx.tasks.watchers.remove(org, task, ada)).toBe(false);
      expect(await tx.tasks.watchers.remove(org, task, 'not-a-uuid')).toBe(false);
      expect(await tx.tasks.watchers.userIds(org, task)).toEqual([bob]);
      expect(await tx.tasks.watchers.userIds(org, other)).toEqual([bob]);
    });
  });

  it('lists only current members, while userIds and remove still see a former member’s row', async () => {
    const { org, tasks } = await anOrganizationWithTasks();
    const task = tasks[0]!;
    const stays = await aMember(org);
    const leaves = await aMember(org);
    await inOrg(org, async (tx) => {
      await tx.tasks.watchers.add(org, task, stays, at(0));
      await tx.tasks.watchers.add(org, task, leaves, at(1));
      await tx.memberships.remove(org, leaves);
    });
    await inOrg(org, async (tx) => {
      expect((await tx.tasks.watchers.list(org, task, { limit: 10 })).map((w) => w.userId)).toEqual(
        [stays],
      );
      expect(await tx.tasks.watchers.find(org, task, leaves)).toBeUndefined();
      expect(await tx.tasks.watchers.userIds(org, task)).toEqual([stays, leaves]);
      expect(await tx.tasks.watchers.remove(org, task, leaves)).toBe(true);
    });
  });

  it('keeps organizations apart', async () => {
    const a = await anOrganizationWithTasks();
    const b = await anOrganizationWithTasks();
    const member = await aMember(a.org);
    await inOrg(a.org, (tx) => tx.tasks.watchers.add(a.org, a.tasks[0]!, member, NOW));
    await inOrg(b.org, async (tx) => {
      expect(await tx.tasks.watchers.list(a.org, a.tasks[0]!, { limit: 10 })).toEqual([]);
      expect(await tx.tasks.watchers.userIds(a.org, a.tasks[0]!)).toEqual([]);
      expect(await tx.tasks.watchers.remove(a.org, a.tasks[0]!, member)).toBe(false);
    });
    await inOrg(a.org, async (tx) => {
      expect(await tx.tasks.watchers.userIds(a.org, a.tasks[0]!)).toEqual([member]);
    });
  });
});
