// Removing a relation between two tasks.
import { authorize, can } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { relationSeenFrom } from '../../domain/tasks/relation.js';
import { ownershipOf } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { writableTask } from './write-access.js';
import { recordChange, type RelationDeps } from './relation-changes.js';

/**
 * Removes a relation, from either of its tasks' paths. 404 when it does not involve that task,
 * or its other task is deleted or hidden from the caller (the list does not show it either).
 */
export async function removeRelation(
  deps: RelationDeps,
  access: OrganizationAccess,
  ref: string,
  relationId: string,
): Promise<void> {
  authorize(access.grant, 'task:update');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:update');
    const relation = await tx.tasks.relations.find(organizationId, relationId);
    const seen = relation && relationSeenFrom(relation, task.id);
    if (!relation || !seen) return notFound('relation');
    const other = await tx.tasks.find(organizationId, seen.otherTaskId);
    if (!other || !can(access.grant, 'task:read', ownershipOf(other))) return notFound('relation');
    if (!(await tx.tasks.relations.delete(organizationId, relation.id))) notFound('relation');
    await recordChange(deps, tx, access, relation, task, 'relation_removed');
  });
}
