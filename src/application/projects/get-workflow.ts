// Reading a project's workflow: its statuses, in order.
import { authorize } from '../../domain/access/authorize.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export async function getWorkflow(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  projectRef: string,
): Promise<WorkflowStatus[]> {
  authorize(access.grant, 'project:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    return tx.projects.statuses.list(organizationId, project.id);
  });
}
