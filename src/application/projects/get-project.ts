// Reading one project.
import { authorize } from '../../domain/access/authorize.js';
import type { Project } from '../../domain/projects/project.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export async function getProject(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<Project> {
  authorize(access.grant, 'project:read');
  return inOrganization(deps, access, (tx) => liveProject(tx, access.organization.id, ref));
}
