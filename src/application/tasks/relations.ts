// Use cases of task relations: list a task's relations, relate it to another task of the
// organization (any project), remove a relation. Each change leaves a history row on both tasks
// and one audit entry, in the transaction that makes it.
import { authorize, can } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import {
  assertNoBlockingCycle,
  assertNotYetRelated,
  forwardRelation,
  relationSeenFrom,
  type RelatedTask,
  type RelationType,
  type TaskRelation,
} from '../../domain/tasks/relation.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import { recordAudit } from '../access/audit.js';
import {
  inOrganization,
  readInOrganization,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { recordHistory } from './history.js';
import { visibilityFilter, visibleTask } from './visibility.js';
import { writableTask } from './write-access.js';

type RelationDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** The task's relations from its side, oldest first; only those whose other task the caller sees. */
export async function listRelations(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<RelatedTask[]> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    return relationsOf(tx, access, task);
  });
}

/** One task with its relations, read in one transaction (the single-task read shows both). */
export async function getTaskWithRelations(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<{ readonly task: Task; readonly relations: RelatedTask[] }> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    return { task, relations: await relationsOf(tx, access, task) };
  });
}

export interface AddRelationInput {
  readonly type: RelationType;
  /** The other task, by id or key. */
  readonly taskId: string;
}

/**
 * Relates the task to another live task the caller sees, in any project of the organization.
 * 422 on `task_id` for the task itself or a task the caller cannot see (whether it exists is not
 * told); 409 for a relation the tasks already have (either way round) or a blocking cycle.
 */
export async function addRelation(
  deps: RelationDeps,
  access: OrganizationAccess,
  ref: string,
  input: AddRelationInput,
): Promise<RelatedTask> {
  authorize(access.grant, 'task:update');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:update');
    const other = await otherTask(tx, access, input.taskId);
    const wanted = forwardRelation(task.id, input.type, other.id);
    const relations = tx.tasks.relations;
    await relations.lockForCreation(organizationId, wanted.type, task.id, other.id);
    assertNotYetRelated(
      wanted,
      await relations.findBetween(organizationId, task.id, other.id, wanted.type),
    );
    if (wanted.type === 'blocks') {
      assertNoBlockingCycle(
        wanted,
        await relations.blocksTransitively(
          organizationId,
          wanted.targetTaskId,
          wanted.sourceTaskId,
        ),
      );
    }
    const relation = await relations.create({
      id: deps.ids.next(),
      organizationId,
      ...wanted,
      createdBy: actorIdOf(access.principal),
      createdAt: deps.clock.now(),
    });
    await recordChange(deps, tx, access, relation, task, 'relation_added');
    return {
      id: relation.id,
      type: relationSeenFrom(relation, task.id)?.type ?? input.type,
      taskId: other.id,
      taskKey: other.key,
      taskTitle: other.title,
      createdBy: relation.createdBy,
      createdAt: relation.createdAt,
    };
  });
}

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

function relationsOf(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  task: Task,
): Promise<RelatedTask[]> {
  return tx.tasks.relations.listFor(access.organization.id, task.id, visibilityFilter(access));
}

/** The other task: a live task of the organization the caller sees, or 422 on `task_id`. */
async function otherTask(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  ref: string,
): Promise<Task> {
  const other = await tx.tasks.find(access.organization.id, ref);
  if (!other || !can(access.grant, 'task:read', ownershipOf(other))) {
    throw ValidationError.field('task_id', 'No such task');
  }
  return other;
}

/** A history row on each task (the relation from its side) and one audit entry. */
async function recordChange(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  relation: TaskRelation,
  pathTask: Task,
  action: 'relation_added' | 'relation_removed',
): Promise<void> {
  for (const taskId of [relation.sourceTaskId, relation.targetTaskId]) {
    const seen = relationSeenFrom(relation, taskId);
    if (!seen) continue;
    await recordHistory(deps, tx, access, { id: taskId }, action, {
      type: seen.type,
      task_id: seen.otherTaskId,
    });
  }
  const seen = relationSeenFrom(relation, pathTask.id);
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: pathTask.id,
    changes: { relation_id: relation.id, type: seen?.type, task_id: seen?.otherTaskId },
  });
}
