// A project's workflow: its ordered statuses (kanban columns), each in one category.
import { ValidationError, type FieldIssue } from '../shared/errors.js';
import { isUuid } from '../shared/id.js';

export const STATUS_CATEGORIES = ['todo', 'in_progress', 'done'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

export interface WorkflowStatus {
  readonly id: string;
  readonly name: string;
  readonly category: StatusCategory;
  /** 0-based place in the workflow, left to right. */
  readonly position: number;
}

/** One entry of a requested workflow: an existing status (by id) or a new one. */
export interface DesiredStatus {
  readonly id?: string | undefined;
  readonly name: string;
  readonly category: StatusCategory;
}

export const MAX_WORKFLOW_STATUSES = 30;
export const STATUS_NAME_MAX_LENGTH = 50;

export const DEFAULT_WORKFLOW: readonly Omit<DesiredStatus, 'id'>[] = [
  { name: 'To Do', category: 'todo' },
  { name: 'In Progress', category: 'in_progress' },
  { name: 'In Review', category: 'in_progress' },
  { name: 'Done', category: 'done' },
];

/** The statuses a new project starts with. */
export function defaultWorkflow(newId: () => string): WorkflowStatus[] {
  return DEFAULT_WORKFLOW.map((status, position) => ({ id: newId(), ...status, position }));
}

export interface WorkflowPlan {
  /** The whole new workflow, in order. */
  readonly statuses: readonly WorkflowStatus[];
  /** Existing statuses that stay (with their new name, category and position). */
  readonly kept: readonly WorkflowStatus[];
  readonly added: readonly WorkflowStatus[];
  /** Existing statuses absent from the new list. */
  readonly dropped: readonly WorkflowStatus[];
  /** Kept statuses whose category changes (their tasks' `completed_at` follows). */
  readonly recategorized: readonly WorkflowStatus[];
  /** False when the new list equals the current one. */
  readonly changed: boolean;
}

/**
 * Plans replacing `current` by `desired` (in the order given). Entries with an id keep that
 * status's identity; entries without one become new statuses. The result must hold at least one
 * `todo` and one `done` status, and no two names that differ only in case. Every broken rule is
 * reported at once; fields are `<index>.name`, `<index>.id`, or `body` for rules of the whole list.
 */
export function planWorkflow(
  current: readonly WorkflowStatus[],
  desired: readonly DesiredStatus[],
  newId: () => string,
): WorkflowPlan {
  const issues: FieldIssue[] = [];
  const currentById = new Map(current.map((status) => [status.id, status]));
  const seenIds = new Set<string>();
  const seenNames = new Set<string>();
  const statuses: WorkflowStatus[] = [];
  const kept: WorkflowStatus[] = [];
  const added: WorkflowStatus[] = [];

  if (desired.length === 0 || desired.length > MAX_WORKFLOW_STATUSES) {
    issues.push({ field: 'body', message: `Must list 1–${MAX_WORKFLOW_STATUSES} statuses` });
  }
  desired.forEach((entry, position) => {
    const name = entry.name.trim();
    if (name.length === 0) issues.push({ field: `${position}.name`, message: 'Must not be empty' });
    else if (name.length > STATUS_NAME_MAX_LENGTH) {
      issues.push({
        field: `${position}.name`,
        message: `Must be at most ${STATUS_NAME_MAX_LENGTH} characters`,
      });
    } else if (seenNames.has(name.toLowerCase())) {
      issues.push({ field: `${position}.name`, message: 'Another status has this name' });
    }
    seenNames.add(name.toLowerCase());

    if (entry.id === undefined) {
      const status = { id: newId(), name, category: entry.category, position };
      statuses.push(status);
      added.push(status);
      return;
    }
    if (!currentById.has(entry.id)) {
      issues.push({ field: `${position}.id`, message: 'Not a status of this project' });
    } else if (seenIds.has(entry.id)) {
      issues.push({ field: `${position}.id`, message: 'Listed more than once' });
    }
    seenIds.add(entry.id);
    const status = { id: entry.id, name, category: entry.category, position };
    statuses.push(status);
    kept.push(status);
  });

  for (const category of ['todo', 'done'] as const) {
    if (!statuses.some((status) => status.category === category)) {
      issues.push({ field: 'body', message: `Needs at least one '${category}' status` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const dropped = current.filter((status) => !seenIds.has(status.id));
  const recategorized = kept.filter(
    (status) => status.category !== currentById.get(status.id)?.category,
  );
  const changed =
    added.length > 0 ||
    dropped.length > 0 ||
    kept.some((status) => !sameStatus(status, currentById.get(status.id)));
  return { statuses, kept, added, dropped, recategorized, changed };
}

function sameStatus(a: WorkflowStatus, b: WorkflowStatus | undefined): boolean {
  return (
    b !== undefined && a.name === b.name && a.category === b.category && a.position === b.position
  );
}

/**
 * The status named by `move_to` in a planned workflow: the id of a status that stays, or the name
 * (any case) of a status in the new list, a new one included. A dropped status is no target.
 */
export function moveTarget(plan: WorkflowPlan, ref: string): WorkflowStatus {
  const byId = plan.kept.find((status) => status.id === ref);
  if (byId) return byId;
  const name = ref.trim().toLowerCase();
  const byName = plan.statuses.find((status) => status.name.toLowerCase() === name);
  if (byName) return byName;
  throw ValidationError.field(
    'move_to',
    'Must be the id of a status that stays, or the name of a status in the new list',
  );
}

/**
 * The status of a workflow that `ref` names: its id, or its name ignoring case and surrounding
 * spaces (names are unique in a workflow whatever their case, so a name names one status at most).
 * A UUID is only ever read as an id.
 */
export function statusNamed(
  statuses: readonly WorkflowStatus[],
  ref: string,
): WorkflowStatus | undefined {
  const id = ref.toLowerCase();
  const byId = statuses.find((status) => status.id === ref || status.id === id);
  if (byId || isUuid(ref)) return byId;
  const name = ref.trim().toLowerCase();
  return statuses.find((status) => status.name.toLowerCase() === name);
}

/** The message for a `ref` no status answers to in `where` ("the task’s project"). */
export function unknownStatusMessage(ref: string, where: string): string {
  return isUuid(ref) ? `Not a status of ${where}` : `No status named “${ref}” in ${where}`;
}
