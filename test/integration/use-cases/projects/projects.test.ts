// Projects as an organization sees them: create with the default workflow, read by id or key,
// list in pages, change with versions, delete and restore; each write audited.
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../../src/application/projects/create-project.js';
import { deleteProject } from '../../../../src/application/projects/delete-project.js';
import { getProject } from '../../../../src/application/projects/get-project.js';
import { listProjects } from '../../../../src/application/projects/list-projects.js';
import { restoreProject } from '../../../../src/application/projects/restore-project.js';
import { updateProject } from '../../../../src/application/projects/update-project.js';
import { getWorkflow } from '../../../../src/application/projects/get-workflow.js';
import { listTaskTypes } from '../../../../src/application/projects/list-task-types.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  aKey,
  anOrganization,
  apiKeyAccess,
  aProject,
  auditOf,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const ZERO = { todo: 0, inProgress: 0, done: 0, total: 0, percentDone: 0 };

/** How many task types the organization has, every project counted, deleted ones too. */
async function taskTypeRows(organizationId: string): Promise<number> {
  const rows = await deps.uow.run(
    async (tx) => {
      let count = 0;
      for (const project of await tx.projects.list(organizationId, {
        sort: 'name',
        limit: 100,
        includeDeleted: true,
      })) {
        count += (await tx.projects.taskTypes.list(organizationId, project.id)).length;
      }
      return count;
    },
    { organizationId },
  );
  return rows;
}

describe('createProject', () => {
  it('creates the project with zero progress, the default workflow and task types, and records project.created', async () => {
    const world = await anOrganization(deps);
    const key = aKey();
    const project = await createProject(deps, world.owner, {
      name: '  Release ',
      key,
      description: ' Ships ',
      publicLookup: true,
    });
    expect(project).toMatchObject({
      organizationId: world.organizationId,
      key,
      name: 'Release',
      description: 'Ships',
      publicLookup: true,
      createdBy: world.owner.grant.actorId,
      version: 1,
      deletedAt: null,
      progress: ZERO,
    });
    const workflow = await getWorkflow(deps, world.owner, project.id);
    expect(workflow.map((s) => [s.name, s.category, s.position])).toEqual([
      ['To Do', 'todo', 0],
      ['In Progress', 'in_progress', 1],
      ['In Review', 'in_progress', 2],
      ['Done', 'done', 3],
    ]);
    const types = await listTaskTypes(deps, world.owner, project.id);
    expect(types.map(({ projectId, name, version }) => ({ projectId, name, version }))).toEqual(
      ['Bug', 'Task', 'Story'].map((name) => ({ projectId: project.id, name, version: 1 })),
    );
    expect(await auditOf(deps, world, 'project.created')).toEqual([
      expect.objectContaining({
        actorId: world.owner.grant.actorId,
        targetType: 'project',
        targetId: project.id,
        changes: {
          key,
          name: 'Release',
          description: 'Ships',
          public_lookup: true,
          statuses: ['To Do', 'In Progress', 'In Review', 'Done'],
          task_types: ['Bug', 'Task', 'Story'],
        },
      }),
    ]);
  });

  it('lets a manager and a manager API key create; the key is recorded as the creator', async () => {
    const world = await anOrganization(deps);
    await expect(
      aProject(deps, world, {}, await accessWithRole(deps, world, 'manager')),
    ).resolves.toBeDefined();
    const key = await apiKeyAccess(deps, world, 'manager');
    const project = await aProject(deps, world, {}, key);
    expect(project.createdBy).toBe(key.grant.actorId);
  });

  it.each(['member', 'viewer', 'requester'])(
    'refuses a %s, who lacks project:create, and writes nothing',
    async (role) => {
      const world = await anOrganization(deps);
      const access = await accessWithRole(deps, world, role);
      await expect(aProject(deps, world, {}, access)).rejects.toBeInstanceOf(ForbiddenError);
      expect(await auditOf(deps, world, 'project.created')).toEqual([]);
      expect(await taskTypeRows(world.organizationId)).toEqual(0);
    },
  );

  it.each([
    ['a lower-case key', { key: 're' }, 'key'],
    ['a one-letter key', { key: 'R' }, 'key'],
    ['a key with a digit', { key: 'R2' }, 'key'],
    ['an empty name', { name: ' ' }, 'name'],
    ['a description over 5000 characters', { description: 'x'.repeat(5001) }, 'description'],
  ])('refuses %s with a ValidationError on %s', async (_label, fields, field) => {
    const world = await anOrganization(deps);
    const error = await aProject(deps, world, fields).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ details: [{ field }] });
  });

  it('refuses a key taken in the organization, by a deleted project too, and writes nothing', async () => {
    const world = await anOrganization(deps);
    const other = await anOrganization(deps);
    const live = await aProject(deps, world);
    const gone = await aProject(deps, world);
    await deleteProject(deps, world.owner, gone.id);
    for (const key of [live.key, gone.key]) {
      await expect(aProject(deps, world, { key })).rejects.toBeInstanceOf(ConflictError);
    }
    expect(await auditOf(deps, world, 'project.created')).toHaveLength(2);
    // The refused creations left no task types behind: three for each project made.
    expect(await taskTypeRows(world.organizationId)).toEqual(6);
    await expect(aProject(deps, other, { key: live.key })).resolves.toBeDefined();
  });
});

