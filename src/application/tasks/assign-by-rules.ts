// Choosing the assignee of a new task without one, by its project's assignment rules, inside the
// creating transaction: the first matching rule that can assign someone wins (a rule whose target
// is gone, or whose team has nobody who may write tasks, is passed over; the rule list reports it).
import {
  matchingRules,
  pickAssignee,
  type AssignmentStrategy,
  type TaskFacts,
} from '../../domain/projects/assignment-rules.js';
import { eligible } from '../projects/assignment-rules.js';
import type { Repositories } from '../shared/unit-of-work.js';

export interface RuleAssignment {
  readonly assigneeId: string;
  /** The rule that assigned, as history and the audit entry record it. */
  readonly rule: {
    readonly id: string;
    readonly position: number;
    readonly strategy: AssignmentStrategy;
  };
}

/**
 * The assignee the project's rules give a task with `facts`, or undefined. Locks the project's rule
 * list first, so creations take a rule's turns one after another (round robin stays fair under
 * concurrency) and least-loaded counts see the creations before them.
 */
export async function assignByRules(
  tx: Repositories,
  organizationId: string,
  projectId: string,
  facts: TaskFacts,
): Promise<RuleAssignment | undefined> {
  const set = await tx.assignmentRules.lockForAssignment(organizationId, projectId);
  if (!set) return undefined;
  for (const rule of matchingRules(set.rules, facts)) {
    const target = rule.teamId !== null ? { teamId: rule.teamId } : { userId: rule.assigneeId! };
    const candidates = await eligible(
      tx,
      organizationId,
      await tx.assignmentRules.candidates(organizationId, target),
    );
    const assigneeId = pickAssignee(rule.strategy, candidates, set.turns[rule.id] ?? 0);
    if (assigneeId === undefined) continue;
    if (rule.strategy !== 'fixed')
      await tx.assignmentRules.takeTurn(organizationId, projectId, rule.id);
    return {
      assigneeId,
      rule: { id: rule.id, position: set.rules.indexOf(rule), strategy: rule.strategy },
    };
  }
  return undefined;
}
