// The references a task write names, each checked against the organization and the task's project
// (422 on the field that names it): type, parent, labels, members. (A status is the domain's:
// statusNamed in its workflow.)
import type { Project } from '../../domain/projects/project.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { MAX_LABELS_PER_TASK, type Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { labelIdsOf } from './named-references.js';

export function validationFailure(field: string, message: string): never {
  throw ValidationError.field(field, message);
}

export async function typeIdOf(
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

export async function parentIn(
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

/** A task's label set: each label once, sorted, at most MAX_LABELS_PER_TASK (422 on `labels`). */
export function labelSet(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)].sort();
  if (unique.length > MAX_LABELS_PER_TASK) {
    validationFailure('labels', `At most ${MAX_LABELS_PER_TASK} labels`);
  }
  return unique;
}

/** The label set `refs` (label ids or names) name, checked as labelSet does (422 on `labels`). */
export async function labelSetOf(
  tx: Pick<Repositories, 'labels'>,
  organizationId: string,
  refs: readonly string[],
): Promise<string[]> {
  labelSet(refs);
  return labelSet(await labelIdsOf(tx, organizationId, refs, (index) => `labels.${index}`));
}

/** A user a task is handed to must be a member of the organization (422 on `field`). */
export async function assertMember(
  tx: Pick<Repositories, 'memberships'>,
  organizationId: string,
  userId: string,
  field: string,
): Promise<void> {
  const member = isUuid(userId) && (await tx.memberships.find(organizationId, userId));
  if (!member) throw ValidationError.field(field, 'Not a member of the organization');
}
