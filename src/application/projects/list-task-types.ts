// Listing a project's task types.
import { authorize } from '../../domain/access/authorize.js';
import type { TaskType } from '../../domain/projects/task-type.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export async function listTaskTypes(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  projectRef: string,
): Promise<TaskType[]> {
  authorize(access.grant, 'project:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    return tx.projects.taskTypes.list(organizationId, project.id);
  });
}
