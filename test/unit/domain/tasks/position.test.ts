// Gapped positions in a kanban column: where a placed task goes, when there is no room left, and
// that renumbering always makes room again.
import { describe, expect, it } from 'vitest';
import {
  POSITION_GAP,
  positionBetween,
  renumbered,
} from '../../../../src/domain/tasks/position.js';

describe('positionBetween', () => {
  it('leaves a gap above the first task of an empty column', () => {
    expect(POSITION_GAP).toBe(65_536);
    expect(positionBetween(null, null)).toBe(POSITION_GAP);
  });

  it('puts a task at the bottom one gap below the last', () => {
    expect(positionBetween(POSITION_GAP, null)).toBe(2 * POSITION_GAP);
    expect(positionBetween(7, null)).toBe(7 + POSITION_GAP);
  });

  it('puts a task at the top one gap above the first when the first is high enough', () => {
    expect(positionBetween(null, 3 * POSITION_GAP)).toBe(2 * POSITION_GAP);
    expect(positionBetween(null, POSITION_GAP + 1)).toBe(1);
  });

  it('halves the room above a first task at or below one gap, and stays above 0', () => {
    expect(positionBetween(null, POSITION_GAP)).toBe(POSITION_GAP / 2);
    expect(positionBetween(null, 100)).toBe(50);
    expect(positionBetween(null, 3)).toBe(1);
    expect(positionBetween(null, 2)).toBe(1);
  });

  it('has no room above a first task at 1 (or lower)', () => {
    expect(positionBetween(null, 1)).toBeNull();
    expect(positionBetween(null, 0)).toBeNull();
  });

  it('takes the middle between two neighbours, rounded down', () => {
    expect(positionBetween(POSITION_GAP, 2 * POSITION_GAP)).toBe(98_304);
    expect(positionBetween(10, 20)).toBe(15);
    expect(positionBetween(10, 13)).toBe(11);
    expect(positionBetween(1, 3)).toBe(2);
  });

  it('has no room between neighbours one apart, or at the same position', () => {
    expect(positionBetween(1, 2)).toBeNull();
    expect(positionBetween(POSITION_GAP, POSITION_GAP + 1)).toBeNull();
    expect(positionBetween(5, 5)).toBeNull();
  });

  it('answers strictly between its neighbours whenever it answers', () => {
    for (let before = 0; before <= 40; before += 1) {
      for (let after = before; after <= 40; after += 1) {
        const position = positionBetween(before, after);
        if (after - before >= 2) {
          expect(position).toBeGreaterThan(before);
          expect(position).toBeLessThan(after);
        } else {
          expect(position).toBeNull();
        }
      }
    }
  });
});

describe('renumbered', () => {
  it('spaces a column one gap apart from one gap', () => {
    expect(renumbered(0)).toEqual([]);
    expect(renumbered(1)).toEqual([POSITION_GAP]);
    expect(renumbered(3)).toEqual([POSITION_GAP, 2 * POSITION_GAP, 3 * POSITION_GAP]);
  });
});

/** The first place where the column is not strictly increasing from above 0 (-1: none). */
const disorderIn = (column: readonly number[]) =>
  column.findIndex((position, index) => position <= (index === 0 ? 0 : column[index - 1]!));

function expectOrdered(column: readonly number[]) {
  expect(disorderIn(column), `column ${column.join(', ')}`).toBe(-1);
}

/** A small seeded generator (mulberry32): a number in 0..n-1, the same sequence on every run. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

describe('placing repeatedly until there is no room', () => {
  it('at the top: 16 halvings of the first gap, then null, then room after renumbering', () => {
    const column = renumbered(3);
    let placed = 0;
    for (;;) {
      const position = positionBetween(null, column[0]!);
      if (position === null) break;
      column.unshift(position);
      placed += 1;
      expectOrdered(column);
      expect(placed).toBeLessThanOrEqual(Math.log2(POSITION_GAP));
    }
    expect(placed).toBe(Math.log2(POSITION_GAP));
    expect(column[0]).toBe(1);

    const fresh = renumbered(column.length);
    expect(positionBetween(null, fresh[0]!)).toBe(POSITION_GAP / 2);
  });

  it('in one gap, always right below the upper neighbour: null after log2(gap) places', () => {
    const column = renumbered(2);
    let placed = 0;
    for (;;) {
      const position = positionBetween(column[0]!, column[1]!);
      if (position === null) break;
      column.splice(1, 0, position);
      placed += 1;
      expectOrdered(column);
    }
    expect(placed).toBe(Math.log2(POSITION_GAP));
    expect(column[1]! - column[0]!).toBe(1);

    const fresh = renumbered(column.length);
    expect(positionBetween(fresh[0]!, fresh[1]!)).toBe(POSITION_GAP + POSITION_GAP / 2);
  });

  it('in one gap, always right above the lower neighbour', () => {
    const column = renumbered(2);
    let placed = 0;
    for (;;) {
      const last = column.length - 1;
      const position = positionBetween(column[last - 1]!, column[last]!);
      if (position === null) break;
      column.splice(last, 0, position);
      placed += 1;
      expectOrdered(column);
    }
    expect(placed).toBe(Math.log2(POSITION_GAP));
    expect(column.at(-1)! - column.at(-2)!).toBe(1);
  });

  it('at random places (a seeded walk): always ordered, renumbering whenever there is no room', () => {
    const random = seeded(20_261_123);
    let column: number[] = [];
    let renumberings = 0;
    for (let step = 0; step < 3_000; step += 1) {
      // An index in 0..length: insert before column[index] (the bottom when index = length).
      // Biased to the top third so that gaps run out.
      const index =
        random(3) === 0 ? random(column.length + 1) : random(Math.ceil(column.length / 3) + 1);
      const place = () =>
        positionBetween(
          index === 0 ? null : column[index - 1]!,
          index === column.length ? null : column[index]!,
        );
      let position = place();
      if (position === null) {
        column = renumbered(column.length);
        renumberings += 1;
        position = place();
      }
      expect(position).not.toBeNull();
      column.splice(index, 0, position!);
      expectOrdered(column);
    }
    expect(column).toHaveLength(3_000);
    expect(renumberings).toBeGreaterThan(0);
    expect(Number.isSafeInteger(column.at(-1))).toBe(true);
  });
});
