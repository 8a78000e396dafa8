// Use cases of labels: organization-wide tags. Everyone who reads projects reads labels; changing
// them takes label:manage. Every write is audited in its own transaction.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { defaultLabelColor, labelColor } from '../../domain/labels/label-color.js';
import { labelDescription, labelName, type Label } from '../../domain/labels/label.js';
import { notFound, ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { LabelChanges, LabelCursor } from './ports.js';
import { pageOf } from '../shared/page.js';

export interface ListLabelsInput {
  readonly limit: number;
  readonly after?: LabelCursor | undefined;
  /** Only labels whose name starts with this, ignoring case. */
  readonly q?: string | undefined;
}

export interface LabelPage {
  readonly items: Label[];
  /** Where the next page starts; null on the last page. */
  readonly next: LabelCursor | null;
}

/** A page of the organization's labels, A→Z by name ignoring case, then by id. */
export async function listLabels(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  input: ListLabelsInput,
): Promise<LabelPage> {
  authorize(access.grant, 'project:read');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.labels.list(access.organization.id, {
      limit: input.limit + 1,
      after: input.after,
      prefix: input.q,
    }),
  );
  return pageOf(rows, input.limit, (last) => ({ name: last.name, id: last.id }));
}

export async function getLabel(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<Label> {
  authorize(access.grant, 'project:read');
  const label = await inOrganization(deps, access, (tx) =>
    tx.labels.find(access.organization.id, id),
  );
  return label ?? notFound('label');
}

export interface CreateLabelInput {
  readonly name: string;
  /** `#rrggbb` in any case; chosen from the name when omitted. */
  readonly color?: string | undefined;
  readonly description?: string | undefined;
}

/** Creates a label; ConflictError when the name is taken in the organization, whatever its case. */
export async function createLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateLabelInput,
): Promise<Label> {
  authorize(access.grant, 'label:manage');
  const fields = validated(input);
  const name = fields.name;
  const color = fields.color ?? defaultLabelColor(name);
  const description = fields.description ?? '';
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const label = await tx.labels.create({
      id: deps.ids.next(),
      organizationId,
      name,
      color,
      description,
      createdBy: actorIdOf(access.principal),
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.created',
      targetType: 'label',
      targetId: label.id,
      changes: { name, color, description },
    });
    return label;
  });
}

export interface UpdateLabelInput {
  readonly name?: string | undefined;
  readonly color?: string | undefined;
  readonly description?: string | undefined;
}

/**
 * Changes a label's name, color or description (a rename keeps the color). Nothing is written
 * or audited when every given value is already the current one.
 */
export async function updateLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateLabelInput,
): Promise<Label> {
  authorize(access.grant, 'label:manage');
  const changes = validated(input);
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = (await tx.labels.find(organizationId, id, { lock: true })) ?? notFound('label');
    const diff = changesBetween(before, { ...before, ...changes }, [
      'name',
      'color',
      'description',
    ]);
    if (Object.keys(diff).length === 0) return before;
    const after =
      (await tx.labels.update(organizationId, id, changes, deps.clock.now())) ?? notFound('label');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.updated',
      targetType: 'label',
      targetId: id,
      changes: diff,
    });
    return after;
  });
}

export async function deleteLabel(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
): Promise<void> {
  authorize(access.grant, 'label:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const label = (await tx.labels.find(organizationId, id, { lock: true })) ?? notFound('label');
    // The foreign key takes the label off its tasks; each of them records losing it first.
    const tasks = await tx.tasks.history.recordDetach(
      organizationId,
      { labelId: label.id },
      actorIdOf(access.principal),
      deps.clock.now(),
    );
    if (!(await tx.labels.delete(organizationId, label.id))) notFound('label');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'label.deleted',
      targetType: 'label',
      targetId: id,
      changes: {
        name: label.name,
        color: label.color,
        description: label.description,
        tasks,
      },
    });
  });
}

/** The fields given, each checked by its domain rule; every bad field is reported at once. */
function validated(input: CreateLabelInput): LabelChanges & { readonly name: string };
function validated(input: UpdateLabelInput): LabelChanges;
function validated(input: UpdateLabelInput): LabelChanges {
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
