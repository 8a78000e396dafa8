// Labels as an organization sees them: create, list (A→Z, prefix search, cursor pages), read,
// change and delete, each write audited, over the real repositories.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createLabel } from '../../../../src/application/labels/create-label.js';
import { deleteLabel } from '../../../../src/application/labels/delete-label.js';
import { getLabel } from '../../../../src/application/labels/get-label.js';
import { listLabels } from '../../../../src/application/labels/list-labels.js';
import { updateLabel } from '../../../../src/application/labels/update-label.js';
import { type CreateLabelInput } from '../../../../src/application/labels/label-fields.js';
import { defaultLabelColor } from '../../../../src/domain/labels/label-color.js';
import type { Label } from '../../../../src/domain/labels/label.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser } from '../actors.js';
import { depsOfThisFile } from '../deps.js';
import {
  anOrganization as newOrganization,
  type World,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const anOrganization = (): Promise<World> => newOrganization(deps);

async function accessWithRole(world: World, role: string): Promise<OrganizationAccess> {
  const member = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: world.organizationId,
        userId: member.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: world.organizationId },
  );
  return resolveAccess(deps, member, world.organizationId);
}

const aLabel = (world: World, input: Partial<CreateLabelInput> = {}, by = world.owner) =>
  createLabel(deps, by, { name: `Label ${uniqueTag()}`, ...input });

function auditOf(world: World, action: string) {
  return deps.uow.run((tx) => tx.audit.list(world.organizationId, { action }, { limit: 50 }), {
    organizationId: world.organizationId,
  });
}

const names = (labels: readonly Label[]) => labels.map((label) => label.name);

