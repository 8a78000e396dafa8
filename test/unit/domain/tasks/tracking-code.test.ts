// Reading a typed tracking code: Crockford's base32 in any case, O as 0, I and L as 1, spacing
// and hyphens in the random part ignored; anything that cannot be a code is undefined.
import { describe, expect, it } from 'vitest';
import { normalizeTrackingCode } from '../../../../src/domain/tasks/tracking-code.js';

describe('normalizeTrackingCode', () => {
  it.each([
    ['RE-7K2M9QX4PA', 'RE-7K2M9QX4PA'],
    ['re-7k2m9qx4pa', 'RE-7K2M9QX4PA'],
    ['  RE-7K2M 9QX4-PA ', 'RE-7K2M9QX4PA'],
    ['RE-OOIILL0011', 'RE-0011110011'],
    ['HELPDESKAB-ZZZZZZZZZZ', 'HELPDESKAB-ZZZZZZZZZZ'],
  ])('%s reads as %s', (typed, code) => {
    expect(normalizeTrackingCode(typed)).toBe(code);
  });

  it.each([
    ['no hyphen', 'RE7K2M9QX4PA'],
    ['nine characters', 'RE-7K2M9QX4P'],
    ['eleven characters', 'RE-7K2M9QX4PAB'],
    ['a U (not in the alphabet)', 'RE-7K2M9QX4PU'],
    ['a one-letter key', 'R-7K2M9QX4PA'],
    ['an eleven-letter key', 'ABCDEFGHIJK-7K2M9QX4PA'],
    ['a task key', 'RE-42'],
    ['punctuation', 'RE-7K2M9QX4P!'],
    ['far too long', `RE-${'0'.repeat(100)}`],
    ['empty', ''],
  ])('%s is no code', (_why, typed) => {
    expect(normalizeTrackingCode(typed)).toBeUndefined();
  });
});
