// Resolving an organization for a caller: non-members learn nothing, not even that it exists.
import type { UserPrincipal } from '../../domain/identity/principal.js';
import {
  mayActOnOrganization,
  type OrganizationAction,
  type Role,
} from '../../domain/organizations/membership.js';
import type { Organization } from '../../domain/organizations/organization.js';
import { ForbiddenError, notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { cached } from '../shared/cached.js';

const MEMBERSHIP_CACHE_TTL_SECONDS = 60;

export const membershipCacheKey = (organizationId: string, userId: string) =>
  `org:${organizationId}:member:${userId}`;

export interface OrganizationAccess {
  readonly organization: Organization;
  readonly role: Role;
}

/** The caller's role in the organization (cached), or NotFound when not a member. */
export async function accessOrganization(
  deps: Pick<Deps, 'repos' | 'cache'>,
  actor: UserPrincipal,
  idOrSlug: string,
  action: OrganizationAction,
): Promise<OrganizationAccess> {
  const organization = (await deps.repos.organizations.find(idOrSlug)) ?? notFound('organization');
  const role = await cached(
    deps.cache,
    membershipCacheKey(organization.id, actor.userId),
    MEMBERSHIP_CACHE_TTL_SECONDS,
    async () => (await deps.repos.memberships.find(organization.id, actor.userId))?.role ?? null,
  );
  if (role === null) notFound('organization');
  if (!mayActOnOrganization(role, action)) throw new ForbiddenError();
  return { organization, role };
}
