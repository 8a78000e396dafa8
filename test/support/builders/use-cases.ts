// Builders for use-case tests on a database (test/integration/use-cases): an organization with its
// owner, people with a role, projects and boards, made through the use cases or straight through
// the repositories, and the audit entries of one action. `deps` is the file's own (deps.ts there).
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../src/application/access/resolve-access.js';
import type { Deps } from '../../../src/application/deps.js';
import { createOrganization } from '../../../src/application/organizations/create-organization.js';
import { createProject } from '../../../src/application/projects/create-project.js';
import { getWorkflow } from '../../../src/application/projects/get-workflow.js';
import type { Principal, UserPrincipal } from '../../../src/domain/identity/principal.js';
import type { Project } from '../../../src/domain/projects/project.js';
import type { WorkflowStatus } from '../../../src/domain/projects/workflow.js';
import { uniqueTag } from '../env.js';
import { aKey } from './keys.js';

export { aKey };

export const newEmail = () => `person-${uniqueTag()}@example.com`;

/** A user row made straight through the repository, for use cases that only need someone to act. */
export async function aUser(deps: Deps): Promise<UserPrincipal> {
  const user = await deps.repos.users.create({
    id: deps.ids.next(),
    email: newEmail(),
    name: 'Someone',
    timezone: 'UTC',
    passwordHash: 'not-a-real-hash',
    now: deps.clock.now(),
  });
  return { kind: 'user', userId: user.id, sessionId: deps.ids.next() };
}

export interface World {
  readonly organizationId: string;
  readonly owner: OrganizationAccess;
}

export async function anOrganization(deps: Deps): Promise<World> {
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
  deps: Deps,
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
export function apiKeyAccess(deps: Deps, world: World, role: string): Promise<OrganizationAccess> {
  const principal: Principal = {
    kind: 'apikey',
    keyId: deps.ids.next(),
    organizationId: world.organizationId,
    role,
  };
  return resolveAccess(deps, principal, world.organizationId);
}

export function aProject(
  deps: Deps,
  world: World,
  fields: { name?: string; key?: string; description?: string; publicLookup?: boolean } = {},
  by: OrganizationAccess = world.owner,
): Promise<Project> {
  return createProject(deps, by, { name: 'Release', key: aKey(), ...fields });
}

export function auditOf(deps: Deps, world: World, action: string) {
  return deps.uow.run((tx) => tx.audit.list(world.organizationId, { action }, { limit: 50 }), {
    organizationId: world.organizationId,
  });
}

/** An organization with one project (the default workflow) and that workflow's statuses. */
export interface Board {
  readonly world: World;
  readonly project: Project;
  readonly statuses: WorkflowStatus[];
}

export async function aBoard(deps: Deps): Promise<Board> {
  const world = await anOrganization(deps);
  const project = await aProject(deps, world);
  return { world, project, statuses: await getWorkflow(deps, world.owner, project.id) };
}
