// Use cases of tasks: create, read, change, move, delete, restore, and their history. Every change
// writes one history row (and one audit entry) in the transaction that makes it.
import { actorIdOf } from '../../domain/identity/principal.js';
import type { Project } from '../../domain/projects/project.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { ConflictError, notFound, ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import {
  assertDueAtOnCreate,
  assertParentAllowed,
  completedAtAfter,
  DEFAULT_PRIORITY,
  hours,
  MAX_LABELS_PER_TASK,
  taskDescription,
  taskTitle,
  type Priority,
  type Task,
} from '../../domain/tasks/task.js';
import { authorize } from '../../domain/access/authorize.js';
import { recordAudit } from '../access/audit.js';
import {
  inOrganization,
  readInOrganization,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import {
  assertInsideWriteWindow,
  assertMember,
  recordHistory,
  visibleTask,
  writableTask,
  writableTaskWithWorkflow,
} from './guard.js';
import type { HistoryCursor, TaskChanges, TaskHistoryEntry } from './ports.js';
import { pageOf } from '../shared/page.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface CreateTaskInput {
  readonly title: string;
  readonly description?: string | undefined;
  /** A task type of the project, by id or name. */
  readonly type?: string | undefined;
  readonly statusId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly assigneeId?: string | undefined;
  readonly dueAt?: Date | undefined;
  readonly estimateHours?: number | undefined;
  readonly parentId?: string | undefined;
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
  const labels = labelSet(input.labels ?? []);
  const priority = input.priority ?? DEFAULT_PRIORITY;
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    await assertInsideWriteWindow(deps, tx, access, priority);
    const { statuses, ...ref } =
      (await tx.projects.identifyWithWorkflow(organizationId, projectRef)) ?? notFound('project');
    const project = { ...ref, organizationId };
    const status = statusOf(statuses, input.statusId) ?? statuses[0] ?? notFound('status');
    const typeId = await typeIdOf(tx, project, input.type);
    if (input.assigneeId !== undefined)
      await assertMember(tx, organizationId, input.assigneeId, 'assignee_id');
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
      assigneeId: input.assigneeId ?? null,
      reporterId: actorIdOf(access.principal),
      parentId,
      labels,
      dueAt,
      estimateHours,
      completedAt: completedAtAfter(null, status.category, now),
      now,
    });
    const created = {
      key: task.key,
      title,
      status_id: task.statusId,
      priority,
      ...(task.assigneeId !== null && { assignee_id: task.assigneeId }),
      ...(parentId !== null && { parent_id: parentId }),
      ...(labels.length > 0 && { labels }),
    };
    await recordHistory(deps, tx, access, task, 'created', created);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task.created',
      targetType: 'task',
      targetId: task.id,
      changes: created,
    });
    return task;
  });
}

/** The task named by id or key, if the caller may see it. */
export async function getTask(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<Task> {
  return readInOrganization(deps, access, (tx) => visibleTask(tx, access, ref));
}

export interface UpdateTaskInput {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  /** A task type of the project by id or name; null removes the type. */
  readonly type?: string | null | undefined;
  readonly statusId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly assigneeId?: string | null | undefined;
  readonly dueAt?: Date | null | undefined;
  readonly estimateHours?: number | null | undefined;
  readonly actualHours?: number | null | undefined;
  readonly parentId?: string | null | undefined;
  /** The whole new label set. */
  readonly labels?: readonly string[] | undefined;
}

/** The fields of a task as history and audit name them, for diffs. */
function historyView(task: Task): Record<string, unknown> {
  return {
    title: task.title,
    description: task.description,
    type_id: task.typeId,
    status_id: task.statusId,
    priority: task.priority,
    assignee_id: task.assigneeId,
    parent_id: task.parentId,
    labels: task.labels.join(','),
    due_at: task.dueAt?.toISOString() ?? null,
    estimate_hours: task.estimateHours,
    actual_hours: task.actualHours,
    position: task.position,
    completed_at: task.completedAt?.toISOString() ?? null,
  };
}

/** `{field: {from, to}}` for every field that differs (labels as lists). */
export function taskChanges(
  before: Task,
  after: Task,
): Record<string, { from: unknown; to: unknown }> {
  const from = historyView(before);
  const to = historyView(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(to)) {
    if (from[field] === to[field]) continue;
    changes[field] =
      field === 'labels'
        ? { from: [...before.labels], to: [...after.labels] }
        : { from: from[field], to: to[field] };
  }
  return changes;
}

/**
 * Writes `changes` to the locked task `before` (already checked by writableTask), with one history
 * row and one audit entry when something changed. Shared by PATCH, moves and bulk changes.
 */
export async function applyTaskChanges(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  before: Task,
  changes: TaskChanges,
  action: 'updated' | 'moved',
): Promise<Task> {
  const after = await tx.tasks.update(access.organization.id, before.id, changes, deps.clock.now());
  const diff = taskChanges(before, after);
  await recordHistory(deps, tx, access, after, action, diff);
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: after.id,
    changes: diff,
  });
  return after;
}

