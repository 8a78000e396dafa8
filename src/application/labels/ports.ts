// Ports of the labels area (organization-wide tags). Every call runs inside a unit of work scoped
// to the organization (row-level security).
import type { Label } from '../../domain/labels/label.js';

export interface NewLabel {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly color: string;
  readonly description: string;
  readonly createdBy: string;
  readonly now: Date;
}

export interface LabelChanges {
  readonly name?: string;
  readonly color?: string;
  readonly description?: string;
}

/** Where a page ends: the last label's name and id. */
export interface LabelCursor {
  readonly name: string;
  readonly id: string;
}

export interface LabelListQuery {
  readonly limit: number;
  readonly after?: LabelCursor | undefined;
  /** Only names starting with this, ignoring case. */
  readonly prefix?: string | undefined;
}

export interface LabelRepository {
  /** A→Z by name ignoring case, then by id; after the cursor. */
  list(organizationId: string, query: LabelListQuery): Promise<Label[]>;
  /**
   * What is not a label id of the organization finds nothing. `lock` holds the row until the
   * transaction ends (read, then change, with no other change in between).
   */
  find(
    organizationId: string,
    id: string,
    options?: { readonly lock?: boolean },
  ): Promise<Label | undefined>;
  /**
   * The ids of the labels that `names` name (ignoring case and surrounding spaces, as the names'
   * uniqueness does), by name as given; a name no label has is absent.
   */
  idsByName(organizationId: string, names: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Throws ConflictError when the name is taken in the organization, whatever its case. */
  create(label: NewLabel): Promise<Label>;
  /**
   * Applies the changes and bumps the version, only while the version is `expectedVersion` (if
   * given). Undefined when there is no such label; ConflictError on a name clash;
   * PreconditionFailedError on a version miss.
   */
  update(
    organizationId: string,
    id: string,
    changes: LabelChanges,
    now: Date,
    expectedVersion?: number,
  ): Promise<Label | undefined>;
  /**
   * The deleted label; undefined when there was none. With `expectedVersion`, deletes only that
   * version: PreconditionFailedError when the label is at another.
   */
  delete(organizationId: string, id: string, expectedVersion?: number): Promise<Label | undefined>;
}
