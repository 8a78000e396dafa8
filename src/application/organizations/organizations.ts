// Use cases of the organizations area: create, list, read, change and delete a tenant.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import type { Principal } from '../../domain/identity/principal.js';
import { canonicalTimezone } from '../../domain/identity/user.js';
import {
  assertValidOrganizationName,
  assertValidSlug,
} from '../../domain/organizations/organization.js';
import { ForbiddenError, notFound, ValidationError } from '../../domain/shared/errors.js';
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
import { pageOf } from '../shared/page.js';

export interface CreateOrganizationInput {
  readonly name: string;
  readonly slug: string;
  readonly timezone?: string | undefined;
}

/** Creates the organization and makes the caller its owner, in one transaction. */
export async function createOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  actor: Principal,
  input: CreateOrganizationInput,
): Promise<OrganizationWithRole> {
  if (actor.kind !== 'user') throw new ForbiddenError('API keys cannot create organizations');
  assertValidOrganizationName(input.name);
  assertValidSlug(input.slug);
  const timezone = canonicalTimezone(input.timezone ?? 'UTC');
  const id = deps.ids.next();
  return deps.uow.run(
    async (tx) => {
      const now = deps.clock.now();
      const organization = await tx.organizations.create({
        id,
        name: input.name.trim(),
        slug: input.slug,
        timezone,
        now,
      });
      await tx.memberships.add({
        id: deps.ids.next(),
        organizationId: id,
        userId: actor.userId,
        role: 'owner',
        now,
      });
      await recordAudit(deps, tx, actor, id, {
        action: 'organization.created',
        targetType: 'organization',
        targetId: id,
        changes: { name: organization.name, slug: organization.slug, timezone },
      });
      return { organization, role: 'owner' };
    },
    { organizationId: id },
  );
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** A user's organizations; an API key's own organization. */
export async function listMyOrganizations(
  deps: Pick<Deps, 'uow'>,
  actor: Principal,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<OrganizationWithRole>> {
  const rows = await deps.uow.run(
    async (tx) => {
      if (actor.kind === 'user') {
        return tx.organizations.listForUser(actor.userId, {
          limit: page.limit + 1,
          ...(page.after !== undefined && { after: page.after }),
        });
      }
      const own = await tx.organizations.find(actor.organizationId);
      return own && (page.after === undefined || own.id > page.after)
        ? [{ organization: own, role: actor.role }]
        : [];
    },
    actor.kind === 'user' ? { userId: actor.userId } : { organizationId: actor.organizationId },
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.organization.id);
  return { items, nextCursor: next };
}

export function getOrganization(access: OrganizationAccess): OrganizationWithRole {
  authorize(access.grant, 'organization:read');
  return { organization: access.organization, role: access.grant.role };
}

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

/** Soft-deletes the organization; it then answers 404 to everyone. */
export async function deleteOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'organization:delete');
  const id = access.organization.id;
  const deleted = await inOrganization(deps, access, async (tx) => {
    const done = await tx.organizations.softDelete(id, deps.clock.now(), expectedVersion);
    if (done) {
      await recordAudit(deps, tx, access.principal, id, {
        action: 'organization.deleted',
        targetType: 'organization',
        targetId: id,
      });
    }
    return done;
  });
  if (!deleted) notFound('organization');
  await forgetOrganization(deps, id, [access.organization.slug]);
}
