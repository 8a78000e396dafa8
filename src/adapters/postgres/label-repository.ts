// Organization-wide labels. Names are unique per organization whatever their case; lists run
// A→Z on lower(name) compared bytewise (the labels_name_key index), then by id.
import { sql, type Selectable } from 'kysely';
import type { LabelRepository } from '../../application/labels/ports.js';
import type { Label } from '../../domain/labels/label.js';
import type { Db } from './database.js';
import type { LabelsTable } from './database-labels.js';
import { conflictOnUnique } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';

const NAME_TAKEN = 'A label with this name already exists in the organization';

/** The sort key, exactly as labels_name_key indexes it. */
const nameKey = sql<string>`lower(labels.name) COLLATE "C"`;

/** `prefix` as a LIKE pattern that matches it literally, followed by anything. */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function toLabel(row: Selectable<LabelsTable>): Label {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    color: row.color,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function postgresLabelRepository(db: Db): LabelRepository {
  const labels = (organizationId: string) =>
    db
      .selectFrom('labels')
      .selectAll('labels')
      .where('labels.organization_id', '=', organizationId);

  return {
    async list(organizationId, query) {
      let select = labels(organizationId).orderBy(nameKey).orderBy('labels.id').limit(query.limit);
      if (query.prefix !== undefined && query.prefix !== '') {
        select = select.where(
          sql<boolean>`${nameKey} LIKE lower(${startsWith(query.prefix)}) COLLATE "C" ESCAPE '\\'`,
        );
      }
      const after = query.after;
      if (after !== undefined) {
        select = select.where(
          sql<boolean>`(${nameKey}, labels.id) > (lower(${after.name}) COLLATE "C", ${after.id}::uuid)`,
        );
      }
      return (await select.execute()).map(toLabel);
    },

    async find(organizationId, id, options) {
      if (!isUuid(id)) return undefined;
      let select = labels(organizationId).where('labels.id', '=', id);
      if (options?.lock === true) select = select.forUpdate();
      const row = await select.executeTakeFirst();
      return row && toLabel(row);
    },

    async idsByName(organizationId, names) {
      const found = new Map<string, string>();
      if (names.length === 0) return found;
      // Trimmed as a label's name is; compared as labels_name_key indexes it: lower(name) bytewise.
      const { rows } = await sql<{ wanted: string; id: string }>`
        select wanted, labels.id
        from unnest(${[...new Set(names.map((name) => name.trim()))]}::text[]) as wanted
        join labels
          on labels.organization_id = ${organizationId}
            and ${nameKey} = lower(wanted) COLLATE "C"
      `.execute(db);
      const ids = new Map(rows.map((row) => [row.wanted, row.id]));
      for (const name of names) {
        const id = ids.get(name.trim());
        if (id !== undefined) found.set(name, id);
      }
      return found;
    },

    async create(label) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('labels')
            .values({
              organization_id: label.organizationId,
              id: label.id,
              name: label.name,
              color: label.color,
              description: label.description,
              created_by: label.createdBy,
              created_at: label.now,
              updated_at: label.now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        NAME_TAKEN,
      );
      return toLabel(row);
    },

    async update(organizationId, id, changes, now) {
      if (!isUuid(id)) return undefined;
      const row = await conflictOnUnique(
        () =>
          db
            .updateTable('labels')
            .set({
              ...(changes.name !== undefined && { name: changes.name }),
              ...(changes.color !== undefined && { color: changes.color }),
              ...(changes.description !== undefined && { description: changes.description }),
              updated_at: now,
            })
            .where('organization_id', '=', organizationId)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst(),
        NAME_TAKEN,
      );
      return row && toLabel(row);
    },

    async delete(organizationId, id) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .deleteFrom('labels')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toLabel(row);
    },
  };
}
