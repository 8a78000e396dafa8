// Labels: organization-wide tags, a tenant table keyed (organization_id, id) so that tasks can
// reference them by (organization_id, label_id) with the organization in the key.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  // The checks repeat the application's rules (trimmed name of 1–50 characters, `#rrggbb` in
  // lower case, description of at most 200) so that no other writer can store what the API
  // would never answer.
  sql`
    CREATE TABLE labels (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50 AND name = btrim(name)),
      color text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
      description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 200),
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  // Unique whatever the case, and the list order (A→Z ignoring case, then id) with its `?q=`
  // prefix filter. Compared bytewise (COLLATE "C", equality is unchanged) so that the order and
  // keyset cursors are the same on every server whatever its locale, and LIKE 'prefix%' can
  // range-scan this index.
  sql`CREATE UNIQUE INDEX labels_name_key ON labels (organization_id, (lower(name) COLLATE "C"))`,

  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON labels TO teamflow_app`,
  sql`ALTER TABLE labels ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON labels
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP TABLE labels`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
