// An organization is a tenant: it owns projects, tasks and memberships.
import { ValidationError } from '../shared/errors.js';
import { isUuid } from '../shared/id.js';
import type { WriteWindow } from '../tasks/write-window.js';
import type { DigestSetting } from './digest.js';

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly timezone: string;
  /** When the roles it lists may write (organization setting `write_window`); null: always. */
  readonly writeWindow: WriteWindow | null;
  /** The daily digest (organization setting `digest`); null: never set. */
  readonly digest: DigestSetting | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const SLUG_MIN_LENGTH = 3;
export const SLUG_MAX_LENGTH = 48;
export const ORGANIZATION_NAME_MAX_LENGTH = 120;

/** Slugs: 3–48 lower-case letters, digits and inner hyphens (`acme`, `acme-eu-2`). */
export function assertValidSlug(slug: string, field = 'slug'): void {
  if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be ${SLUG_MIN_LENGTH}–${SLUG_MAX_LENGTH} characters`);
  }
  // A UUID-shaped slug would be read as an id by `{org}` lookups.
  if (isUuid(slug)) throw ValidationError.field(field, 'Must not look like an id (UUID)');
  if (!SLUG_PATTERN.test(slug) || slug.includes('--')) {
    throw ValidationError.field(
      field,
      'Only lower-case letters, digits and single inner hyphens are allowed',
    );
  }
}

export function assertValidOrganizationName(name: string, field = 'name'): void {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (trimmed.length > ORGANIZATION_NAME_MAX_LENGTH) {
    throw ValidationError.field(
      field,
      `Must be at most ${ORGANIZATION_NAME_MAX_LENGTH} characters`,
    );
  }
}
