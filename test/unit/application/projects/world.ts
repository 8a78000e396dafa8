// Builders for the projects use-case tests: an organization with its owner, people with a role,
// projects, and the audit entries of one action.
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createOrganization } from '../../../../src/application/organizations/organizations.js';
import { createProject } from '../../../../src/application/projects/projects.js';
import type { Principal } from '../../../../src/domain/identity/principal.js';
import type { Project } from '../../../../src/domain/projects/project.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser } from '../actors.js';
import type { TestDeps } from '../deps.js';

export interface World {
  readonly organizationId: string;
  readonly owner: OrganizationAccess;
}

export async function anOrganization(deps: TestDeps): Promise<World> {
  const owner = await aUser(deps);
  const { organization } = await createOrganization(deps, owner, {
    name: 'Acme',
    slug: `org-${uniqueTag()}`,
  });
  return {
    organizationId: organization.id,
    owner: await resolveAccess(deps, owner, organization.id),
  };
}

/** The access of a new member of the organization with `role`. */
export async function accessWithRole(
  deps: TestDeps,
  world: World,
  role: string,
): Promise<OrganizationAccess> {
  const member = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: world.organizationId,
        userId: member.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: world.organizationId },
  );
  return resolveAccess(deps, member, world.organizationId);
}

/** The access of an API key of the organization (a service account) with `role`. */
export function apiKeyAccess(
  deps: TestDeps,
  world: World,
  role: string,
): Promise<OrganizationAccess> {
  const principal: Principal = {
    kind: 'apikey',
    keyId: deps.ids.next(),
    organizationId: world.organizationId,
    role,
  };
  return resolveAccess(deps, principal, world.organizationId);
}

let keySeq = 0;

/** A key no other test of the run has used: `P` and four letters. */
export function aKey(): string {
  keySeq += 1;
  let n = keySeq;
  let key = '';
  while (key.length < 4) {
    key = String.fromCharCode(65 + (n % 26)) + key;
    n = Math.floor(n / 26);
  }
  return `P${key}`;
}

export function aProject(
  deps: TestDeps,
  world: World,
  fields: { name?: string; key?: string; description?: string; publicLookup?: boolean } = {},
  by: OrganizationAccess = world.owner,
): Promise<Project> {
  return createProject(deps, by, { name: 'Release', key: aKey(), ...fields });
}

export function auditOf(deps: TestDeps, world: World, action: string) {
  return deps.uow.run((tx) => tx.audit.list(world.organizationId, { action }, { limit: 50 }), {
    organizationId: world.organizationId,
  });
}
