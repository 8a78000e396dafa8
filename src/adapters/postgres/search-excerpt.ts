// A search hit's excerpt as plain text and match ranges, from PostgreSQL's ts_headline.
//
// ts_headline is lossy as text: its parser reads `<…>` as a tag and writes a space instead. So
// it is given the searched text with `<` (and the marker characters below) blanked, one
// character for one, and its answer is used only to learn WHERE the fragments and the matched
// words are: each fragment is found in the blanked text, and the excerpt is cut from the
// task's own text at the same place. Nothing of the task's text is dropped, escaped or changed.

import type { TextRange } from '../../application/tasks/search-ports.js';

/** Matched words come back between these, fragments apart by the delimiter. */
export const MATCH_START = '\u0002';
export const MATCH_STOP = '\u0003';
export const FRAGMENT_DELIMITER = '\u0001';

/** What the headline's input never holds: its markers, and `<` (a tag's start). */
const BLANKED = ['<', FRAGMENT_DELIMITER, MATCH_START, MATCH_STOP];

/** Between two fragments of an excerpt. */
export const EXCERPT_GAP = ' … ';

export interface Excerpt {
  readonly text: string;
  readonly highlights: TextRange[];
}

/** The text ts_headline is given: the searched text, blanked one character for one. */
export function headlineInput(text: string): string {
  return BLANKED.reduce((blanked, character) => blanked.replaceAll(character, ' '), text);
}

/** The same blanking in SQL, for the headline's input (`translate` maps one to one). */
export const BLANKED_SQL = { from: BLANKED.join(''), to: ' '.repeat(BLANKED.length) } as const;

interface Fragment {
  /** Where the fragment starts in the text. */
  readonly at: number;
  readonly length: number;
  /** Matched words, relative to the fragment. */
  readonly marks: TextRange[];
}

/** One fragment of the headline: its plain text and where its markers stood. */
function unmark(marked: string): { plain: string; marks: TextRange[] } {
  const marks: TextRange[] = [];
  let plain = '';
  let start = -1;
  for (const char of marked) {
    if (char === MATCH_START) start = plain.length;
    else if (char === MATCH_STOP) {
      if (start >= 0 && plain.length > start) marks.push({ start, end: plain.length });
      start = -1;
    } else plain += char;
  }
  return { plain, marks };
}

/** The fragment trimmed of white space at both ends, its marks kept inside. */
function trimmed(fragment: Fragment, text: string): Fragment | undefined {
  const piece = text.slice(fragment.at, fragment.at + fragment.length);
  const lead = piece.length - piece.trimStart().length;
  const length = piece.trim().length;
  if (length === 0) return undefined;
  const marks = fragment.marks
    .map((mark) => ({
      start: Math.max(mark.start - lead, 0),
      end: Math.min(mark.end - lead, length),
    }))
    .filter((mark) => mark.end > mark.start);
  return { at: fragment.at + lead, length, marks };
}

/** ts_headline's ShortWord: a fragment never starts or ends on a word this short or shorter. */
export const SHORT_WORD = 2;

/** A longer word: what makes the text between two fragments worth a gap. */
const WORD = new RegExp(`[\\p{L}\\p{N}]{${SHORT_WORD + 1},}`, 'u');

/**
 * The excerpt of `text` that `headline` (ts_headline over `headlineInput(text)`) stands for:
 * each fragment cut from `text` itself, in order, joined by EXCERPT_GAP, with the matched
 * words' ranges. Fragments with no word of 3 characters or more between them are one, the text
 * between included: ts_headline starts and ends a fragment on a longer word, so two fragments a
 * tag or a few punctuation marks apart would otherwise show a gap where next to nothing was
 * left out (and it breaks a fragment after a word that matches two terms of the query). A fragment that cannot be found (never expected)
 * is left out.
 */
export function excerptOf(text: string, headline: string): Excerpt {
  const searched = headlineInput(text);
  const located: Fragment[] = [];
  let from = 0;
  for (const marked of headline.split(FRAGMENT_DELIMITER)) {
    const { plain, marks } = unmark(marked);
    if (plain.length === 0) continue;
    let at = searched.indexOf(plain, from);
    if (at < 0) at = searched.indexOf(plain);
    if (at < 0) continue;
    const previous = located.at(-1);
    const gap = previous && at >= previous.at + previous.length ? at - previous.at : -1;
    if (
      previous !== undefined &&
      gap >= 0 &&
      !WORD.test(text.slice(previous.at + previous.length, at))
    ) {
      const shifted = marks.map((mark) => ({ start: mark.start + gap, end: mark.end + gap }));
      located[located.length - 1] = {
        at: previous.at,
        length: gap + plain.length,
        marks: [...previous.marks, ...shifted],
      };
    } else {
      located.push({ at, length: plain.length, marks });
    }
    from = at + plain.length;
  }
  let excerpt = '';
  const highlights: TextRange[] = [];
  for (const fragment of located.flatMap((raw) => trimmed(raw, text) ?? [])) {
    if (excerpt.length > 0) excerpt += EXCERPT_GAP;
    const offset = excerpt.length;
    excerpt += text.slice(fragment.at, fragment.at + fragment.length);
    for (const mark of fragment.marks) {
      highlights.push({ start: offset + mark.start, end: offset + mark.end });
    }
  }
  return { text: excerpt, highlights };
}
