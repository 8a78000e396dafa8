// Assignment rules: per project an ordered list, kept as one JSON document (replaced whole by PUT,
// versioned for If-Match), and each round-robin or least-loaded rule's turn counter beside it.
// Rules name teams, users, task types and labels by id without foreign keys on purpose: a target
// that goes away leaves the rule in place, and the rule list reports it (not a silent cascade).
// A creation that a stateful rule assigns locks the row FOR UPDATE, so concurrent creations take
// turns one after another. Under the tenants' row-level security. Frozen in time: never import
// from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE assignment_rule_sets (
      organization_id uuid NOT NULL,
      project_id uuid NOT NULL,
      rules jsonb NOT NULL,
      turns jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, project_id),
      FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id)
        ON DELETE CASCADE
    )
  `,
  sql`GRANT SELECT, INSERT, UPDATE ON assignment_rule_sets TO teamflow_app`,
  sql`ALTER TABLE assignment_rule_sets ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON assignment_rule_sets
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP TABLE assignment_rule_sets`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
