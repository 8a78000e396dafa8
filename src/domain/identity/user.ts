// A person who can sign in. Email is the login name, stored normalized.
import { ValidationError } from '../shared/errors.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly timezone: string;
  readonly emailVerifiedAt: Date | null;
  /** E.164; texted only once verified (domain/identity/phone-number.ts). */
  readonly phoneNumber: string | null;
  readonly phoneVerifiedAt: Date | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Emails compare case-insensitively and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** OWASP ASVS length rule: 8 to 128 characters, counted as code points; no composition rules. */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw ValidationError.field(field, `Must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
}

/**
 * The runtime's spelling of an IANA zone name it knows, or undefined. Intl takes UTC offsets
 * (`+01:00`, `-05`) as time zones too since ECMA-402 2024 (Node 24); they name no IANA zone (no
 * daylight-saving rules), so they are no answer here, as on Node 20 where Intl refused them.
 */
function ianaZone(zone: string): string | undefined {
  try {
    const { timeZone } = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions();
    return /^[+-]/.test(timeZone) ? undefined : timeZone;
  } catch {
    return undefined;
  }
}

/** An IANA zone name the runtime knows, e.g. Europe/Amsterdam. */
export function isKnownTimezone(zone: string): boolean {
  return ianaZone(zone) !== undefined;
}

export function assertKnownTimezone(zone: string, field = 'timezone'): void {
  canonicalTimezone(zone, field);
}

/** The zone as the runtime spells it (`europe/amsterdam` → `Europe/Amsterdam`); unknown → 422. */
export function canonicalTimezone(zone: string, field = 'timezone'): string {
  const canonical = ianaZone(zone);
  if (canonical === undefined) throw ValidationError.field(field, 'Unknown IANA time zone');
  return canonical;
}

export function isEmailVerified(user: User): boolean {
  return user.emailVerifiedAt !== null;
}
