// Use cases of roles: the built-in roles (read-only, from the domain table) and an organization's
// custom roles, named permission sets that members and API keys may hold.
import { authorize, canGrant } from '../../domain/access/authorize.js';
import {
  BUILT_IN_ROLES,
  isBuiltInRole,
  isPermission,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from '../../domain/access/permissions.js';
import {
  ConflictError,
  ForbiddenError,
  notFound,
  PreconditionFailedError,
  ValidationError,
  type FieldIssue,
} from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { CustomRole } from './ports.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';

export const ROLE_NAME_MAX_LENGTH = 64;
export const ROLE_DESCRIPTION_MAX_LENGTH = 500;

export interface BuiltInRoleView {
  readonly builtIn: true;
  readonly name: BuiltInRole;
  readonly permissions: readonly Permission[];
}

export interface CustomRoleView extends CustomRole {
  readonly builtIn: false;
}

export type RoleView = BuiltInRoleView | CustomRoleView;

const builtInView = (name: BuiltInRole): BuiltInRoleView => ({
  builtIn: true,
  name,
  permissions: ROLE_PERMISSIONS[name],
});

const customView = (role: CustomRole): CustomRoleView => ({ ...role, builtIn: false });

const readOnly = () => new ConflictError('Built-in roles are read-only');

/** The built-in roles (the whole permission matrix), then the organization's custom roles. */
export async function listRoles(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
): Promise<RoleView[]> {
  authorize(access.grant, 'role:read');
  const custom = await inOrganization(deps, access, (tx) => tx.roles.list(access.organization.id));
  return [...BUILT_IN_ROLES.map(builtInView), ...custom.map(customView)];
}

/** A built-in role by name, or a custom role by id. */
export async function getRole(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<RoleView> {
  authorize(access.grant, 'role:read');
  if (isBuiltInRole(id)) return builtInView(id);
  const role = await inOrganization(deps, access, (tx) =>
    tx.roles.find(access.organization.id, id),
  );
  return customView(role ?? notFound('role'));
}

export interface CreateRoleInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly permissions: readonly string[];
}

export async function createRole(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateRoleInput,
): Promise<CustomRoleView> {
  authorize(access.grant, 'role:manage');
  const name = validName(input.name);
  const description = validDescription(input.description ?? '');
  const permissions = validPermissions(input.permissions);
  assertMayGrant(access, permissions);
  const organizationId = access.organization.id;
  const role = await inOrganization(deps, access, async (tx) => {
    const created = await tx.roles.create({
      id: deps.ids.next(),
      organizationId,
      name,
      description,
      permissions,
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'role.created',
      targetType: 'role',
      targetId: created.id,
      changes: { name, description, permissions },
    });
    return created;
  });
  return customView(role);
}

export interface UpdateRoleInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly permissions?: readonly string[] | undefined;
  readonly expectedVersion?: number | undefined;
}

/**
 * Changes a custom role. Its holders are judged by the new permissions from their very next
 * request: their cached grants are forgotten once the change is committed.
 */
export async function updateRole(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateRoleInput,
): Promise<CustomRoleView> {
  authorize(access.grant, 'role:manage');
  if (isBuiltInRole(id)) throw readOnly();
  const changes = {
    ...(input.name !== undefined && { name: validName(input.name) }),
    ...(input.description !== undefined && { description: validDescription(input.description) }),
    ...(input.permissions !== undefined && { permissions: validPermissions(input.permissions) }),
  };
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  const { role, holders } = await inOrganization(deps, access, async (tx) => {
    const before = (await tx.roles.find(organizationId, id)) ?? notFound('role');
    // Whoever shapes a role must hold all it will grant, renaming included.
    assertMayGrant(access, changes.permissions ?? before.permissions);
    const after =
      (await tx.roles.update(
        organizationId,
        id,
        changes,
        deps.clock.now(),
        input.expectedVersion,
      )) ?? notFound('role');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'role.updated',
      targetType: 'role',
      targetId: id,
      changes: roleChanges(before, after),
    });
    const holders = [
      ...(await tx.memberships.userIdsWithRole(organizationId, id)),
      ...(await tx.apiKeys.keyIdsWithRole(organizationId, id)),
    ];
    return { role: after, holders };
  });
  await forgetGrants(deps, organizationId, holders);
  return customView(role);
}

/** Deletes a custom role nobody holds: not a member, not an API key. */
export async function deleteRole(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'role:manage');
  if (isBuiltInRole(id)) throw readOnly();
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const role = (await tx.roles.find(organizationId, id)) ?? notFound('role');
    if (expectedVersion !== undefined && role.version !== expectedVersion) {
      throw new PreconditionFailedError();
    }
    const members = await tx.memberships.countWithRole(organizationId, id);
    const keys = await tx.apiKeys.countWithRole(organizationId, id);
    if (members + keys > 0) {
      throw new ConflictError(
        `The role is in use (${members} member(s), ${keys} API key(s)); reassign them first`,
      );
    }
    if (!(await tx.roles.delete(organizationId, id))) notFound('role');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'role.deleted',
      targetType: 'role',
      targetId: id,
      changes: { name: role.name, permissions: role.permissions },
    });
  });
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field('name', 'Must not be empty');
  if (name.length > ROLE_NAME_MAX_LENGTH) {
    throw ValidationError.field('name', `Must be at most ${ROLE_NAME_MAX_LENGTH} characters`);
  }
  if (isBuiltInRole(name.toLowerCase())) {
    throw ValidationError.field('name', `"${name}" is the name of a built-in role`);
  }
  return name;
}

function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > ROLE_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      'description',
      `Must be at most ${ROLE_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}

/** Known permissions only; stored without duplicates, in the order of the domain table. */
function validPermissions(raw: readonly string[]): Permission[] {
  const issues: FieldIssue[] = [];
  raw.forEach((value, index) => {
    if (!isPermission(value)) {
      issues.push({ field: `permissions.${index}`, message: `Unknown permission "${value}"` });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const wanted = new Set(raw);
  return PERMISSIONS.filter((permission) => wanted.has(permission));
}

function assertMayGrant(access: OrganizationAccess, permissions: readonly Permission[]): void {
  if (!canGrant(access.grant, permissions)) {
    const missing = permissions.filter((p) => !access.grant.permissions.has(p));
    throw new ForbiddenError(
      `A role may grant only permissions you hold yourself (missing: ${missing.join(', ')})`,
    );
  }
}

/** `{ field: { from, to } }`; permission lists compare by content, and list what came and went. */
function roleChanges(before: CustomRole, after: CustomRole): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (before.name !== after.name) changes.name = { from: before.name, to: after.name };
  if (before.description !== after.description) {
    changes.description = { from: before.description, to: after.description };
  }
  const added = after.permissions.filter((p) => !before.permissions.includes(p));
  const removed = before.permissions.filter((p) => !after.permissions.includes(p));
  if (added.length > 0 || removed.length > 0) {
    changes.permissions = { from: before.permissions, to: after.permissions, added, removed };
  }
  return changes;
}
