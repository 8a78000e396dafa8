// What the presented credential is and may do, so an integrator can see why a call is refused.
import type { Permission } from '../../domain/access/permissions.js';
import type { Principal } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { resolveAccess, type OrganizationAccess } from './resolve-access.js';

export type WhoAmIPrincipal =
  | {
      readonly kind: 'user';
      readonly id: string;
      readonly email: string;
      readonly sessionId: string;
    }
  | {
      readonly kind: 'apikey';
      readonly id: string;
      readonly name: string;
      readonly prefix: string;
    };

export interface WhoAmI {
  readonly principal: WhoAmIPrincipal;
  readonly organization: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
  } | null;
  /** Built-in role name or custom role id; null for a user asked about no organization. */
  readonly role: string | null;
  /** The effective permissions in that organization, sorted. */
  readonly permissions: Permission[];
}

function rightsIn(
  access: OrganizationAccess,
): Pick<WhoAmI, 'organization' | 'role' | 'permissions'> {
  const { id, slug, name } = access.organization;
  return {
    organization: { id, slug, name },
    role: access.grant.role,
    permissions: [...access.grant.permissions].sort(),
  };
}

/**
 * A user is described alone, or in the organization named by `organizationRef` (404 when not a
 * member). A key is always described in its own organization; naming another answers 404.
 */
export async function whoami(
  deps: Pick<Deps, 'repos' | 'uow' | 'cache'>,
  principal: Principal,
  organizationRef?: string,
): Promise<WhoAmI> {
  if (principal.kind === 'user') {
    const user = (await deps.repos.users.findById(principal.userId)) ?? notFound('user');
    const described = {
      kind: 'user',
      id: user.id,
      email: user.email,
      sessionId: principal.sessionId,
    } as const;
    if (organizationRef === undefined) {
      return { principal: described, organization: null, role: null, permissions: [] };
    }
    return {
      principal: described,
      ...rightsIn(await resolveAccess(deps, principal, organizationRef)),
    };
  }

  const access = await resolveAccess(deps, principal, organizationRef ?? principal.organizationId);
  const key =
    (await deps.uow.run((tx) => tx.apiKeys.find(principal.organizationId, principal.keyId), {
      organizationId: principal.organizationId,
    })) ?? notFound('api key');
  return {
    principal: { kind: 'apikey', id: key.id, name: key.name, prefix: key.prefix },
    ...rightsIn(access),
  };
}
