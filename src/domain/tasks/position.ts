// Order within a kanban column: gapped integer positions. Placing a task writes its own row only;
// when two neighbours leave no integer between them the column is renumbered (rare: a gap of
// POSITION_GAP halves at most log2(POSITION_GAP) times before that happens).

export const POSITION_GAP = 65_536;

/**
 * The position for a task placed between `before` (the neighbour above, or null at the top)
 * and `after` (the neighbour below, or null at the bottom); null when there is no room and the
 * column must be renumbered first.
 */
export function positionBetween(before: number | null, after: number | null): number | null {
  if (before === null) {
    if (after === null) return POSITION_GAP;
    return after > POSITION_GAP ? after - POSITION_GAP : half(0, after);
  }
  if (after === null) return before + POSITION_GAP;
  return half(before, after);
}

function half(low: number, high: number): number | null {
  const middle = Math.floor((low + high) / 2);
  return middle > low && middle < high ? middle : null;
}

/** The positions of a renumbered column of `count` tasks, in order. */
export function renumbered(count: number): number[] {
  return Array.from({ length: count }, (_, index) => (index + 1) * POSITION_GAP);
}
