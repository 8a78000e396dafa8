// Label rules: what a name, a color and a description must be, and the color a label gets
// when none is given.
import { describe, expect, it } from 'vitest';
import { issueOf } from '../../../support/builders/domain.js';
import {
  defaultLabelColor,
  LABEL_PALETTE,
  labelColor,
} from '../../../../src/domain/labels/label-color.js';
import { labelDescription, labelName } from '../../../../src/domain/labels/label.js';

describe('labelName', () => {
  it.each([
    ['Bug', 'Bug'],
    ['  In review ', 'In review'],
    ['x', 'x'],
    ['x'.repeat(50), 'x'.repeat(50)],
    [` ${'y'.repeat(50)}\t`, 'y'.repeat(50)],
    ['🐞'.repeat(50), '🐞'.repeat(50)],
  ])('accepts %j as %j', (raw, name) => {
    expect(labelName(raw)).toBe(name);
  });

  it.each([
    ['', 'Must not be empty'],
    ['   ', 'Must not be empty'],
    ['x'.repeat(51), 'Must be at most 50 characters'],
    ['🐞'.repeat(51), 'Must be at most 50 characters'],
  ])('refuses %j on the name field: %s', (raw, message) => {
    expect(issueOf(() => labelName(raw))).toEqual([{ field: 'name', message }]);
  });

  it('names the field it is told to', () => {
    expect(issueOf(() => labelName('', 'labels.0'))).toEqual([
      { field: 'labels.0', message: 'Must not be empty' },
    ]);
  });
});

describe('labelDescription', () => {
  it('trims, and allows empty and up to 200 characters', () => {
    expect(labelDescription('  Needs a fix ')).toBe('Needs a fix');
    expect(labelDescription('')).toBe('');
    expect(labelDescription('d'.repeat(200))).toBe('d'.repeat(200));
  });

  it('refuses 201 characters on the description field', () => {
    expect(issueOf(() => labelDescription('d'.repeat(201)))).toEqual([
      { field: 'description', message: 'Must be at most 200 characters' },
    ]);
  });
});

describe('labelColor', () => {
  it.each([
    ['#1d4ed8', '#1d4ed8'],
    ['#1D4ED8', '#1d4ed8'],
    ['#AbCdEf', '#abcdef'],
    [' #000000 ', '#000000'],
  ])('accepts %j as %j', (raw, color) => {
    expect(labelColor(raw)).toBe(color);
  });

  it.each(['', 'red', '#fff', '1d4ed8', '#1d4ed', '#1d4ed80', '#1d4ed8ff', '#gggggg', '# 1d4ed8'])(
    'refuses %j on the color field',
    (raw) => {
      expect(issueOf(() => labelColor(raw))).toEqual([
        { field: 'color', message: expect.stringContaining('#rrggbb') },
      ]);
    },
  );
});

describe('defaultLabelColor', () => {
  it('is a palette color, and always the same one for the same name', () => {
    for (const name of ['Bug', 'Feature', 'Urgent', 'a', '🐞']) {
      expect(LABEL_PALETTE).toContain(defaultLabelColor(name));
      expect(defaultLabelColor(name)).toBe(defaultLabelColor(name));
    }
  });

  it('ignores case and surrounding spaces, as name uniqueness does', () => {
    expect(defaultLabelColor('  BUG ')).toBe(defaultLabelColor('bug'));
  });

  it('keeps the colors it has handed out (pinned: a change would recolor existing clients)', () => {
    expect(defaultLabelColor('bug')).toBe('#2563eb');
    expect(defaultLabelColor('feature')).toBe('#d97706');
    expect(defaultLabelColor('urgent')).toBe('#e11d48');
  });

  it('spreads names over the whole palette', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => defaultLabelColor(`label ${i}`)));
    expect(used.size).toBe(LABEL_PALETTE.length);
  });

  it('holds only valid lower-case colors, each once', () => {
    for (const color of LABEL_PALETTE) expect(labelColor(color)).toBe(color);
    expect(new Set(LABEL_PALETTE).size).toBe(LABEL_PALETTE.length);
  });
});
