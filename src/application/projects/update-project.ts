// Changing a project's name, description or public lookup (which issues its tasks' tracking codes).
import { authorize } from '../../domain/access/authorize.js';
import { projectDescription, projectName, type Project } from '../../domain/projects/project.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export interface UpdateProjectInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly publicLookup?: boolean | undefined;
  readonly expectedVersion?: number | undefined;
}

/** Changes name, description or public lookup; the key never changes (task keys hang on it). */
export async function updateProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  input: UpdateProjectInput,
): Promise<Project> {
  authorize(access.grant, 'project:update');
  const changes = {
    ...(input.name !== undefined && { name: projectName(input.name) }),
    ...(input.description !== undefined && {
      description: projectDescription(input.description),
    }),
    ...(input.publicLookup !== undefined && { publicLookup: input.publicLookup }),
  };
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = await liveProject(tx, organizationId, ref);
    const after =
      (await tx.projects.update(
        organizationId,
        before.id,
        changes,
        deps.clock.now(),
        input.expectedVersion,
      )) ?? notFound('project');
    // Turned public: every task gets a tracking code now (one it had before comes back).
    if (after.publicLookup && !before.publicLookup)
      await tx.tasks.issueTrackingCodes(organizationId, after.id);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.updated',
      targetType: 'project',
      targetId: after.id,
      about: { projectId: after.id, key: after.key },
      changes: changesBetween(auditView(before), auditView(after), [
        'name',
        'description',
        'public_lookup',
      ]),
    });
    return after;
  });
}

const auditView = (project: Project) => ({
  name: project.name,
  description: project.description,
  public_lookup: project.publicLookup,
});
