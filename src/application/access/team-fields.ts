// The fields of a team (groups of an organization's members, used by assignment rules), checked
// the same way by every team use case.
import { ValidationError } from '../../domain/shared/errors.js';

export const TEAM_NAME_MAX_LENGTH = 100;

export const TEAM_DESCRIPTION_MAX_LENGTH = 500;

export function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field('name', 'Must not be empty');
  if (name.length > TEAM_NAME_MAX_LENGTH) {
    throw ValidationError.field('name', `Must be at most ${TEAM_NAME_MAX_LENGTH} characters`);
  }
  return name;
}

export function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > TEAM_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      'description',
      `Must be at most ${TEAM_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}
