// The efficiency score (0.6 × completion rate + 0.4 × time efficiency), table-driven from tasks:
// the first row is docs/api.md's worked example.
import { describe, expect, it } from 'vitest';
import { cappedRatio, efficiencyScore } from '../../../../src/domain/analytics/efficiency.js';

interface Row {
  readonly name: string;
  /** Open tasks (count only). */
  readonly open: number;
  /** Completed tasks: [estimate, actual] hours, null where missing. */
  readonly completed: readonly (readonly [number | null, number | null])[];
  readonly expected: {
    score: number;
    completionRate: number;
    timeEfficiency: number;
    sample: number;
  };
}

const TABLE: readonly Row[] = [
  {
    name: 'the worked example: 10 tasks, 4 done, 8/10, 5/4 (capped) and 3/6, one done without hours',
    open: 6,
    completed: [
      [8, 10],
      [5, 4],
      [3, 6],
      [null, 2],
    ],
    expected: { score: 0.5467, completionRate: 0.4, timeEfficiency: 0.7667, sample: 3 },
  },
  {
    name: 'nothing at all',
    open: 0,
    completed: [],
    expected: { score: 0, completionRate: 0, timeEfficiency: 0, sample: 0 },
  },
  {
    name: 'all done on time or faster',
    open: 0,
    completed: [
      [4, 4],
      [10, 2],
    ],
    expected: { score: 1, completionRate: 1, timeEfficiency: 1, sample: 2 },
  },
  {
    name: 'done without hours: completion alone',
    open: 1,
    completed: [
      [null, null],
      [3, 0],
      [3, null],
    ],
    expected: { score: 0.45, completionRate: 0.75, timeEfficiency: 0, sample: 0 },
  },
  {
    name: 'a quarter done at twice the estimate',
    open: 3,
    completed: [[5, 10]],
    expected: { score: 0.35, completionRate: 0.25, timeEfficiency: 0.5, sample: 1 },
  },
];

describe('efficiencyScore', () => {
  it.each(TABLE)('$name', (row) => {
    const ratios = row.completed
      .map(([estimate, actual]) => cappedRatio(estimate, actual))
      .filter((ratio): ratio is number => ratio !== undefined);
    const score = efficiencyScore({
      total: row.open + row.completed.length,
      completed: row.completed.length,
      cappedRatioSum: ratios.reduce((sum, ratio) => sum + ratio, 0),
      withBoth: ratios.length,
    });
    expect(score).toEqual(row.expected);
  });
});
