// Creating a custom role.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import {
  assertMayGrant,
  assertRoomForRole,
  type CustomRoleView,
  customView,
  validDescription,
  validName,
  validPermissions,
} from './role-rules.js';

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
    assertRoomForRole(await tx.roles.countLocked(organizationId));
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
