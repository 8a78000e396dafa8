// The port of assignment rules: a project's rule list (one versioned document) with the turn
// counters of its rules, and what evaluating and reporting rules reads about people and names.
import type { AssignmentRule } from '../../domain/projects/assignment-rules.js';

export interface AssignmentRuleSet {
  readonly rules: readonly AssignmentRule[];
  /** 0 while the project never had rules (If-Match "0" then creates the list). */
  readonly version: number;
}

/** A member a rule could assign, before the check of what their role may do. */
export interface RuleCandidate {
  readonly userId: string;
  readonly role: string;
  /** Live tasks assigned to them in a status outside `done`, across the organization. */
  readonly openTasks: number;
}

/** Which of the ids rules name still exist (types of the project, labels, teams, members). */
export interface ExistingTargets {
  readonly taskTypeIds: ReadonlySet<string>;
  readonly labelIds: ReadonlySet<string>;
  readonly teamIds: ReadonlySet<string>;
  readonly memberIds: ReadonlySet<string>;
}

export interface AssignmentRuleRepository {
  get(organizationId: string, projectId: string): Promise<AssignmentRuleSet>;
  /**
   * Replaces the list (turn counters of rules that stay are kept) and bumps the version; undefined
   * when `expectedVersion` is given and is not the current one.
   */
  replace(
    organizationId: string,
    projectId: string,
    rules: readonly AssignmentRule[],
    now: Date,
    expectedVersion?: number,
  ): Promise<AssignmentRuleSet | undefined>;
  /**
   * The list and each rule's turn (how many tasks it assigned), the row locked until the
   * transaction ends: creations that a rule assigns take their turns one after another.
   */
  lockForAssignment(
    organizationId: string,
    projectId: string,
  ): Promise<
    | {
        readonly rules: readonly AssignmentRule[];
        readonly turns: Readonly<Record<string, number>>;
      }
    | undefined
  >;
  /** Counts one more task assigned by the rule (the row is locked by lockForAssignment). */
  takeTurn(organizationId: string, projectId: string, ruleId: string): Promise<void>;
  /**
   * The members of the team, or the one user, who are members of the organization, ordered by
   * user id, each with their role and open tasks.
   */
  candidates(
    organizationId: string,
    target: { readonly teamId: string } | { readonly userId: string },
  ): Promise<RuleCandidate[]>;
  existing(
    organizationId: string,
    projectId: string,
    ids: {
      readonly taskTypeIds: readonly string[];
      readonly labelIds: readonly string[];
      readonly teamIds: readonly string[];
      readonly memberIds: readonly string[];
    },
  ): Promise<ExistingTargets>;
}
