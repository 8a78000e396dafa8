// Resolving what a caller may do in an organization. Non-members learn nothing: an organization
// they do not belong to answers exactly like one that does not exist.
import { permissionsOf, type Grant } from '../../domain/access/authorize.js';
import {
  isBuiltInRole,
  ROLE_PERMISSIONS,
  type Permission,
} from '../../domain/access/permissions.js';
import { actorIdOf, type Principal } from '../../domain/identity/principal.js';
import type { Organization } from '../../domain/organizations/organization.js';
import { notFound } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Deps } from '../deps.js';
import { cached, forgetAfterCommit } from '../shared/cached.js';
import type { Repositories } from '../shared/unit-of-work.js';

/** How long a resolved grant may be served from cache; every change that alters one deletes it. */
const GRANT_CACHE_TTL_SECONDS = 60;

export const grantCacheKey = (organizationId: string, actorId: string) =>
  `org:${organizationId}:grant:${actorId}`;

export interface OrganizationAccess {
  readonly organization: Organization;
  readonly principal: Principal;
  readonly grant: Grant;
}

interface CachedGrant {
  readonly role: string;
  readonly permissions: Permission[];
}

/** The permissions of a role name: built-in from the domain table, custom from the organization. */
export async function permissionsOfRole(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  role: string,
): Promise<Permission[] | undefined> {
  if (isBuiltInRole(role)) return [...ROLE_PERMISSIONS[role]];
  return (await tx.roles.find(organizationId, role))?.permissions.slice();
}

function toGrant(principal: Principal, cachedGrant: CachedGrant): Grant {
  return {
    actorId: actorIdOf(principal),
    role: cachedGrant.role,
    permissions: permissionsOf(cachedGrant.permissions),
  };
}

/**
 * The organization named by id or slug, and the caller's grant in it (cached per actor).
 * A user must be a member; an API key works only in its own organization.
 */
export async function resolveAccess(
  deps: Pick<Deps, 'uow' | 'cache'>,
  principal: Principal,
  organizationRef: string,
): Promise<OrganizationAccess> {
  // A user sees (through row-level security) only organizations they belong to; a key only its own.
  const scope =
    principal.kind === 'user'
      ? { userId: principal.userId }
      : { organizationId: principal.organizationId };
  // Cached by reference whoever looked it up first: the grant below (a membership, or the key's
  // own organization) decides whether this caller may see it, exactly as an uncached miss would.
  const found = await cached<Organization | undefined>(
    deps.cache,
    organizationCacheKey(organizationRef),
    ORGANIZATION_CACHE_TTL_SECONDS,
    () => deps.uow.run((tx) => tx.organizations.find(organizationRef), scope),
  );
  const organization = found ? revived(found) : notFound('organization');
  if (principal.kind === 'apikey' && organization.id !== principal.organizationId) {
    notFound('organization');
  }

  const actorId = actorIdOf(principal);
  const grant = await cached<CachedGrant | null>(
    deps.cache,
    grantCacheKey(organization.id, actorId),
    GRANT_CACHE_TTL_SECONDS,
    () =>
      deps.uow.run(
        async (tx) => {
          const role =
            principal.kind === 'apikey'
              ? principal.role
              : (await tx.memberships.find(organization.id, principal.userId))?.role;
          if (role === undefined) return null;
          const permissions = await permissionsOfRole(tx, organization.id, role);
          return permissions === undefined ? null : { role, permissions };
        },
        { organizationId: organization.id },
      ),
  );
  if (grant === null) notFound('organization');
  return { organization, principal, grant: toGrant(principal, grant) };
}

/** How long an organization looked up by id or slug may be served from cache. */
const ORGANIZATION_CACHE_TTL_SECONDS = 60;

export const organizationCacheKey = (ref: string) =>
  `org:ref:${isUuid(ref) ? ref.toLowerCase() : ref}`;

/** A cached organization's times come back as strings. */
function revived(organization: Organization): Organization {
  const at = (value: Date | string) => new Date(value);
  return {
    ...organization,
    createdAt: at(organization.createdAt),
    updatedAt: at(organization.updatedAt),
    deletedAt: organization.deletedAt === null ? null : at(organization.deletedAt),
  };
}

/** Forgets an organization's cached lookups by id and by each slug it had (after the commit). */
export async function forgetOrganization(
  deps: Pick<Deps, 'cache' | 'uow'>,
  id: string,
  slugs: readonly string[],
): Promise<void> {
  await forgetAfterCommit(deps, ...[id, ...slugs].map(organizationCacheKey));
}

/** Forgets cached grants after a membership, role or key change (call after the commit). */
export async function forgetGrants(
  deps: Pick<Deps, 'cache' | 'uow'>,
  organizationId: string,
  actorIds: readonly string[],
): Promise<void> {
  if (actorIds.length > 0) {
    await forgetAfterCommit(deps, ...actorIds.map((id) => grantCacheKey(organizationId, id)));
  }
}

/** Runs `work` in one transaction scoped to the organization of `access`. */
export function inOrganization<T>(
  deps: Pick<Deps, 'uow'>,
  access: Pick<OrganizationAccess, 'organization'>,
  work: (tx: Repositories) => Promise<T>,
): Promise<T> {
  return deps.uow.run(work, { organizationId: access.organization.id });
}

/**
 * Runs read-only `work` scoped to the organization of `access`; its statements need not share a
 * snapshot (see UnitOfWork.read), which lets PostgreSQL serve each in one round trip.
 */
export function readInOrganization<T>(
  deps: Pick<Deps, 'uow'>,
  access: Pick<OrganizationAccess, 'organization'>,
  work: (tx: Repositories) => Promise<T>,
): Promise<T> {
  return deps.uow.read(work, { organizationId: access.organization.id });
}
