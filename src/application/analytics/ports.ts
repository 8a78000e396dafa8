// The port analytics reads through: the figures of the tasks a caller may count, in two reads
// (the state now; the completions of a period).
import type { EfficiencyInputs } from '../../domain/analytics/efficiency.js';
import type { StatusCategory } from '../../domain/projects/workflow.js';
import type { Priority } from '../../domain/tasks/task.js';

/**
 * Which tasks count: the organization's live tasks (of live projects), narrowed by the filters,
 * and for a caller limited to its own (`analytics:read:own`) to those assigned to it or reported
 * by it, and, with `viaTeams`, those assigned to a member of one of its teams.
 */
export interface AnalyticsSelection {
  readonly projectId?: string | undefined;
  readonly teamId?: string | undefined;
  readonly assigneeId?: string | undefined;
  readonly own?: { readonly userId: string; readonly viaTeams: boolean } | undefined;
}

export interface CurrentFigures {
  readonly total: number;
  readonly byCategory: Readonly<Record<StatusCategory, number>>;
  readonly byPriority: Readonly<Record<Priority, number>>;
  readonly byType: readonly {
    readonly typeId: string | null;
    readonly type: string | null;
    readonly count: number;
  }[];
  /** Open and all tasks per assignee (null: unassigned), with the open tasks' estimates. */
  readonly byAssignee: readonly {
    readonly assigneeId: string | null;
    readonly count: number;
    readonly open: number;
    readonly openEstimateHours: number;
  }[];
  /** Open tasks whose due_at has passed. */
  readonly overdue: number;
  /** The tasks assigned to `me`, by category (undefined without a user). */
  readonly mine: Readonly<Record<StatusCategory, number>> | undefined;
  readonly efficiency: EfficiencyInputs;
}

export interface PeriodFigures {
  /** Completions per week (Monday 00:00 UTC, `YYYY-MM-DD`), only weeks with some. */
  readonly completedByWeek: readonly { readonly weekStart: string; readonly completed: number }[];
  /** Hours from first in progress to completion, of tasks completed in the period that started. */
  readonly cycleTime: {
    readonly count: number;
    readonly p50Hours: number | null;
    readonly p85Hours: number | null;
  };
}

/** The worker's side: folding the rollups' deltas in (readers are exact either way). */
export interface AnalyticsMaintenance {
  /** Adds the deltas written so far into the rollups and deletes them; answers how many. */
  foldRollups(): Promise<number>;
}

export interface AnalyticsReader {
  current(
    organizationId: string,
    selection: AnalyticsSelection,
    at: { readonly now: Date; readonly me: string | undefined },
  ): Promise<CurrentFigures>;
  /**
   * What current answers, counted from the tasks themselves without the rollups: what the
   * rollups must always agree with (and how a caller limited to its own tasks is answered).
   */
  recount(
    organizationId: string,
    selection: AnalyticsSelection,
    at: { readonly now: Date; readonly me: string | undefined },
  ): Promise<CurrentFigures>;
  period(
    organizationId: string,
    selection: AnalyticsSelection,
    period: { readonly from: Date; readonly to: Date },
  ): Promise<PeriodFigures>;
}
