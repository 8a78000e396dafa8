// The efficiency score (CTMS): 0.6 × completion rate + 0.4 × time efficiency.
// - completion rate: completed tasks ÷ all tasks (0 without tasks);
// - time efficiency: the mean, over completed tasks that have both an estimate and actual hours
//   (actual > 0), of estimate ÷ actual capped at 1 (a task done in less time than estimated
//   counts as 1, not more); 0 when no completed task has both.
// Worked example (docs/api.md and test/unit/domain/analytics/efficiency.test.ts): 10 tasks, 4 of
// them completed, of which 3 have both: 8 h estimated / 10 h actual (0.8), 5 / 4 (1.25 → 1) and
// 3 / 6 (0.5). Completion rate 0.4; time efficiency (0.8 + 1 + 0.5) ÷ 3 = 0.7667; score
// 0.6 × 0.4 + 0.4 × 0.7667 = 0.24 + 0.3067 = 0.5467, answered rounded to 4 places: 0.5467.

export interface EfficiencyInputs {
  readonly total: number;
  readonly completed: number;
  /** Σ min(1, estimate ÷ actual) over completed tasks with both (actual > 0). */
  readonly cappedRatioSum: number;
  /** How many completed tasks have both. */
  readonly withBoth: number;
}

export interface EfficiencyScore {
  readonly score: number;
  readonly completionRate: number;
  readonly timeEfficiency: number;
  /** Completed tasks with both an estimate and actual hours: what time efficiency averages. */
  readonly sample: number;
}

const rounded = (value: number) => Math.round(value * 10_000) / 10_000;

export function efficiencyScore(inputs: EfficiencyInputs): EfficiencyScore {
  const completionRate = inputs.total === 0 ? 0 : inputs.completed / inputs.total;
  const timeEfficiency = inputs.withBoth === 0 ? 0 : inputs.cappedRatioSum / inputs.withBoth;
  return {
    score: rounded(0.6 * completionRate + 0.4 * timeEfficiency),
    completionRate: rounded(completionRate),
    timeEfficiency: rounded(timeEfficiency),
    sample: inputs.withBoth,
  };
}

/** The ratio a completed task adds to the time efficiency, or undefined when it lacks either. */
export function cappedRatio(estimate: number | null, actual: number | null): number | undefined {
  if (estimate === null || actual === null || actual <= 0) return undefined;
  return Math.min(1, estimate / actual);
}