describe('createLabel', () => {
  it('creates a trimmed label with a lower-cased color, and records label.created', async () => {
    const world = await anOrganization();
    const label = await createLabel(deps, world.owner, {
      name: '  Bug ',
      color: '#E11D48',
      description: ' Something is broken ',
    });
    expect(label).toEqual({
      id: expect.any(String),
      organizationId: world.organizationId,
      name: 'Bug',
      color: '#e11d48',
      description: 'Something is broken',
      createdBy: world.owner.grant.actorId,
      version: 1,
      createdAt: deps.clock.now(),
      updatedAt: deps.clock.now(),
    });
    expect(await auditOf(world, 'label.created')).toEqual([
      expect.objectContaining({
        actorId: world.owner.grant.actorId,
        targetType: 'label',
        targetId: label.id,
        changes: { name: 'Bug', color: '#e11d48', description: 'Something is broken' },
      }),
    ]);
  });

  it('picks the color from the name when none is given, and an empty description', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Feature' });
    expect(label).toMatchObject({ color: defaultLabelColor('Feature'), description: '' });
    const other = await anOrganization();
    expect((await aLabel(other, { name: 'feature' })).color).toBe(label.color);
  });

  it('answers ConflictError for a name taken in the organization, whatever its case', async () => {
    const world = await anOrganization();
    await aLabel(world, { name: 'Urgent' });
    await expect(aLabel(world, { name: ' URGENT ' })).rejects.toBeInstanceOf(ConflictError);
    await expect(aLabel(await anOrganization(), { name: 'Urgent' })).resolves.toBeDefined();
    expect(await auditOf(world, 'label.created')).toHaveLength(1);
  });

  it('reports every invalid field at once', async () => {
    const world = await anOrganization();
    const error = await createLabel(deps, world.owner, {
      name: ' ',
      color: 'red',
      description: 'd'.repeat(201),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual([
      'name',
      'color',
      'description',
    ]);
  });

  it('lets a manager create a label and refuses a member and a viewer, who lack label:manage', async () => {
    const world = await anOrganization();
    const manager = await accessWithRole(world, 'manager');
    await expect(aLabel(world, {}, manager)).resolves.toMatchObject({
      createdBy: manager.grant.actorId,
    });
    for (const role of ['member', 'viewer', 'requester']) {
      await expect(aLabel(world, {}, await accessWithRole(world, role))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
  });
});

describe('listLabels and getLabel', () => {
  it('lists A→Z ignoring case, then by id, in cursor pages', async () => {
    const world = await anOrganization();
    for (const name of ['delta', 'Bravo', 'alpha', 'Charlie', 'echo']) {
      await aLabel(world, { name });
    }
    const reader = await accessWithRole(world, 'viewer');

    const first = await listLabels(deps, reader, { limit: 2 });
    expect(names(first.items)).toEqual(['alpha', 'Bravo']);
    expect(first.next).toEqual({ name: 'Bravo', id: first.items[1]!.id });

    const second = await listLabels(deps, reader, { limit: 2, after: first.next! });
    expect(names(second.items)).toEqual(['Charlie', 'delta']);
    const third = await listLabels(deps, reader, { limit: 2, after: second.next! });
    expect(third).toEqual({ items: [expect.objectContaining({ name: 'echo' })], next: null });
  });

  it('keeps a page boundary where it was when labels are added before it', async () => {
    const world = await anOrganization();
    for (const name of ['b', 'd', 'f']) await aLabel(world, { name });
    const first = await listLabels(deps, world.owner, { limit: 2 });
    await aLabel(world, { name: 'a' });
    await aLabel(world, { name: 'c' });
    const rest = await listLabels(deps, world.owner, { limit: 10, after: first.next! });
    expect(names(rest.items)).toEqual(['f']);
  });

  it('filters by a case-insensitive name prefix, taking % and _ literally', async () => {
    const world = await anOrganization();
    for (const name of ['Bug', 'bugfix', 'Debug', 'Backend', '100%', '100 percent', 'a_b', 'axb']) {
      await aLabel(world, { name });
    }
    const search = async (q: string) =>
      names((await listLabels(deps, world.owner, { limit: 50, q })).items);
    expect(await search('BUG')).toEqual(['Bug', 'bugfix']);
    expect(await search('b')).toEqual(['Backend', 'Bug', 'bugfix']);
    expect(await search('100%')).toEqual(['100%']);
    expect(await search('a_')).toEqual(['a_b']);
    expect(await search('nothing')).toEqual([]);
    expect(await search('')).toHaveLength(8);

    const page = await listLabels(deps, world.owner, { limit: 1, q: 'bu' });
    expect(names(page.items)).toEqual(['Bug']);
    const next = await listLabels(deps, world.owner, { limit: 1, q: 'bu', after: page.next! });
    expect(next).toEqual({ items: [expect.objectContaining({ name: 'bugfix' })], next: null });
  });

  it('shows labels to everyone who reads projects, a requester included', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    for (const role of ['member', 'viewer', 'requester']) {
      const access = await accessWithRole(world, role);
      expect((await listLabels(deps, access, { limit: 10 })).items).toEqual([label]);
      expect(await getLabel(deps, access, label.id)).toEqual(label);
    }
  });

  it('keeps each organization’s labels to itself', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    const other = await anOrganization();
    expect((await listLabels(deps, other.owner, { limit: 10 })).items).toEqual([]);
    await expect(getLabel(deps, other.owner, label.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getLabel(deps, world.owner, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getLabel(deps, world.owner, deps.ids.next())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('updateLabel', () => {
  it('renames, recolors and describes, and records what changed', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Bug', color: '#000000' });
    deps.clock.advance(1000);
    const updated = await updateLabel(deps, world.owner, label.id, {
      name: ' Defect ',
      color: '#FFFFFF',
      description: 'Broken things',
    });
    expect(updated).toEqual({
      ...label,
      name: 'Defect',
      color: '#ffffff',
      description: 'Broken things',
      version: 2,
      updatedAt: deps.clock.now(),
    });
    expect(await getLabel(deps, world.owner, label.id)).toEqual(updated);
    expect(await auditOf(world, 'label.updated')).toEqual([
      expect.objectContaining({
        targetId: label.id,
        changes: {
          name: { from: 'Bug', to: 'Defect' },
          color: { from: '#000000', to: '#ffffff' },
          description: { from: '', to: 'Broken things' },
        },
      }),
    ]);
  });

  it('keeps the color on a rename', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Bug' });
    const renamed = await updateLabel(deps, world.owner, label.id, { name: 'Feature' });
    expect(renamed.color).toBe(label.color);
  });

  it('allows changing only the case of its own name, and refuses another label’s name', async () => {
    const world = await anOrganization();
    const bug = await aLabel(world, { name: 'bug' });
    await aLabel(world, { name: 'Feature' });
    await expect(updateLabel(deps, world.owner, bug.id, { name: 'BUG' })).resolves.toMatchObject({
      name: 'BUG',
    });
    await expect(
      updateLabel(deps, world.owner, bug.id, { name: 'feature' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await getLabel(deps, world.owner, bug.id)).name).toBe('BUG');
  });

  it('writes and records nothing when every value is already the current one', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Bug', color: '#123456' });
    deps.clock.advance(1000);
    const same = await updateLabel(deps, world.owner, label.id, {
      name: ' Bug ',
      color: '#123456',
    });
    expect(same).toEqual(label);
    expect(await auditOf(world, 'label.updated')).toEqual([]);
  });

  it('writes at the expected version; a stale one is a PreconditionFailedError, a no-op included', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Bug' });
    const changed = await updateLabel(deps, world.owner, label.id, {
      description: 'v2',
      expectedVersion: 1,
    });
    expect(changed.version).toBe(2);
    for (const input of [{ description: 'Lost' }, { description: 'v2' }]) {
      await expect(
        updateLabel(deps, world.owner, label.id, { ...input, expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
    }
    expect(await getLabel(deps, world.owner, label.id)).toEqual(changed);
    expect(await auditOf(world, 'label.updated')).toHaveLength(1);
  });

  it('answers ValidationError for nothing to change and for invalid values', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    await expect(updateLabel(deps, world.owner, label.id, {})).rejects.toMatchObject({
      details: [{ field: 'body' }],
    });
    await expect(
      updateLabel(deps, world.owner, label.id, { color: '#12345', name: 'x'.repeat(51) }),
    ).rejects.toMatchObject({ details: [{ field: 'name' }, { field: 'color' }] });
  });

  it('answers NotFoundError to another organization’s owner and ForbiddenError to a member', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    const other = await anOrganization();
    await expect(
      updateLabel(deps, other.owner, label.id, { name: 'Hijacked' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateLabel(deps, await accessWithRole(world, 'member'), label.id, { name: 'Mine' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const manager = await accessWithRole(world, 'manager');
    await expect(
      updateLabel(deps, manager, label.id, { description: 'Managed' }),
    ).resolves.toMatchObject({ description: 'Managed' });
    expect((await getLabel(deps, world.owner, label.id)).name).toBe(label.name);
  });
});

describe('deleteLabel', () => {
  it('deletes the label, records label.deleted with what it was, and frees its name', async () => {
    const world = await anOrganization();
    const label = await aLabel(world, { name: 'Bug', description: 'Broken' });
    await deleteLabel(deps, world.owner, label.id);

    await expect(getLabel(deps, world.owner, label.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(world, 'label.deleted')).toEqual([
      expect.objectContaining({
        actorId: world.owner.grant.actorId,
        targetId: label.id,
        changes: { name: 'Bug', color: label.color, description: 'Broken', tasks: 0 },
      }),
    ]);
    await expect(deleteLabel(deps, world.owner, label.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(aLabel(world, { name: 'bug' })).resolves.toBeDefined();
  });

  it('deletes only at the expected version; a stale one keeps the label and records nothing', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    await updateLabel(deps, world.owner, label.id, { description: 'v2' });
    await expect(deleteLabel(deps, world.owner, label.id, 1)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await getLabel(deps, world.owner, label.id)).toMatchObject({ version: 2 });
    expect(await auditOf(world, 'label.deleted')).toEqual([]);
    await deleteLabel(deps, world.owner, label.id, 2);
    await expect(getLabel(deps, world.owner, label.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers NotFoundError to another organization’s owner and ForbiddenError to a viewer', async () => {
    const world = await anOrganization();
    const label = await aLabel(world);
    const other = await anOrganization();
    await expect(deleteLabel(deps, other.owner, label.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      deleteLabel(deps, await accessWithRole(world, 'viewer'), label.id),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getLabel(deps, world.owner, label.id)).resolves.toEqual(label);
    await deleteLabel(deps, await accessWithRole(world, 'manager'), label.id);
    expect(await auditOf(world, 'label.deleted')).toHaveLength(1);
  });
});
