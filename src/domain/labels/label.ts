// A label is an organization-wide tag that tasks carry; its name is unique in the organization,
// whatever its case.
import { ValidationError } from '../shared/errors.js';

export interface Label {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  /** `#rrggbb`, lower case. */
  readonly color: string;
  /** Empty when there is none. */
  readonly description: string;
  /** The user or API key that created it. */
  readonly createdBy: string | null;
  /** 1 at creation, bumped by every change: the ETag. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const LABEL_NAME_MAX_LENGTH = 50;
export const LABEL_DESCRIPTION_MAX_LENGTH = 200;

/** Lengths count characters (code points), as the database's char_length does: 🐞 is one. */
const lengthOf = (text: string) => [...text].length;

/** The name, trimmed; 1–50 characters. */
export function labelName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (lengthOf(name) > LABEL_NAME_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${LABEL_NAME_MAX_LENGTH} characters`);
  }
  return name;
}

/** The description, trimmed; at most 200 characters, empty allowed. */
export function labelDescription(raw: string, field = 'description'): string {
  const description = raw.trim();
  if (lengthOf(description) > LABEL_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      field,
      `Must be at most ${LABEL_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}
