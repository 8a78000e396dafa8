// Label colors: `#rrggbb`, stored lower case; a label created without one gets a color picked
// from its name, so the same name looks the same in every organization and on every retry.
import { ValidationError } from '../shared/errors.js';

const HEX_COLOR = /^#[0-9a-f]{6}$/;

/** Distinct, readable on white and on dark backgrounds; the order is part of the contract. */
export const LABEL_PALETTE = [
  '#e11d48',
  '#db2777',
  '#c026d3',
  '#9333ea',
  '#4f46e5',
  '#2563eb',
  '#0284c7',
  '#0891b2',
  '#0d9488',
  '#059669',
  '#16a34a',
  '#65a30d',
  '#ca8a04',
  '#d97706',
  '#ea580c',
  '#64748b',
] as const;

/** The color lower-cased; a ValidationError on `field` unless it is `#rrggbb`. */
export function labelColor(raw: string, field = 'color'): string {
  const color = raw.trim().toLowerCase();
  if (!HEX_COLOR.test(color)) {
    throw ValidationError.field(field, 'Must be a color #rrggbb, e.g. #1d4ed8');
  }
  return color;
}

/**
 * The color a label named `name` gets when none is given: a palette entry chosen by a hash
 * (32-bit FNV-1a over its code points) of the name as uniqueness sees it (trimmed, lower case).
 */
export function defaultLabelColor(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name.trim().toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return LABEL_PALETTE[hash % LABEL_PALETTE.length] ?? LABEL_PALETTE[0];
}