export type StatusesOf = (projectId: string) => Promise<readonly WorkflowStatus[]>;

/**
 * Resolves an update request against the locked task into the changes to write: checks each
 * reference (status of the project, type, member, parent rule, labels) and derives
 * completed_at and the column position from a status change.
 */
export async function resolveChanges(
  deps: Pick<Deps, 'clock'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  input: UpdateTaskInput,
  /** The workflow of a project; a caller changing many tasks passes one that remembers. */
  statusesOf: StatusesOf = (projectId) =>
    tx.projects.statuses.list(access.organization.id, projectId),
): Promise<TaskChanges> {
  const organizationId = access.organization.id;
  const changes: { -readonly [K in keyof TaskChanges]: TaskChanges[K] } = {};
  if (input.title !== undefined) changes.title = taskTitle(input.title);
  if (input.description !== undefined) changes.description = taskDescription(input.description);
  if (input.priority !== undefined) changes.priority = input.priority;
  if (input.dueAt !== undefined) changes.dueAt = input.dueAt;
  if (input.estimateHours !== undefined) {
    changes.estimateHours = hours(input.estimateHours, 'estimate_hours');
  }
  if (input.actualHours !== undefined) {
    changes.actualHours = hours(input.actualHours, 'actual_hours');
  }
  if (input.labels !== undefined) changes.labels = labelSet(input.labels);
  if (input.assigneeId !== undefined) {
    if (input.assigneeId !== null)
      await assertMember(tx, organizationId, input.assigneeId, 'assignee_id');
    changes.assigneeId = input.assigneeId;
  }
  if (input.type !== undefined) {
    const project = { id: task.projectId, organizationId } as Pick<
      Project,
      'id' | 'organizationId'
    >;
    changes.typeId = input.type === null ? null : await typeIdOf(tx, project, input.type);
  }
  if (input.parentId !== undefined) {
    if (input.parentId === null) {
      changes.parentId = null;
    } else {
      await tx.tasks.lockTree(organizationId, task.projectId);
      const parent = await parentIn(tx, access, { id: task.projectId }, input.parentId);
      assertParentAllowed(
        task.id,
        await tx.tasks.ancestry(organizationId, parent.id),
        await tx.tasks.subtreeHeight(organizationId, task.id),
      );
      changes.parentId = parent.id;
    }
  }
  if (input.statusId !== undefined && input.statusId !== task.statusId) {
    const statuses = await statusesOf(task.projectId);
    const status = statusOf(statuses, input.statusId) ?? notFound('status');
    changes.statusId = status.id;
    changes.completedAt = completedAtAfter(task.completedAt, status.category, deps.clock.now());
    changes.position = 'bottom';
  }
  return changes;
}

/** Changes any editable field; a status change puts the task at the bottom of its new column. */
export async function updateTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  input: UpdateTaskInput,
  expectedVersion?: number,
): Promise<Task> {
  if (Object.values(input).every((value) => value === undefined)) {
    throw ValidationError.field('body', 'Nothing to change');
  }
  return inOrganization(deps, access, async (tx) => {
    // A status change needs the workflow: then it is read with the task.
    const { task: before, statuses } =
      input.statusId === undefined
        ? { task: await writableTask(deps, tx, access, ref, 'task:update', expectedVersion) }
        : await writableTaskWithWorkflow(deps, tx, access, ref, expectedVersion);
    const statusesOf = statuses && (async () => statuses);
    const changes = await resolveChanges(deps, tx, access, before, input, statusesOf);
    return applyTaskChanges(deps, tx, access, before, changes, 'updated');
  });
}

export interface MoveTaskInput {
  readonly statusId: string;
  readonly beforeId?: string | undefined;
  readonly afterId?: string | undefined;
}

