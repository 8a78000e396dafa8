// Organization-wide labels. Names are unique per organization whatever their case; lists run
// A→Z on lower(name) compared bytewise (the labels_name_key index), then by id. A change bumps the
// version; with an expected version it matches the row only at that version (a miss is a 412).
import { sql, type Selectable } from 'kysely';
import type { LabelRepository } from '../../application/labels/ports.js';
import type { Label } from '../../domain/labels/label.js';
import type { Db } from './database.js';
import type { LabelsTable } from './database-labels.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
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
    version: row.version,
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

  const missOrGone = (organizationId: string, id: string, expectedVersion: number | undefined) =>
    versionMissOrGone(expectedVersion, () =>
      labels(organizationId).where('labels.id', '=', id).executeTakeFirst(),
    );

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

    async update(organizationId, id, changes, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      const write = () => {
        let query = db
          .updateTable('labels')
          .set((eb) => ({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.color !== undefined && { color: changes.color }),
            ...(changes.description !== undefined && { description: changes.description }),
            version: eb('version', '+', 1),
            updated_at: now,
          }))
          .where('organization_id', '=', organizationId)
          .where('id', '=', id);
        if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
        return query.returningAll().executeTakeFirst();
      };
      const row = await conflictOnUnique(write, NAME_TAKEN);
      return row ? toLabel(row) : missOrGone(organizationId, id, expectedVersion);
    },

    async delete(organizationId, id, expectedVersion) {
      if (!isUuid(id)) return undefined;
      let query = db
        .deleteFrom('labels')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const row = await query.returningAll().executeTakeFirst();
      return row ? toLabel(row) : missOrGone(organizationId, id, expectedVersion);
    },
  };
}
