// Listing an organization's labels in pages.
import { authorize } from '../../domain/access/authorize.js';
import type { Label } from '../../domain/labels/label.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { LabelCursor } from './ports.js';
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
