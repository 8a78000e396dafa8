// Tracking codes: how a task is named on the public status lookup, by people without an account.
// `<project key>-<10 characters of Crockford's base32>`: 50 random bits (issued by the database,
// migration 0031). People copy them by hand, so a lookup reads them as Crockford's alphabet says:
// any case, O as 0, I and L as 1, hyphens and spaces in the random part ignored.

/** Crockford's base32: digits and letters without I, L, O and U. */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_RANDOM_LENGTH = 10;
export const TRACKING_CODE_PATTERN = /^[A-Z]{2,10}-[0-9A-HJKMNP-TV-Z]{10}$/;

/** The longest input worth reading as a code (a key of 10, a hyphen, 10 characters, spacing). */
const MAX_INPUT_LENGTH = 64;

/**
 * The code `raw` stands for, in the form the database holds, or undefined when it cannot be one
 * (which the lookup answers like an unknown code).
 */
export function normalizeTrackingCode(raw: string): string | undefined {
  if (raw.length > MAX_INPUT_LENGTH) return undefined;
  const match = /^\s*([A-Za-z]{2,10})\s*-([0-9A-Za-z\s-]+)$/.exec(raw);
  if (!match?.[1] || !match[2]) return undefined;
  const random = match[2]
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const code = `${match[1].toUpperCase()}-${random}`;
  return TRACKING_CODE_PATTERN.test(code) ? code : undefined;
}
