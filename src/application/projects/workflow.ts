// Use cases of a project's workflow: read it, and replace it as a whole (order, names, categories).
import { authorize } from '../../domain/access/authorize.js';
import {
  planWorkflow,
  type DesiredStatus,
  type WorkflowStatus,
} from '../../domain/projects/workflow.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './projects.js';

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

export interface ReplaceWorkflowInput {
  /** The whole new workflow, in order: entries with an id keep that status, others are new. */
  readonly statuses: readonly DesiredStatus[];
  /** A kept status that receives the tasks of dropped statuses. */
  readonly moveTo?: string | undefined;
}

/**
 * Replaces the workflow. Statuses keep their ids across renames and moves; statuses left out are
 * dropped. The project's row is locked for the transaction, so two replacements never interleave.
 *
 * Tasks do not exist yet. When they do, this is where tasks of dropped statuses move to `moveTo`,
 * and where dropping a status that still holds tasks without `moveTo` answers 409 (ConflictError);
 * until then `moveTo` is only checked to name a status that stays.
 */
export async function replaceWorkflow(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  projectRef: string,
  input: ReplaceWorkflowInput,
): Promise<WorkflowStatus[]> {
  authorize(access.grant, 'project:update');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    const current =
      (await tx.projects.statuses.lock(organizationId, project.id)) ?? notFound('project');
    const plan = planWorkflow(current, input.statuses, () => deps.ids.next());
    if (input.moveTo !== undefined && !plan.kept.some((status) => status.id === input.moveTo)) {
      throw ValidationError.field('move_to', 'Must be the id of a status that stays');
    }
    if (!plan.changed) return [...plan.statuses];
    await tx.projects.statuses.replace(organizationId, project.id, plan);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.statuses_replaced',
      targetType: 'project',
      targetId: project.id,
      changes: {
        statuses: { from: current.map(auditView), to: plan.statuses.map(auditView) },
        ...(input.moveTo !== undefined && { move_to: input.moveTo }),
      },
    });
    return [...plan.statuses];
  });
}

const auditView = (status: WorkflowStatus) => ({
  id: status.id,
  name: status.name,
  category: status.category,
});
