// The fields of a label (organization-wide tags), checked the same way on create and update.
// Everyone who reads projects reads labels; changing them takes label:manage. Every write is
// audited in its own transaction.
import { labelColor } from '../../domain/labels/label-color.js';
import { labelDescription, labelName } from '../../domain/labels/label.js';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import type { LabelChanges } from './ports.js';

export interface CreateLabelInput {
  readonly name: string;
  /** `#rrggbb` in any case; chosen from the name when omitted. */
  readonly color?: string | undefined;
  readonly description?: string | undefined;
}

export interface UpdateLabelInput {
  readonly name?: string | undefined;
  readonly color?: string | undefined;
  readonly description?: string | undefined;
}

/** The fields given, each checked by its domain rule; every bad field is reported at once. */
export function validated(input: CreateLabelInput): LabelChanges & { readonly name: string };
export function validated(input: UpdateLabelInput): LabelChanges;
export function validated(input: UpdateLabelInput): LabelChanges {
  const issues: FieldIssue[] = [];
  const check = (raw: string | undefined, rule: (raw: string) => string) => {
    if (raw === undefined) return undefined;
    try {
      return rule(raw);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.details);
      return undefined;
    }
  };
  const name = check(input.name, (raw) => labelName(raw));
  const color = check(input.color, (raw) => labelColor(raw));
  const description = check(input.description, (raw) => labelDescription(raw));
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    ...(name !== undefined && { name }),
    ...(color !== undefined && { color }),
    ...(description !== undefined && { description }),
  };
}
