// Changing a custom role.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { CustomRole } from './ports.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';
import {
  assertMayGrant,
  type CustomRoleView,
  customView,
  readOnly,
  validDescription,
  validName,
  validPermissions,
} from './role-rules.js';

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
