// A project groups an organization's tasks; its key (RE) prefixes their human keys (RE-42).
import { ValidationError } from '../shared/errors.js';

/** Task counts of a project per status category, and the share done (0–100, rounded down). */
export interface ProjectProgress {
  readonly todo: number;
  readonly inProgress: number;
  readonly done: number;
  readonly total: number;
  readonly percentDone: number;
}

export interface Project {
  readonly id: string;
  readonly organizationId: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  /** Whether the project's tasks may be looked up by key from outside (used by later features). */
  readonly publicLookup: boolean;
  /** The user or API key that created it. */
  readonly createdBy: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
  readonly progress: ProjectProgress;
}

export const PROJECT_KEY_MIN_LENGTH = 2;
export const PROJECT_KEY_MAX_LENGTH = 10;
export const PROJECT_NAME_MAX_LENGTH = 120;
export const PROJECT_DESCRIPTION_MAX_LENGTH = 5000;

const KEY_LETTERS = /^[A-Z]+$/;

/**
 * Keys are 2–10 upper-case letters A–Z (`RE`, `OPS`). No digits and no hyphen: a task key is the
 * project key, a hyphen and the task number, so `RE-42` can only be read one way.
 */
export function assertValidProjectKey(key: string, field = 'key'): void {
  if (key.length < PROJECT_KEY_MIN_LENGTH || key.length > PROJECT_KEY_MAX_LENGTH) {
    throw ValidationError.field(
      field,
      `Must be ${PROJECT_KEY_MIN_LENGTH}–${PROJECT_KEY_MAX_LENGTH} letters`,
    );
  }
  if (!KEY_LETTERS.test(key)) {
    throw ValidationError.field(field, 'Only upper-case letters A–Z are allowed');
  }
}

/**
 * The key a reference names, when it is one: ASCII letters matched ignoring case (only ASCII:
 * `'ß'.toUpperCase()` is 'SS'). Undefined for what is no key (an id, say).
 */
export function projectKeyOf(ref: string): string | undefined {
  const key = /^[a-z]+$/i.test(ref) ? ref.toUpperCase() : ref;
  return isProjectKey(key) ? key : undefined;
}

export function isProjectKey(value: string): boolean {
  return (
    value.length >= PROJECT_KEY_MIN_LENGTH &&
    value.length <= PROJECT_KEY_MAX_LENGTH &&
    KEY_LETTERS.test(value)
  );
}

/** The name, trimmed; 1–120 characters. */
export function projectName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (name.length > PROJECT_NAME_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${PROJECT_NAME_MAX_LENGTH} characters`);
  }
  return name;
}

/** The description, trimmed; at most 5000 characters, empty allowed. */
export function projectDescription(raw: string, field = 'description'): string {
  const description = raw.trim();
  if (description.length > PROJECT_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      field,
      `Must be at most ${PROJECT_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}
