// Relating a task to another task of the organization (any project).
import { authorize, can } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { ValidationError } from '../../domain/shared/errors.js';
import {
  assertNoBlockingCycle,
  assertNotYetRelated,
  assertRoomForRelation,
  forwardRelation,
  relationSeenFrom,
  type RelatedTask,
  type RelationType,
} from '../../domain/tasks/relation.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { writableTask } from './write-access.js';
import { recordChange, type RelationDeps } from './relation-changes.js';

export interface AddRelationInput {
  readonly type: RelationType;
  /** The other task, by id or key. */
  readonly taskId: string;
}

/**
 * Relates the task to another live task the caller sees, in any project of the organization.
 * 422 on `task_id` for the task itself or a task the caller cannot see (whether it exists is not
 * told); 409 for a relation the tasks already have (either way round), a blocking cycle, or a
 * task that takes part in the most relations it may.
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
    const [mine = 0, theirs = 0] = await relations.countLocked(organizationId, [task.id, other.id]);
    assertRoomForRelation([
      { taskKey: task.key, relations: mine },
      { taskKey: other.key, relations: theirs },
    ]);
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
