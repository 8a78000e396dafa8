// Assignment rules: how a project picks the assignee of a task created without one. An ordered
// list; a rule matches a task by its type, a label and its priority (each optional); it names a
// person (`fixed`) or a team whose members take turns (`round_robin`) or the one with the fewest
// open tasks (`least_loaded`, ties taking turns). Pure: the plan of a list (every broken rule
// reported at once), which rules match a task, and whom a rule picks among its candidates.
import { can, type Permission } from '../access/authorize.js';
import { ValidationError, type FieldIssue } from '../shared/errors.js';
import { isUuid } from '../shared/id.js';
import type { Priority } from '../tasks/task.js';

export const ASSIGNMENT_STRATEGIES = ['fixed', 'round_robin', 'least_loaded'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];
export const MAX_ASSIGNMENT_RULES = 50;

export interface AssignmentRule {
  readonly id: string;
  /** Matches tasks of this type only (a type id of the project). */
  readonly taskTypeId: string | null;
  /** Matches tasks that carry this label (a label id of the organization). */
  readonly labelId: string | null;
  readonly priority: Priority | null;
  /** `round_robin` and `least_loaded` pick among this team's members. */
  readonly teamId: string | null;
  /** `fixed` assigns this member. */
  readonly assigneeId: string | null;
  readonly strategy: AssignmentStrategy;
}

/** A rule as a PUT sends it, its references already resolved to ids (undefined: not given). */
export interface DesiredRule {
  readonly id?: string | undefined;
  readonly taskTypeId?: string | undefined;
  readonly labelId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly teamId?: string | undefined;
  readonly assigneeId?: string | undefined;
  readonly strategy: AssignmentStrategy;
}

/**
 * The rules `desired` asks for, in order, each with its id (kept when given, else new); every
 * broken rule reported at once (ruleIssues).
 */
export function planAssignmentRules(
  desired: readonly DesiredRule[],
  newId: () => string,
): AssignmentRule[] {
  const issues = ruleIssues(desired);
  if (issues.length > 0) throw new ValidationError(issues);
  return desired.map((rule) => ({
    id: rule.id ?? newId(),
    taskTypeId: rule.taskTypeId ?? null,
    labelId: rule.labelId ?? null,
    priority: rule.priority ?? null,
    teamId: rule.teamId ?? null,
    assigneeId: rule.assigneeId ?? null,
    strategy: rule.strategy,
  }));
}

/**
 * What is wrong with the rules as written: `<index>.strategy` when the target does not fit the
 * strategy (`fixed` takes an assignee_id; the others a team_id), `<index>.id` for a malformed or
 * repeated id, `body` for too many rules.
 */
export function ruleIssues(
  desired: readonly Pick<DesiredRule, 'id' | 'teamId' | 'assigneeId' | 'strategy'>[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (desired.length > MAX_ASSIGNMENT_RULES) {
    issues.push({ field: 'body', message: `At most ${MAX_ASSIGNMENT_RULES} rules` });
  }
  const ids = new Set<string>();
  desired.forEach((rule, index) => {
    if (rule.id !== undefined) {
      if (!isUuid(rule.id)) issues.push({ field: `${index}.id`, message: 'Must be a rule id' });
      else if (ids.has(rule.id)) issues.push({ field: `${index}.id`, message: 'Repeated' });
      ids.add(rule.id);
    }
    const fixed = rule.strategy === 'fixed';
    if (fixed && (rule.assigneeId === undefined || rule.teamId !== undefined)) {
      issues.push({
        field: `${index}.strategy`,
        message: 'fixed takes an assignee_id (no team_id)',
      });
    }
    if (!fixed && (rule.teamId === undefined || rule.assigneeId !== undefined)) {
      issues.push({
        field: `${index}.strategy`,
        message: `${rule.strategy} takes a team_id (no assignee_id)`,
      });
    }
  });
  return issues;
}

/** What a rule may match of a new task. */
export interface TaskFacts {
  readonly typeId: string | null;
  readonly labels: readonly string[];
  readonly priority: Priority;
}

/** The rules whose conditions the task meets, in the list's order. */
export function matchingRules(
  rules: readonly AssignmentRule[],
  task: TaskFacts,
): readonly AssignmentRule[] {
  return rules.filter(
    (rule) =>
      (rule.taskTypeId === null || rule.taskTypeId === task.typeId) &&
      (rule.labelId === null || task.labels.includes(rule.labelId)) &&
      (rule.priority === null || rule.priority === task.priority),
  );
}

/** A member a rule may assign: one who may write the task once assigned. */
export interface Candidate {
  readonly userId: string;
  /** Live tasks assigned to them outside a done status, across the organization. */
  readonly openTasks: number;
}

/**
 * Whom `strategy` picks among `candidates` (eligible members, in a stable order) on its `turn`
 * (how many tasks the rule assigned before): round robin the next in order; least loaded the
 * one with the fewest open tasks, ties taking turns; fixed its one candidate. Undefined when there
 * is nobody to pick.
 */
export function pickAssignee(
  strategy: AssignmentStrategy,
  candidates: readonly Candidate[],
  turn: number,
): string | undefined {
  if (candidates.length === 0) return undefined;
  if (strategy === 'least_loaded') {
    const fewest = Math.min(...candidates.map((candidate) => candidate.openTasks));
    const tied = candidates.filter((candidate) => candidate.openTasks === fewest);
    return tied[turn % tied.length]!.userId;
  }
  return candidates[turn % candidates.length]!.userId;
}

/** Whether a member with `role` may work a task once it is assigned to them (update it). */
export function mayTakeAssignment(role: string, permissions: ReadonlySet<Permission>): boolean {
  const member = 'assignee';
  return can({ actorId: member, role, permissions }, 'task:update', { assigneeId: member });
}
