// Roles as an organization's admins see them: the built-in matrix, read-only, and custom roles
// that may grant only what their maker holds and that take effect on their holders' next request.
import { describe, expect, it } from 'vitest';
import { createRole } from '../../../../src/application/access/create-role.js';
import { deleteRole } from '../../../../src/application/access/delete-role.js';
import { getRole } from '../../../../src/application/access/get-role.js';
import { listRoles } from '../../../../src/application/access/list-roles.js';
import { updateRole } from '../../../../src/application/access/update-role.js';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import {
  BUILT_IN_ROLES,
  ROLE_PERMISSIONS,
  type Permission,
} from '../../../../src/domain/access/permissions.js';
import type { UserPrincipal } from '../../../../src/domain/identity/principal.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser, rejectionOf } from '../actors.js';
import { depsOfThisFile } from '../deps.js';
import {
  anOrganization as newOrganization,
  type World,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

/** A new organization and its owner's access. */
const anOrganization = (): Promise<World> => newOrganization(deps);

/** Someone holding `role` (built-in name or custom role id) in the organization. */
async function aMember(world: World, role: string): Promise<UserPrincipal> {
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
  return member;
}

const accessOf = (world: World, principal: UserPrincipal) =>
  resolveAccess(deps, principal, world.organizationId);

async function accessWithRole(world: World, role: string): Promise<OrganizationAccess> {
  return accessOf(world, await aMember(world, role));
}

function aCustomRole(
  world: World,
  fields: { name?: string; permissions?: Permission[]; by?: OrganizationAccess } = {},
) {
  return createRole(deps, fields.by ?? world.owner, {
    name: fields.name ?? `Role ${uniqueTag()}`,
    permissions: fields.permissions ?? ['member:read', 'team:read'],
  });
}

function auditOf(world: World, action: string) {
  return deps.uow.run((tx) => tx.audit.list(world.organizationId, { action }, { limit: 10 }), {
    organizationId: world.organizationId,
  });
}

describe('listRoles and getRole', () => {
  it('lists every built-in role with its permissions from the matrix, then the custom roles', async () => {
    const world = await anOrganization();
    const first = await aCustomRole(world);
    const second = await aCustomRole(world);

    const roles = await listRoles(deps, world.owner);

    expect(roles.slice(0, BUILT_IN_ROLES.length)).toEqual(
      BUILT_IN_ROLES.map((name) => ({
        builtIn: true,
        name,
        permissions: ROLE_PERMISSIONS[name],
      })),
    );
    expect(roles.slice(BUILT_IN_ROLES.length)).toEqual([first, second]);
  });

  it('lets a viewer read roles and refuses a requester, who lacks role:read', async () => {
    const world = await anOrganization();
    await expect(listRoles(deps, await accessWithRole(world, 'viewer'))).resolves.toHaveLength(
      BUILT_IN_ROLES.length,
    );
    await expect(listRoles(deps, await accessWithRole(world, 'requester'))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('reads a built-in role by name and a custom role by id', async () => {
    const world = await anOrganization();
    const custom = await aCustomRole(world);
    expect(await getRole(deps, world.owner, 'manager')).toEqual({
      builtIn: true,
      name: 'manager',
      permissions: ROLE_PERMISSIONS.manager,
    });
    expect(await getRole(deps, world.owner, custom.id)).toEqual(custom);
  });

  it.each([
    ['an unknown id', () => deps.ids.next()],
    ['a name that is no role', () => 'superuser'],
  ])('answers NotFoundError for %s', async (_label, id) => {
    const world = await anOrganization();
    await expect(getRole(deps, world.owner, id())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers NotFoundError for a custom role of another organization', async () => {
    const other = await anOrganization();
    const foreign = await aCustomRole(other);
    const world = await anOrganization();
    await expect(getRole(deps, world.owner, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('createRole', () => {
  it('creates a custom role at version 1, trimmed, permissions deduplicated in matrix order', async () => {
    const world = await anOrganization();
    const role = await createRole(deps, world.owner, {
      name: '  Auditor ',
      description: ' Reads the trail ',
      permissions: ['audit:read', 'member:read', 'audit:read'],
    });
    expect(role).toMatchObject({
      builtIn: false,
      organizationId: world.organizationId,
      name: 'Auditor',
      description: 'Reads the trail',
      permissions: ['member:read', 'audit:read'],
      version: 1,
      createdAt: deps.clock.now(),
    });
  });

  it('records role.created in the audit log with the actor and what was created', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world, { name: 'Auditor', permissions: ['audit:read'] });
    expect(await auditOf(world, 'role.created')).toEqual([
      expect.objectContaining({
        actorId: world.owner.grant.actorId,
        targetType: 'role',
        targetId: role.id,
        changes: { name: 'Auditor', description: '', permissions: ['audit:read'] },
      }),
    ]);
  });

  it('names each unknown permission by its index', async () => {
    const world = await anOrganization();
    const error = await rejectionOf(
      createRole(deps, world.owner, {
        name: 'Broken',
        permissions: ['member:read', 'member:fly', 'root'],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual([
      'permissions.1',
      'permissions.2',
    ]);
  });

  it.each([
    ['a built-in role name', 'admin'],
    ['a built-in role name in another case', ' Owner '],
    ['an empty name', '   '],
    ['a name over 64 characters', 'x'.repeat(65)],
  ])('refuses %s with a ValidationError on name', async (_label, name) => {
    const world = await anOrganization();
    const attempt = createRole(deps, world.owner, { name, permissions: [] });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field: 'name' }] });
  });

  it('answers ConflictError for a name taken in the organization, whatever its case', async () => {
    const world = await anOrganization();
    await aCustomRole(world, { name: 'Auditor' });
    await expect(aCustomRole(world, { name: 'auditor' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a role granting a permission the caller does not hold (an admin and organization:delete)', async () => {
    const world = await anOrganization();
    const admin = await accessWithRole(world, 'admin');
    await expect(
      aCustomRole(world, { by: admin, permissions: ['member:read', 'organization:delete'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      aCustomRole(world, { by: admin, permissions: ['audit:read'] }),
    ).resolves.toBeDefined();
  });

  it('lets a custom role with role:manage create roles only within its own permissions', async () => {
    const world = await anOrganization();
    const curator = await aCustomRole(world, {
      permissions: ['role:read', 'role:manage', 'member:read'],
    });
    const access = await accessWithRole(world, curator.id);
    await expect(
      aCustomRole(world, { by: access, permissions: ['member:read'] }),
    ).resolves.toBeDefined();
    await expect(
      aCustomRole(world, { by: access, permissions: ['member:read', 'member:manage'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('answers ForbiddenError to a manager, who lacks role:manage', async () => {
    const world = await anOrganization();
    await expect(
      aCustomRole(world, { by: await accessWithRole(world, 'manager'), permissions: [] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('updateRole', () => {
  it('changes name, description and permissions, bumps the version and records what changed', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world, { permissions: ['member:read', 'team:read'] });
    deps.clock.advance(1000);
    const updated = await updateRole(deps, world.owner, role.id, {
      name: 'Team lead',
      description: 'Runs teams',
      permissions: ['team:read', 'team:manage'],
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({
      name: 'Team lead',
      description: 'Runs teams',
      permissions: ['team:read', 'team:manage'],
      version: 2,
      updatedAt: deps.clock.now(),
    });
    const [entry] = await auditOf(world, 'role.updated');
    expect(entry?.changes).toEqual({
      name: { from: role.name, to: 'Team lead' },
      description: { from: '', to: 'Runs teams' },
      permissions: {
        from: ['member:read', 'team:read'],
        to: ['team:read', 'team:manage'],
        added: ['team:manage'],
        removed: ['member:read'],
      },
    });
  });

  it('judges a holder by the new permissions on their very next access (the cached grant is forgotten)', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world, { permissions: ['team:read', 'team:manage'] });
    const holder = await aMember(world, role.id);
    expect((await accessOf(world, holder)).grant.permissions.has('team:manage')).toBe(true);

    await updateRole(deps, world.owner, role.id, { permissions: ['team:read'] });

    const next = await accessOf(world, holder);
    expect([...next.grant.permissions]).toEqual(['team:read']);
  });

  it('answers PreconditionFailedError for a stale version and keeps the newer data', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await updateRole(deps, world.owner, role.id, { description: 'First', expectedVersion: 1 });
    await expect(
      updateRole(deps, world.owner, role.id, { description: 'Lost', expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await getRole(deps, world.owner, role.id)).toMatchObject({
      description: 'First',
      version: 2,
    });
  });

  it.each(BUILT_IN_ROLES)(
    'refuses to change the built-in role %s (ConflictError)',
    async (name) => {
      const world = await anOrganization();
      await expect(
        updateRole(deps, world.owner, name, { description: 'Mine now' }),
      ).rejects.toBeInstanceOf(ConflictError);
    },
  );

  it('answers NotFoundError for an unknown role and for another organization’s role', async () => {
    const world = await anOrganization();
    const foreign = await aCustomRole(await anOrganization());
    for (const id of [deps.ids.next(), foreign.id]) {
      await expect(updateRole(deps, world.owner, id, { description: 'x' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
  });

  it('refuses to grant through an update what the caller does not hold', async () => {
    const world = await anOrganization();
    const admin = await accessWithRole(world, 'admin');
    const role = await aCustomRole(world, { by: admin, permissions: ['audit:read'] });
    await expect(
      updateRole(deps, admin, role.id, { permissions: ['audit:read', 'organization:delete'] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getRole(deps, admin, role.id)).permissions).toEqual(['audit:read']);
  });

  it('refuses to let a caller reshape a role more powerful than themselves', async () => {
    const world = await anOrganization();
    const strong = await aCustomRole(world, { permissions: ['organization:delete'] });
    const admin = await accessWithRole(world, 'admin');
    await expect(updateRole(deps, admin, strong.id, { name: 'Renamed' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('refuses an empty change and an unknown permission with a ValidationError', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await expect(updateRole(deps, world.owner, role.id, {})).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      updateRole(deps, world.owner, role.id, { permissions: ['nope'] }),
    ).rejects.toMatchObject({ details: [{ field: 'permissions.0' }] });
  });
});

describe('deleteRole', () => {
  it('deletes an unused custom role and records role.deleted', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await deleteRole(deps, world.owner, role.id, 1);
    await expect(getRole(deps, world.owner, role.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditOf(world, 'role.deleted')).toEqual([
      expect.objectContaining({ targetType: 'role', targetId: role.id }),
    ]);
  });

  it('answers ConflictError for a role a member holds, and keeps it', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await aMember(world, role.id);
    await expect(deleteRole(deps, world.owner, role.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(getRole(deps, world.owner, role.id)).resolves.toBeDefined();
  });

  it('answers ConflictError for a role an API key is bound to, and keeps it', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await deps.uow.run(
      (tx) =>
        tx.apiKeys.create({
          id: deps.ids.next(),
          organizationId: world.organizationId,
          name: 'CI',
          prefix: `p${uniqueTag()}`,
          secretHash: 'hash',
          role: role.id,
          createdBy: null,
          now: deps.clock.now(),
          expiresAt: null,
        }),
      { organizationId: world.organizationId },
    );
    await expect(deleteRole(deps, world.owner, role.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(getRole(deps, world.owner, role.id)).resolves.toBeDefined();
  });

  it.each(BUILT_IN_ROLES)(
    'refuses to delete the built-in role %s (ConflictError)',
    async (name) => {
      const world = await anOrganization();
      await expect(deleteRole(deps, world.owner, name)).rejects.toBeInstanceOf(ConflictError);
    },
  );

  it('answers PreconditionFailedError for a stale version, NotFoundError for an unknown role', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await updateRole(deps, world.owner, role.id, { description: 'Changed' });
    await expect(deleteRole(deps, world.owner, role.id, 1)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(deleteRole(deps, world.owner, deps.ids.next())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers ForbiddenError to a member, who lacks role:manage', async () => {
    const world = await anOrganization();
    const role = await aCustomRole(world);
    await expect(
      deleteRole(deps, await accessWithRole(world, 'member'), role.id),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
