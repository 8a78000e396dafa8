// Changing an organization's settings.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { canonicalTimezone } from '../../domain/identity/user.js';
import {
  assertValidOrganizationName,
  assertValidSlug,
} from '../../domain/organizations/organization.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import {
  parseWriteWindow,
  type WriteWindow,
  type WriteWindowInput,
} from '../../domain/tasks/write-window.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import {
  forgetOrganization,
  inOrganization,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { OrganizationWithRole } from './ports.js';

export interface UpdateOrganizationInput {
  readonly name?: string | undefined;
  readonly slug?: string | undefined;
  readonly timezone?: string | undefined;
  /** The write window to set; null removes it; undefined leaves it. */
  readonly writeWindow?: WriteWindowInput | null | undefined;
  readonly expectedVersion?: number | undefined;
}

export async function updateOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  input: UpdateOrganizationInput,
): Promise<OrganizationWithRole> {
  authorize(access.grant, 'organization:update');
  if (input.name !== undefined) assertValidOrganizationName(input.name);
  if (input.slug !== undefined) assertValidSlug(input.slug);
  const timezone = input.timezone === undefined ? undefined : canonicalTimezone(input.timezone);
  const writeWindow =
    input.writeWindow === undefined || input.writeWindow === null
      ? input.writeWindow
      : parseWriteWindow(input.writeWindow);
  if (
    input.name === undefined &&
    input.slug === undefined &&
    timezone === undefined &&
    writeWindow === undefined
  ) {
    throw new ValidationError([{ field: 'body', message: 'Nothing to change' }]);
  }
  const before = access.organization;
  const updated = await inOrganization(deps, access, async (tx) => {
    if (writeWindow) await assertRolesExist(tx, before.id, writeWindow);
    const after = await tx.organizations.update(
      before.id,
      {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.slug !== undefined && { slug: input.slug }),
        ...(timezone !== undefined && { timezone }),
        ...(writeWindow !== undefined && { writeWindow }),
      },
      deps.clock.now(),
      input.expectedVersion,
    );
    if (after) {
      const windowBefore = writeWindowView(before.writeWindow);
      const windowAfter = writeWindowView(after.writeWindow);
      await recordAudit(deps, tx, access.principal, before.id, {
        action: 'organization.updated',
        targetType: 'organization',
        targetId: before.id,
        changes: {
          ...changesBetween(before, after, ['name', 'slug', 'timezone']),
          ...(JSON.stringify(windowBefore) !== JSON.stringify(windowAfter) && {
            write_window: { from: windowBefore, to: windowAfter },
          }),
        },
      });
    }
    return after;
  });
  const organization = updated ?? notFound('organization');
  await forgetOrganization(deps, before.id, [before.slug, organization.slug]);
  return { organization, role: access.grant.role };
}

/** A window's roles are built-in role names or ids of the organization's custom roles. */
async function assertRolesExist(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  window: WriteWindow,
): Promise<void> {
  for (const role of window.roles) {
    if (isBuiltInRole(role)) continue;
    if (!(await tx.roles.find(organizationId, role))) {
      throw ValidationError.field(
        'write_window.roles',
        `Unknown role ${role}; use a built-in role name or a custom role id`,
      );
    }
  }
}

/** The window as the API and the audit log show it. */
function writeWindowView(window: WriteWindow | null) {
  return (
    window && {
      start: window.start,
      end: window.end,
      days: window.days,
      roles: window.roles,
      exempt_priorities: window.exemptPriorities ?? null,
    }
  );
}
