// Replacing a project's workflow as a whole (order, names, categories).
import { authorize } from '../../domain/access/authorize.js';
import {
  moveTarget,
  planWorkflow,
  type DesiredStatus,
  type WorkflowStatus,
} from '../../domain/projects/workflow.js';
import { ConflictError, notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export interface ReplaceWorkflowInput {
  /** The whole new workflow, in order: entries with an id keep that status, others are new. */
  readonly statuses: readonly DesiredStatus[];
  /**
   * The status that receives the tasks of dropped statuses: the id of a status that stays, or the
   * name (any case) of a status in the new list.
   */
  readonly moveTo?: string | undefined;
}

/**
 * Replaces the workflow. Statuses keep their ids across renames and moves; statuses left out are
 * dropped. The project's row is locked for the transaction, so two replacements never interleave.
 *
 * Dropping a status that holds live tasks needs `moveTo` (ConflictError otherwise, naming the
 * statuses); every task of the dropped statuses then moves to the end of that column, each live
 * one with a `moved` history entry. Without `moveTo`, the soft-deleted tasks of dropped statuses
 * go to the first status of the new list. Tasks follow a status's change of category: entering
 * `done` sets `completed_at`, leaving it clears it. All in one transaction.
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
    const target = input.moveTo === undefined ? undefined : moveTarget(plan, input.moveTo);
    if (!plan.changed) return [...plan.statuses];
    if (target === undefined && plan.dropped.length > 0) {
      const occupied = await tx.projects.statuses.withLiveTasks(
        organizationId,
        project.id,
        plan.dropped.map((status) => status.id),
      );
      if (occupied.length > 0) {
        const names = plan.dropped
          .filter((status) => occupied.includes(status.id))
          .map((status) => `'${status.name}'`);
        throw new ConflictError(
          `${names.join(', ')} still ${names.length === 1 ? 'holds' : 'hold'} tasks: ` +
            'give move_to, a status of the new list to receive them',
        );
      }
    }
    const { movedTasks } = await tx.projects.statuses.replace(organizationId, project.id, plan, {
      receiverId: (target ?? plan.statuses[0]!).id,
      actorId: access.grant.actorId,
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.statuses_replaced',
      targetType: 'project',
      targetId: project.id,
      about: { projectId: project.id, key: project.key },
      changes: {
        statuses: { from: current.map(auditView), to: plan.statuses.map(auditView) },
        ...(target !== undefined && { move_to: target.id, moved_tasks: movedTasks }),
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
