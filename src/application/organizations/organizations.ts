// Use cases of the organizations area: create, list, read, change and delete a tenant.
import type { UserPrincipal } from '../../domain/identity/principal.js';
import { canonicalTimezone } from '../../domain/identity/user.js';
import {
  assertValidOrganizationName,
  assertValidSlug,
} from '../../domain/organizations/organization.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { accessOrganization, type OrganizationAccess } from './access.js';
import type { OrganizationWithRole } from './ports.js';

export interface CreateOrganizationInput {
  readonly name: string;
  readonly slug: string;
  readonly timezone?: string | undefined;
}

/** Creates the organization and makes the caller its owner, in one transaction. */
export async function createOrganization(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  actor: UserPrincipal,
  input: CreateOrganizationInput,
): Promise<OrganizationWithRole> {
  assertValidOrganizationName(input.name);
  assertValidSlug(input.slug);
  const timezone = canonicalTimezone(input.timezone ?? 'UTC');
  return deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const organization = await tx.organizations.create({
      id: deps.ids.next(),
      name: input.name.trim(),
      slug: input.slug,
      timezone,
      now,
    });
    await tx.memberships.add({
      id: deps.ids.next(),
      organizationId: organization.id,
      userId: actor.userId,
      role: 'owner',
      now,
    });
    return { organization, role: 'owner' };
  });
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export async function listMyOrganizations(
  deps: Pick<Deps, 'repos'>,
  actor: UserPrincipal,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<Page<OrganizationWithRole>> {
  const rows = await deps.repos.organizations.listForUser(actor.userId, {
    limit: page.limit + 1,
    ...(page.after !== undefined && { after: page.after }),
  });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? last.organization.id : null };
}

export async function getOrganization(
  deps: Pick<Deps, 'repos' | 'cache'>,
  actor: UserPrincipal,
  idOrSlug: string,
): Promise<OrganizationAccess> {
  return accessOrganization(deps, actor, idOrSlug, 'organization:read');
}

export interface UpdateOrganizationInput {
  readonly name?: string | undefined;
  readonly slug?: string | undefined;
  readonly timezone?: string | undefined;
  readonly expectedVersion?: number | undefined;
}

export async function updateOrganization(
  deps: Pick<Deps, 'repos' | 'cache' | 'clock'>,
  actor: UserPrincipal,
  idOrSlug: string,
  input: UpdateOrganizationInput,
): Promise<OrganizationAccess> {
  const { organization, role } = await accessOrganization(
    deps,
    actor,
    idOrSlug,
    'organization:update',
  );
  if (input.name !== undefined) assertValidOrganizationName(input.name);
  if (input.slug !== undefined) assertValidSlug(input.slug);
  const timezone = input.timezone === undefined ? undefined : canonicalTimezone(input.timezone);
  if (input.name === undefined && input.slug === undefined && timezone === undefined) {
    throw new ValidationError([{ field: 'body', message: 'Nothing to change' }]);
  }
  const updated = await deps.repos.organizations.update(
    organization.id,
    {
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.slug !== undefined && { slug: input.slug }),
      ...(timezone !== undefined && { timezone }),
    },
    deps.clock.now(),
    input.expectedVersion,
  );
  return { organization: updated ?? notFound('organization'), role };
}

/** Soft-deletes the organization (owner only); it then answers 404 to everyone. */
export async function deleteOrganization(
  deps: Pick<Deps, 'repos' | 'cache' | 'clock'>,
  actor: UserPrincipal,
  idOrSlug: string,
  expectedVersion?: number,
): Promise<void> {
  const { organization } = await accessOrganization(deps, actor, idOrSlug, 'organization:delete');
  const deleted = await deps.repos.organizations.softDelete(
    organization.id,
    deps.clock.now(),
    expectedVersion,
  );
  if (!deleted) notFound('organization');
}
