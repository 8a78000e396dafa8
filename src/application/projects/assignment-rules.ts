// Reading and replacing a project's assignment rules. The list is replaced whole (If-Match on its
// version); each rule's references are checked when it is written (422 naming the rule's field)
// and again whenever the list is read: a rule whose team, member, type or label has gone since, or
// whose team has nobody left who may write tasks, is reported with its problem, not hidden.
import { authorize, permissionsOf } from '../../domain/access/authorize.js';
import {
  mayTakeAssignment,
  planAssignmentRules,
  ruleIssues,
  type AssignmentRule,
  type AssignmentStrategy,
  type DesiredRule,
} from '../../domain/projects/assignment-rules.js';
import {
  PreconditionFailedError,
  ValidationError,
  type FieldIssue,
} from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Priority } from '../../domain/tasks/task.js';
import { recordAudit } from '../access/audit.js';
import {
  inOrganization,
  permissionsOfRole,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { labelIdsOf } from '../tasks/named-references.js';
import type { RuleCandidate } from './assignment-ports.js';
import { liveProjectRef } from './live-project.js';

export type RuleProblem =
  | 'task_type_missing'
  | 'label_missing'
  | 'team_missing'
  | 'assignee_not_member'
  | 'assignee_cannot_write'
  | 'no_eligible_member';

export interface ReportedRule extends AssignmentRule {
  /** Null while the rule can assign; else why it assigns nobody (creations skip it). */
  readonly problem: RuleProblem | null;
}

export interface ReportedRules {
  readonly rules: readonly ReportedRule[];
  readonly version: number;
}

/** A rule as a client sends it: the type and label by id or name. */
export interface RuleInput {
  readonly id?: string | undefined;
  readonly taskType?: string | undefined;
  readonly label?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly teamId?: string | undefined;
  readonly assigneeId?: string | undefined;
  readonly strategy: AssignmentStrategy;
}

type RuleDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export async function getAssignmentRules(
  deps: RuleDeps,
  access: OrganizationAccess,
  projectRef: string,
): Promise<ReportedRules> {
  authorize(access.grant, 'project:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProjectRef(tx, organizationId, projectRef);
    const set = await tx.assignmentRules.get(organizationId, project.id);
    return {
      rules: await reported(tx, organizationId, project.id, set.rules),
      version: set.version,
    };
  });
}

export async function replaceAssignmentRules(
  deps: RuleDeps,
  access: OrganizationAccess,
  projectRef: string,
  input: readonly RuleInput[],
  expectedVersion?: number,
): Promise<ReportedRules> {
  authorize(access.grant, 'project:update');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProjectRef(tx, organizationId, projectRef);
    const rules = planAssignmentRules(await resolved(tx, organizationId, project.id, input), () =>
      deps.ids.next(),
    );
    const before = await tx.assignmentRules.get(organizationId, project.id);
    const after = await tx.assignmentRules.replace(
      organizationId,
      project.id,
      rules,
      deps.clock.now(),
      expectedVersion,
    );
    if (!after) throw new PreconditionFailedError();
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.assignment_rules_replaced',
      targetType: 'project',
      targetId: project.id,
      about: { projectId: project.id, key: project.key },
      changes: { assignment_rules: { from: before.rules, to: rules } },
    });
    return { rules: await reported(tx, organizationId, project.id, rules), version: after.version };
  });
}

/**
 * The rules with their types and labels named by id (a name looked up: 422 on `<i>.task_type` or
 * `<i>.label` when nothing has it) and every named target checked to exist now.
 */
