// Keyset pages: a list is read with one row more than the page holds, to know whether another
// page follows without counting.

/** A page of items and the cursor of the next one (null on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/**
 * The page in `rows` (read with limit + 1): its first `limit` rows, and the cursor after the last
 * of them when more rows follow (null on the last page).
 */
export function pageOf<T, C>(
  rows: readonly T[],
  limit: number,
  cursorAfter: (last: T) => C,
): { items: T[]; next: C | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? cursorAfter(last) : null };
}