describe('getProject', () => {
  it('reads a project by id or key; another organization finds neither', async () => {
    const world = await anOrganization(deps);
    const stranger = await anOrganization(deps);
    const project = await aProject(deps, world);
    expect(await getProject(deps, world.owner, project.id)).toEqual(project);
    expect(await getProject(deps, world.owner, project.key)).toEqual(project);
    const viewer = await accessWithRole(deps, world, 'viewer');
    expect(await getProject(deps, viewer, project.key)).toEqual(project);
    for (const ref of [project.id, project.key]) {
      await expect(getProject(deps, stranger.owner, ref)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe('listProjects', () => {
  it('pages newest first by default and by name on request', async () => {
    const world = await anOrganization(deps);
    const made = [];
    for (const name of ['charlie', 'Alpha', 'bravo']) {
      made.push(await aProject(deps, world, { name }));
      deps.clock.advance(1000);
    }
    const first = await listProjects(deps, world.owner, { limit: 2, sort: '-created_at' });
    expect(first.items.map((p) => p.name)).toEqual(['bravo', 'Alpha']);
    expect(first.nextCursor).not.toBeNull();
    const second = await listProjects(deps, world.owner, {
      limit: 2,
      sort: '-created_at',
      after: first.nextCursor!,
    });
    expect(second.items.map((p) => p.name)).toEqual(['charlie']);
    expect(second.nextCursor).toBeNull();

    const byName = await listProjects(deps, world.owner, { limit: 10, sort: 'name' });
    expect(byName.items.map((p) => p.name)).toEqual(['Alpha', 'bravo', 'charlie']);
    await expect(
      listProjects(deps, world.owner, { limit: 2, sort: 'name', after: first.nextCursor! }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists deleted projects only for those who may restore them', async () => {
    const world = await anOrganization(deps);
    const gone = await aProject(deps, world);
    await deleteProject(deps, world.owner, gone.id);
    const list = (access = world.owner) =>
      listProjects(deps, access, { limit: 10, sort: 'name', includeDeleted: true });
    expect((await list()).items.map((p) => p.id)).toEqual([gone.id]);
    expect((await listProjects(deps, world.owner, { limit: 10, sort: 'name' })).items).toEqual([]);
    const member = await accessWithRole(deps, world, 'member');
    await expect(list(member)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(list(await accessWithRole(deps, world, 'manager'))).resolves.toBeDefined();
  });
});

describe('updateProject', () => {
  it('changes name, description and public lookup with the version, recording from/to', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world, { name: 'Before' });
    const updated = await updateProject(deps, world.owner, project.key, {
      name: ' After ',
      publicLookup: true,
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({ name: 'After', publicLookup: true, version: 2 });
    expect(await auditOf(deps, world, 'project.updated')).toEqual([
      expect.objectContaining({
        targetId: project.id,
        changes: {
          name: { from: 'Before', to: 'After' },
          public_lookup: { from: false, to: true },
        },
      }),
    ]);
  });

  it('answers PreconditionFailedError for a stale version and changes nothing', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    await updateProject(deps, world.owner, project.id, { name: 'One' });
    await expect(
      updateProject(deps, world.owner, project.id, { name: 'Two', expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await getProject(deps, world.owner, project.id)).toMatchObject({
      name: 'One',
      version: 2,
    });
    expect(await auditOf(deps, world, 'project.updated')).toHaveLength(1);
  });

  it('refuses an empty change, a viewer and a member, and a deleted project', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    await expect(updateProject(deps, world.owner, project.id, {})).rejects.toBeInstanceOf(
      ValidationError,
    );
    for (const role of ['viewer', 'member']) {
      const access = await accessWithRole(deps, world, role);
      await expect(updateProject(deps, access, project.id, { name: 'X' })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    await deleteProject(deps, world.owner, project.id);
    await expect(
      updateProject(deps, world.owner, project.id, { name: 'X' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleteProject and restoreProject', () => {
  it('soft-deletes (then 404), restores by key with its workflow, and records both', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const workflow = await getWorkflow(deps, world.owner, project.id);
    await expect(deleteProject(deps, world.owner, project.id, 9)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await deleteProject(deps, world.owner, project.id, 1);
    await expect(getProject(deps, world.owner, project.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProject(deps, world.owner, project.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );

    const restored = await restoreProject(deps, world.owner, project.key, 2);
    expect(restored).toMatchObject({ id: project.id, deletedAt: null, version: 3 });
    expect(await getWorkflow(deps, world.owner, project.key)).toEqual(workflow);
    for (const action of ['project.deleted', 'project.restored']) {
      expect(await auditOf(deps, world, action)).toEqual([
        expect.objectContaining({
          targetId: project.id,
          changes: { key: project.key, name: 'Release' },
        }),
      ]);
    }
  });

  it('answers ConflictError to restoring a live project, NotFoundError to an unknown one', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    await expect(restoreProject(deps, world.owner, project.id)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(restoreProject(deps, world.owner, 'NOPE')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a member both ways (no project:delete)', async () => {
    const world = await anOrganization(deps);
    const project = await aProject(deps, world);
    const member = await accessWithRole(deps, world, 'member');
    await expect(deleteProject(deps, member, project.id)).rejects.toBeInstanceOf(ForbiddenError);
    await deleteProject(deps, world.owner, project.id);
    await expect(restoreProject(deps, member, project.id)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