async function resolved(
  tx: Repositories,
  organizationId: string,
  projectId: string,
  input: readonly RuleInput[],
): Promise<DesiredRule[]> {
  const types = await tx.projects.taskTypes.list(organizationId, projectId);
  const labelRefs = input.flatMap((rule, index) =>
    rule.label ? [{ ref: rule.label, index }] : [],
  );
  // Every rule's faults at once: its shape, then the names that name nothing.
  const issues: FieldIssue[] = ruleIssues(input);
  const labelIds = await labelIdsOf(
    tx,
    organizationId,
    labelRefs.map((entry) => entry.ref),
    (i) => `${labelRefs[i]!.index}.label`,
  ).catch((error: unknown) => {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.details);
    return [];
  });
  const labelOf = new Map(labelRefs.map((entry, i) => [entry.index, labelIds[i]]));
  const rules = input.map((rule, index): RuleInput => {
    let taskType: string | undefined;
    if (rule.taskType !== undefined) {
      const wanted = rule.taskType.trim().toLowerCase();
      taskType = types.find((t) => t.id === rule.taskType || t.name.toLowerCase() === wanted)?.id;
      if (taskType === undefined) {
        issues.push({ field: `${index}.task_type`, message: 'Not a task type of the project' });
      }
    }
    for (const field of ['teamId', 'assigneeId'] as const) {
      const id = rule[field];
      if (id !== undefined && !isUuid(id)) {
        issues.push({ field: `${index}.${snake(field)}`, message: 'Must be an id' });
      }
    }
    return { ...rule, taskType, label: labelOf.get(index) };
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const found = await tx.assignmentRules.existing(organizationId, projectId, {
    taskTypeIds: [],
    labelIds: rules.flatMap((rule) => (rule.label ? [rule.label] : [])),
    teamIds: rules.flatMap((rule) => (rule.teamId ? [rule.teamId] : [])),
    memberIds: rules.flatMap((rule) => (rule.assigneeId ? [rule.assigneeId] : [])),
  });
  rules.forEach((rule, index) => {
    if (rule.label !== undefined && !found.labelIds.has(rule.label)) {
      issues.push({ field: `${index}.label`, message: 'Not a label of the organization' });
    }
    if (rule.teamId !== undefined && !found.teamIds.has(rule.teamId)) {
      issues.push({ field: `${index}.team_id`, message: 'Not a team of the organization' });
    }
    if (rule.assigneeId !== undefined && !found.memberIds.has(rule.assigneeId)) {
      issues.push({ field: `${index}.assignee_id`, message: 'Not a member of the organization' });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return rules.map(({ taskType, label, ...rule }) => ({
    ...rule,
    taskTypeId: taskType,
    labelId: label,
  }));
}

const snake = (field: 'teamId' | 'assigneeId') => (field === 'teamId' ? 'team_id' : 'assignee_id');

/** The candidates of `candidates` whose role may write a task assigned to them. */
export async function eligible(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  candidates: readonly RuleCandidate[],
): Promise<RuleCandidate[]> {
  const writes = new Map<string, boolean>();
  for (const role of new Set(candidates.map((candidate) => candidate.role))) {
    const permissions = permissionsOf((await permissionsOfRole(tx, organizationId, role)) ?? []);
    writes.set(role, mayTakeAssignment(role, permissions));
  }
  return candidates.filter((candidate) => writes.get(candidate.role) === true);
}

async function reported(
  tx: Repositories,
  organizationId: string,
  projectId: string,
  rules: readonly AssignmentRule[],
): Promise<ReportedRule[]> {
  const ids = (pick: (rule: AssignmentRule) => string | null) =>
    rules.flatMap((rule) => (pick(rule) === null ? [] : [pick(rule)!]));
  const found = await tx.assignmentRules.existing(organizationId, projectId, {
    taskTypeIds: ids((rule) => rule.taskTypeId),
    labelIds: ids((rule) => rule.labelId),
    teamIds: ids((rule) => rule.teamId),
    memberIds: ids((rule) => rule.assigneeId),
  });
  const result: ReportedRule[] = [];
  for (const rule of rules) {
    result.push({ ...rule, problem: await problemOf(tx, organizationId, rule, found) });
  }
  return result;
}

async function problemOf(
  tx: Repositories,
  organizationId: string,
  rule: AssignmentRule,
  found: Awaited<ReturnType<Repositories['assignmentRules']['existing']>>,
): Promise<RuleProblem | null> {
  if (rule.taskTypeId !== null && !found.taskTypeIds.has(rule.taskTypeId)) {
    return 'task_type_missing';
  }
  if (rule.labelId !== null && !found.labelIds.has(rule.labelId)) return 'label_missing';
  if (rule.teamId !== null && !found.teamIds.has(rule.teamId)) return 'team_missing';
  if (rule.assigneeId !== null && !found.memberIds.has(rule.assigneeId)) {
    return 'assignee_not_member';
  }
  const target = rule.teamId !== null ? { teamId: rule.teamId } : { userId: rule.assigneeId! };
  const candidates = await tx.assignmentRules.candidates(organizationId, target);
  if ((await eligible(tx, organizationId, candidates)).length > 0) return null;
  return rule.teamId !== null ? 'no_eligible_member' : 'assignee_cannot_write';
}
