// Projects, their workflow statuses and task types: tenant tables keyed (organization_id, id), so
// tasks can later reference each of them by (organization_id, id) with the organization in the key.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TENANT_TABLES = ['projects', 'project_statuses', 'task_types'] as const;

const UP: RawBuilder<unknown>[] = [
  // `key` is C-collated: keys are A–Z only, and byte order keeps sorting and keyset cursors over
  // keys identical on every server. `next_task_number` hands out task numbers (RE-1, RE-2, …)
  // through `UPDATE … SET next_task_number = next_task_number + 1 RETURNING`, which serializes
  // concurrent creations on the project row: no gaps, no duplicates.
  sql`
    CREATE TABLE projects (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      name text NOT NULL,
      key text COLLATE "C" NOT NULL CHECK (key ~ '^[A-Z]{2,10}$'),
      description text NOT NULL DEFAULT '',
      public_lookup boolean NOT NULL DEFAULT false,
      created_by uuid,
      next_task_number integer NOT NULL DEFAULT 1 CHECK (next_task_number > 0),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (organization_id, id)
    )
  `,
  // Over every row, deleted ones included: a task key (RE-42) must never name two projects, and
  // a deleted project can be restored with its keys intact.
  sql`CREATE UNIQUE INDEX projects_key_key ON projects (organization_id, key)`,
  // The two list orders: newest first, and by name (case-insensitive).
  sql`CREATE INDEX projects_created_idx ON projects (organization_id, created_at DESC, id DESC)`,
  sql`CREATE INDEX projects_name_idx ON projects (organization_id, lower(name), id)`,

  // A project's ordered workflow columns. `name_key` carries lower(name) so that name uniqueness
  // can be a constraint checked at the end of each statement (DEFERRABLE): replacing the workflow
  // renames and reorders rows in one UPDATE, where a row-by-row check would trip over swaps.
  sql`
    CREATE TABLE project_statuses (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      project_id uuid NOT NULL,
      name text NOT NULL,
      name_key text GENERATED ALWAYS AS (lower(name)) STORED,
      category text NOT NULL CHECK (category IN ('todo', 'in_progress', 'done')),
      position integer NOT NULL CHECK (position >= 0),
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id)
        ON DELETE CASCADE,
      CONSTRAINT project_statuses_name_key UNIQUE (organization_id, project_id, name_key)
        DEFERRABLE INITIALLY IMMEDIATE,
      CONSTRAINT project_statuses_position_key UNIQUE (organization_id, project_id, position)
        DEFERRABLE INITIALLY IMMEDIATE
    )
  `,
  sql`
    CREATE TABLE task_types (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      project_id uuid NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id)
        ON DELETE CASCADE
    )
  `,
  sql`CREATE UNIQUE INDEX task_types_name_key ON task_types (organization_id, project_id, lower(name))`,

  // Projects are soft-deleted and never hard-deleted by the app; statuses and task types are.
  sql`GRANT SELECT, INSERT, UPDATE ON projects TO teamflow_app`,
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON project_statuses TO teamflow_app`,
  sql`GRANT SELECT, INSERT, DELETE ON task_types TO teamflow_app`,

  ...TENANT_TABLES.flatMap((table) => [
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP TABLE task_types`,
  sql`DROP TABLE project_statuses`,
  sql`DROP TABLE projects`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
