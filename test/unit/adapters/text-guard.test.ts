// The hostile-text rule of the HTTP edge, as a table: what is refused, what passes, how it is named.
import { describe, expect, it } from 'vitest';
import {
  isUnsafeText,
  MAX_JSON_DEPTH,
  unsafeJsonIssues,
} from '../../../src/adapters/http/middleware/text-guard.js';

describe('isUnsafeText', () => {
  it.each([
    ['NUL', 'a\u0000b', true],
    ['a lone high surrogate', 'a\ud800b', true],
    ['a lone high surrogate at the end', 'ab\udbff', true],
    ['a lone low surrogate', '\udc00x', true],
    ['a pair in the wrong order', '\udc00\ud800', true],
    ['two high surrogates', '\ud800\ud800\udc00', true],
    ['a surrogate pair (an emoji)', 'ok \ud83d\ude00', false],
    ['bidi overrides and isolates', '\u202egnp.exe\u202c\u2067x\u2069', false],
    ['zero-width and BOM', 'a\u200bb\ufeff', false],
    ['other control characters', 'tab\there\u0001\u001f', false],
    ['the empty string', '', false],
  ])('%s → %s', (_name, text, unsafe) => {
    expect(isUnsafeText(text)).toBe(unsafe);
  });
});

describe('unsafeJsonIssues', () => {
  it('names strings at any depth as zod names fields', () => {
    expect(
      unsafeJsonIssues({ title: 'ok', labels: ['fine', 'a\u0000'], set: { status: '\ud800' } }),
    ).toEqual(
      expect.arrayContaining([
        { field: 'labels.1', message: expect.any(String) },
        { field: 'set.status', message: expect.any(String) },
      ]),
    );
  });

  it('names the object holding an unsafe key, not the key itself', () => {
    expect(unsafeJsonIssues({ outer: { 'k\u0000': 1 } })).toEqual([
      { field: 'outer', message: expect.stringMatching(/Field names/) },
    ]);
    expect(unsafeJsonIssues({ '\udc00': 1 })).toEqual([
      { field: 'body', message: expect.stringMatching(/Field names/) },
    ]);
  });

  it('finds nothing in clean JSON of every type', () => {
    expect(unsafeJsonIssues({ a: [1, true, null, 'x', { b: '\ud83d\ude00' }] })).toEqual([]);
  });

  it(`refuses nesting past ${MAX_JSON_DEPTH} levels and walks 100,000 without recursion`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const issues = unsafeJsonIssues(deep);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/Nested deeper/);
    let legal: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) legal = { a: legal };
    expect(unsafeJsonIssues(legal)).toEqual([]);
  });

  it('stops at 20 issues, so a body of a million bad strings costs little', () => {
    expect(unsafeJsonIssues(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });
});
