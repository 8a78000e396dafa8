// Creating a task: checked references, the next key of the project, the bottom of its column, and
// the history row and audit entry of its creation.
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import { planTaskCreation } from '../../domain/tasks/task-change.js';
import { creationRecord } from '../../domain/tasks/task-events.js';
import {
  assertDueAtOnCreate,
  assertParentAllowed,
  DEFAULT_PRIORITY,
  hours,
  taskDescription,
  taskTitle,
  type Priority,
  type Task,
} from '../../domain/tasks/task.js';
import { authorize } from '../../domain/access/authorize.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { recordChange } from './task-changes.js';
import { assertMember, labelSet, labelSetOf, parentIn, typeIdOf } from './task-references.js';
import { assertInsideWriteWindow } from './write-access.js';
import { assignByRules } from './assign-by-rules.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface CreateTaskInput {
  readonly title: string;
  readonly description?: string | undefined;
  /** A task type of the project, by id or name. */
  readonly type?: string | undefined;
  /** A status of the project, by id or name (default: the workflow's first). */
  readonly statusId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly assigneeId?: string | undefined;
  readonly dueAt?: Date | undefined;
  readonly estimateHours?: number | undefined;
  /** A task of the project, by id or key. */
  readonly parentId?: string | undefined;
  /** Labels of the organization, by id or name. */
  readonly labels?: readonly string[] | undefined;
}

/** Creates a task in the project with the next key (RE-n), at the bottom of its column. */
export async function createTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  projectRef: string,
  input: CreateTaskInput,
): Promise<Task> {
  authorize(access.grant, 'task:create');
  const title = taskTitle(input.title);
  const description = taskDescription(input.description ?? '');
  const estimateHours = hours(input.estimateHours ?? null, 'estimate_hours');
  const dueAt = input.dueAt ?? null;
  const now = deps.clock.now();
  assertDueAtOnCreate(dueAt, now);
  labelSet(input.labels ?? []);
  const priority = input.priority ?? DEFAULT_PRIORITY;
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    await assertInsideWriteWindow(deps, tx, access, priority);
    const { statuses, ...ref } =
      (await tx.projects.identifyWithWorkflow(organizationId, projectRef)) ?? notFound('project');
    const project = { ...ref, organizationId };
    const { status, completedAt } = planTaskCreation(statuses, input.statusId, now);
    const typeId = await typeIdOf(tx, project, input.type);
    const labels = await labelSetOf(tx, organizationId, input.labels ?? []);
    if (input.assigneeId !== undefined)
      await assertMember(tx, organizationId, input.assigneeId, 'assignee_id');
    // An assignee the request names wins over the rules.
    const byRule =
      input.assigneeId === undefined && ref.hasAssignmentRules
        ? await assignByRules(tx, organizationId, project.id, { typeId, labels, priority })
        : undefined;
    let parentId: string | null = null;
    if (input.parentId !== undefined) {
      await tx.tasks.lockTree(organizationId, project.id);
      const parent = await parentIn(tx, access, project, input.parentId);
      assertParentAllowed(undefined, await tx.tasks.ancestry(organizationId, parent.id));
      parentId = parent.id;
    }
    const task = await tx.tasks.create({
      id: deps.ids.next(),
      organizationId,
      projectId: project.id,
      title,
      description,
      typeId,
      statusId: status.id,
      priority,
      assigneeId: input.assigneeId ?? byRule?.assigneeId ?? null,
      reporterId: actorIdOf(access.principal),
      parentId,
      labels,
      dueAt,
      estimateHours,
      completedAt,
      now,
    });
    // History records the creation as a diff from nothing; the audit entry keeps its summary.
    const summary = {
      key: task.key,
      title,
      status_id: task.statusId,
      priority,
      ...(task.assigneeId !== null && { assignee_id: task.assigneeId }),
      ...(parentId !== null && { parent_id: parentId }),
      ...(labels.length > 0 && { labels }),
    };
    const record = creationRecord(task, now);
    const rule = byRule && { assignment_rule: { from: null, to: byRule.rule } };
    await recordChange(
      deps,
      tx,
      access,
      task,
      { ...record, changes: { ...record.changes, ...rule } },
      { ...summary, ...rule },
    );
    return task;
  });
}
