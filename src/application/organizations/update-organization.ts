// Changing an organization's settings.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { canonicalTimezone } from '../../domain/identity/user.js';
import {
  parseDigest,
  type DigestInput,
  type DigestSetting,
} from '../../domain/organizations/digest.js';
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
  /** The digest setting; null removes it; undefined leaves it. */
  readonly digest?: DigestInput | null | undefined;
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
  const before = access.organization;
  const digest =
    input.digest === undefined || input.digest === null
      ? input.digest
      : parseDigest(input.digest, before.digest, deps.clock.now());
  if (
    input.name === undefined &&
    input.slug === undefined &&
    timezone === undefined &&
    writeWindow === undefined &&
    digest === undefined
  ) {
    throw new ValidationError([{ field: 'body', message: 'Nothing to change' }]);
  }
  const updated = await inOrganization(deps, access, async (tx) => {
    if (writeWindow) await assertRolesExist(tx, before.id, writeWindow.roles, 'write_window.roles');
    if (digest) {
      await assertRolesExist(tx, before.id, digest.recipients.roles, 'digest.recipients.roles');
      await assertMembers(tx, before.id, digest.recipients.members);
    }
    const after = await tx.organizations.update(
      before.id,
      {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.slug !== undefined && { slug: input.slug }),
        ...(timezone !== undefined && { timezone }),
        ...(writeWindow !== undefined && { writeWindow }),
        ...(digest !== undefined && { digest }),
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
          ...(digest !== undefined && {
            digest: { from: digestView(before.digest), to: digestView(after.digest) },
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

/** Roles named by a setting are built-in role names or ids of the organization's custom roles. */
async function assertRolesExist(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  roles: readonly string[],
  field: string,
): Promise<void> {
  for (const role of roles) {
    if (isBuiltInRole(role)) continue;
    if (!(await tx.roles.find(organizationId, role))) {
      throw ValidationError.field(
        field,
        `Unknown role ${role}; use a built-in role name or a custom role id`,
      );
    }
  }
}

/** A digest's members are members of the organization when it is set. */
async function assertMembers(
  tx: Pick<Repositories, 'memberships'>,
  organizationId: string,
  userIds: readonly string[],
): Promise<void> {
  for (const userId of userIds) {
    if (!(await tx.memberships.find(organizationId, userId))) {
      throw ValidationError.field('digest.recipients.members', `${userId} is not a member`);
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

/** The digest as the API and the audit log show it. */
export function digestView(digest: DigestSetting | null) {
  return (
    digest && {
      enabled: digest.enabled,
      local_time: digest.localTime,
      timezone: digest.timezone,
      recipients: { roles: digest.recipients.roles, members: digest.recipients.members },
    }
  );
}
