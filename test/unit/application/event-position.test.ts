// isBefore compares positions as numbers without parsing them: the same answers as BigInt
// arithmetic for any xid8 and bigint, including across lengths and at the 64-bit edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBefore, type EventPosition } from '../../../src/application/events/ports.js';

const byNumbers = (a: EventPosition, b: EventPosition) => {
  const tx = BigInt(a.txId) - BigInt(b.txId);
  return tx < 0n || (tx === 0n && BigInt(a.seq) < BigInt(b.seq));
};

const decimal = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map((n) => n.toString());
const position = fc.record({ txId: decimal, seq: decimal });

describe('isBefore', () => {
  it.each([
    [{ txId: '9', seq: '5' }, { txId: '10', seq: '1' }, true],
    [{ txId: '10', seq: '1' }, { txId: '9', seq: '5' }, false],
    [{ txId: '10', seq: '9' }, { txId: '10', seq: '10' }, true],
    [{ txId: '10', seq: '10' }, { txId: '10', seq: '10' }, false],
    [{ txId: '0', seq: '0' }, { txId: '0', seq: '1' }, true],
    [{ txId: '9223372036854775806', seq: '1' }, { txId: '9223372036854775807', seq: '0' }, true],
  ])('%o before %o: %s', (a, b, expected) => {
    expect(isBefore(a, b)).toBe(expected);
  });

  it('answers as BigInt arithmetic does for any two positions', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        expect(isBefore(a, b)).toBe(byNumbers(a, b));
        expect(isBefore(a, a)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('answers as BigInt arithmetic does for positions one transaction apart', () => {
    fc.assert(
      fc.property(decimal, decimal, decimal, (tx, s1, s2) => {
        const a = { txId: tx, seq: s1 };
        const b = { txId: (BigInt(tx) + 1n).toString(), seq: s2 };
        expect(isBefore(a, b)).toBe(true);
        expect(isBefore(b, a)).toBe(false);
        expect(isBefore({ txId: tx, seq: s1 }, { txId: tx, seq: s2 })).toBe(
          byNumbers(a, { txId: tx, seq: s2 }),
        );
      }),
    );
  });
});