/**
 * Kanban move: into a column of the project, before or after a task of that column (or at its
 * bottom), in one transaction writing the task's row only (unless the column must be renumbered).
 */
export async function moveTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  input: MoveTaskInput,
  expectedVersion?: number,
): Promise<Task> {
  if (input.beforeId !== undefined && input.afterId !== undefined) {
    throw ValidationError.field('before_id', 'Give before_id or after_id, not both');
  }
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const { task: before, statuses } = await writableTaskWithWorkflow(
      deps,
      tx,
      access,
      ref,
      expectedVersion,
    );
    const status =
      statusOf(statuses, input.statusId) ??
      validationFailure('status_id', 'Not a status of the task’s project');
    const anchored = input.beforeId !== undefined || input.afterId !== undefined;
    const position = anchored
      ? await tx.tasks.positionFor(organizationId, before.projectId, before.id, {
          statusId: status.id,
          beforeId: input.beforeId,
          afterId: input.afterId,
        })
      : 'bottom';
    return applyTaskChanges(
      deps,
      tx,
      access,
      before,
      {
        statusId: status.id,
        position,
        completedAt: completedAtAfter(before.completedAt, status.category, deps.clock.now()),
      },
      'moved',
    );
  });
}

/** Soft-deletes the task: it answers 404 until restored; its key stays taken. */
export async function deleteTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<void> {
  await inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:delete', expectedVersion);
    const now = deps.clock.now();
    await tx.tasks.setDeleted(access.organization.id, task.id, now, now);
    await recordLifecycle(deps, tx, access, task, 'deleted');
  });
}

/** Brings a deleted task back (to where it was); a task that is not deleted answers 409. */
export async function restoreTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<Task> {
  return inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:delete', expectedVersion, {
      includeDeleted: true,
    });
    if (task.deletedAt === null) throw new ConflictError('The task is not deleted');
    const restored = await tx.tasks.setDeleted(
      access.organization.id,
      task.id,
      null,
      deps.clock.now(),
    );
    await recordLifecycle(deps, tx, access, task, 'restored');
    return restored;
  });
}

async function recordLifecycle(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  action: 'deleted' | 'restored',
): Promise<void> {
  await recordHistory(deps, tx, access, task, action, {});
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: task.id,
    changes: { key: task.key, title: task.title },
  });
}

export interface HistoryPage {
  readonly items: TaskHistoryEntry[];
  readonly nextCursor: HistoryCursor | null;
}

/** The task's history, newest first. */
export async function taskHistory(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
  page: { readonly limit: number; readonly after?: HistoryCursor | undefined },
): Promise<HistoryPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    const rows = await tx.tasks.history.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    const { items, next } = pageOf(rows, page.limit, (last) => ({ at: last.at, id: last.id }));
    return { items, nextCursor: next };
  });
}

// --- references -------------------------------------------------------------------------------

function validationFailure(field: string, message: string): never {
  throw ValidationError.field(field, message);
}

function statusOf(
  statuses: readonly WorkflowStatus[],
  statusId: string | undefined,
): WorkflowStatus | undefined {
  if (statusId === undefined) return undefined;
  return (
    statuses.find((status) => status.id === statusId) ??
    validationFailure('status_id', 'Not a status of the task’s project')
  );
}

async function typeIdOf(
  tx: Pick<Repositories, 'projects'>,
  project: Pick<Project, 'id' | 'organizationId'>,
  type: string | undefined,
): Promise<string | null> {
  if (type === undefined) return null;
  const types = await tx.projects.taskTypes.list(project.organizationId, project.id);
  const wanted = type.trim().toLowerCase();
  const found = types.find((t) => t.id === type || t.name.toLowerCase() === wanted);
  return found?.id ?? validationFailure('type', 'Not a task type of the project');
}

async function parentIn(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  project: Pick<Project, 'id'>,
  parentRef: string,
): Promise<Task> {
  const parent = await tx.tasks.find(access.organization.id, parentRef);
  if (!parent || parent.projectId !== project.id) {
    validationFailure('parent_id', 'Must be a task of the same project');
  }
  return parent;
}

function labelSet(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)].sort();
  if (unique.length > MAX_LABELS_PER_TASK) {
    validationFailure('labels', `At most ${MAX_LABELS_PER_TASK} labels`);
  }
  if (!unique.every(isUuid)) validationFailure('labels', 'Labels are label ids');
  return unique;
}
