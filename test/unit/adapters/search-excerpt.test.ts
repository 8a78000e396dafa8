// A search hit's excerpt: ts_headline's answer only says where the fragments and the matched
// words are; the text is cut from the task's own, so nothing is lost, escaped or changed.
// (What ts_headline itself answers is tested through the search, on both engines.)
import { describe, expect, it } from 'vitest';
import {
  EXCERPT_GAP,
  excerptOf,
  FRAGMENT_DELIMITER as GAP,
  headlineInput,
  MATCH_START as S,
  MATCH_STOP as E,
} from '../../../src/adapters/postgres/search-excerpt.js';

/** The words at the excerpt's ranges. */
const marked = (excerpt: ReturnType<typeof excerptOf>) =>
  excerpt.highlights.map(({ start, end }) => excerpt.text.slice(start, end));

describe('headlineInput', () => {
  it('blanks `<` and the marker characters one for one, nothing else', () => {
    const text = `a<b>&amp; "q" 'r' \u0001\u0002\u0003 é 🎵`;
    const input = headlineInput(text);
    expect(input).toBe(`a b>&amp; "q" 'r'     é 🎵`);
    expect(input.length).toBe(text.length);
  });
});

describe('excerptOf', () => {
  it('cuts the fragment from the text itself: a `<` the headline never saw comes back', () => {
    const text = 'Fix <b>login</b> & "logout"\nfor 日本 users';
    // What ts_headline answers over headlineInput(text): the blanked text, matches marked.
    const headline = `Fix  b>${S}login${E} /b> & "logout"\nfor 日本 users`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe(text);
    expect(excerpt.highlights).toEqual([{ start: 7, end: 12 }]);
    expect(marked(excerpt)).toEqual(['login']);
  });

  it('joins two fragments in text order, each range moved with its fragment', () => {
    const text = 'The login page times out. Unrelated words here. Then logins fail at night';
    const headline = `The ${S}login${E} page${GAP}Then ${S}logins${E} fail`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe(`The login page${EXCERPT_GAP}Then logins fail`);
    expect(marked(excerpt)).toEqual(['login', 'logins']);
  });

  it('finds a repeated fragment after the one before it', () => {
    const text = 'alpha beta. delta. alpha beta. gamma';
    const headline = `${S}alpha${E} beta${GAP}${S}alpha${E} beta`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe(`alpha beta${EXCERPT_GAP}alpha beta`);
    expect(excerpt.highlights).toEqual([
      { start: 0, end: 5 },
      { start: 10 + EXCERPT_GAP.length, end: 15 + EXCERPT_GAP.length },
    ]);
  });

  it('makes one fragment of two that touch (a word matching two terms of the query ends one)', () => {
    const text = 'Tune the ocarina before Friday';
    const headline = `Tune the ${S}ocarina${E}${GAP} before Friday`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe(text);
    expect(marked(excerpt)).toEqual(['ocarina']);
  });

  it('fills in what lies between two fragments without a word over 2 characters: a tag is no gap', () => {
    const text = 'Fix <b>login</b> & "logout" now; then, later: login again';
    const headline = `Fix  b>${S}login${E}${GAP}logout" now${GAP}${S}login${E} again`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe(`Fix <b>login</b> & "logout" now${EXCERPT_GAP}login again`);
    expect(marked(excerpt)).toEqual(['login', 'login']);
  });

  it('trims white space at a fragment’s ends and keeps what is inside', () => {
    const text = '\n  Title\n\n  body   with  spaces  ';
    const headline = `\n  Title\n\n  ${S}body${E}   with  spaces  `;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.text).toBe('Title\n\n  body   with  spaces');
    expect(marked(excerpt)).toEqual(['body']);
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings index', () => {
    const text = '🎵🎵 crème brûlée';
    const headline = `🎵🎵 crème ${S}brûlée${E}`;

    const excerpt = excerptOf(text, headline);

    expect(excerpt.highlights).toEqual([{ start: 11, end: 17 }]);
    expect(marked(excerpt)).toEqual(['brûlée']);
  });

  it('leaves out a fragment the text does not hold, and answers nothing for nothing', () => {
    const text = 'alpha beta';
    expect(excerptOf(text, `not there${GAP}${S}alpha${E}`)).toEqual({
      text: 'alpha',
      highlights: [{ start: 0, end: 5 }],
    });
    expect(excerptOf(text, '')).toEqual({ text: '', highlights: [] });
  });
});
