// Access control: custom roles, invitations, teams, API keys, the audit log, and row-level
// security on every tenant table, enforced for the application role `teamflow_app`.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TENANT_TABLES = [
  'memberships',
  'roles',
  'invitations',
  'teams',
  'team_members',
  'api_keys',
  'audit_log',
] as const;

const UP: RawBuilder<unknown>[] = [
  // The role the application works as: not the owner of any table, not a superuser.
  sql`
    DO $$ BEGIN
      CREATE ROLE teamflow_app NOLOGIN NOSUPERUSER NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$
  `,
  // The owner that runs migrations may then SET ROLE teamflow_app (a superuser may anyway).
  sql`
    DO $$ BEGIN
      IF NOT pg_has_role(current_user, 'teamflow_app', 'MEMBER') THEN
        EXECUTE format('GRANT teamflow_app TO %I', current_user);
      END IF;
    END $$
  `,
  sql`
    CREATE FUNCTION app_current_organization() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT NULLIF(current_setting('app.organization_id', true), '')::uuid $$
  `,
  sql`
    CREATE FUNCTION app_current_user() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$
  `,
  sql`
    CREATE TABLE roles (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      permissions text[] NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`CREATE UNIQUE INDEX roles_name_key ON roles (organization_id, lower(name))`,
  sql`CREATE INDEX memberships_role_idx ON memberships (organization_id, role)`,
  sql`
    CREATE TABLE invitations (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      email text NOT NULL,
      role text NOT NULL,
      token_hash text NOT NULL,
      invited_by uuid,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by uuid,
      revoked_at timestamptz,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`
    CREATE UNIQUE INDEX invitations_pending_email_key ON invitations (organization_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL
  `,
  // Global: an invitee who is not yet a member finds the invitation's organization by token.
  sql`
    CREATE TABLE invitation_tokens (
      token_hash text PRIMARY KEY,
      organization_id uuid NOT NULL,
      invitation_id uuid NOT NULL
    )
  `,
  sql`
    CREATE TABLE teams (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`CREATE UNIQUE INDEX teams_name_key ON teams (organization_id, lower(name))`,
  sql`
    CREATE TABLE team_members (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      team_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id) ON DELETE CASCADE
    )
  `,
  sql`CREATE UNIQUE INDEX team_members_key ON team_members (organization_id, team_id, user_id)`,
  sql`
    CREATE TABLE api_keys (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      name text NOT NULL,
      prefix text NOT NULL,
      secret_hash text NOT NULL,
      role text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (organization_id, id)
    )
  `,
  // Global: a presented key names its prefix; this finds the organization to look in.
  sql`
    CREATE TABLE api_key_prefixes (
      prefix text PRIMARY KEY,
      organization_id uuid NOT NULL,
      key_id uuid NOT NULL
    )
  `,
  sql`
    CREATE TABLE audit_log (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'apikey')),
      actor_id uuid NOT NULL,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text,
      user_agent text,
      request_id text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`CREATE INDEX audit_log_time_idx ON audit_log (organization_id, created_at DESC, id DESC)`,
  sql`CREATE INDEX audit_log_actor_idx ON audit_log (organization_id, actor_id, created_at DESC)`,

  // Grants: everything the application needs and no more; the audit log is append-only.
  sql`GRANT USAGE ON SCHEMA public TO teamflow_app`,
  sql`
    GRANT SELECT, INSERT, UPDATE, DELETE ON
      users, sessions, refresh_tokens, one_time_tokens, organizations, memberships, roles,
      invitations, invitation_tokens, teams, team_members, api_keys, api_key_prefixes
    TO teamflow_app
  `,
  sql`GRANT SELECT, INSERT ON audit_log TO teamflow_app`,
  sql`GRANT SELECT ON kysely_migration, kysely_migration_lock TO teamflow_app`,

  // Row-level security: a tenant row is visible only inside its organization's unit of work.
  ...TENANT_TABLES.flatMap((table) => [
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
  // "My organizations" crosses tenants. A permissive policy on memberships for the user's own
  // rows would be OR'd with tenant_isolation and cost every organization-scoped read its ordered
  // index scan, so the cross-tenant view is a narrow SECURITY DEFINER function instead: it returns
  // only the current user's (organization, role) pairs.
  sql`
    CREATE FUNCTION app_user_memberships() RETURNS TABLE (organization_id uuid, role text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
    $$ SELECT organization_id, role FROM memberships WHERE user_id = app_current_user() $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION app_user_memberships() FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION app_user_memberships() TO teamflow_app`,
  sql`ALTER TABLE organizations ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON organizations
    USING (id = app_current_organization())
    WITH CHECK (id = app_current_organization())
  `,
  sql`
    CREATE POLICY member_organizations ON organizations FOR SELECT
    USING (id IN (SELECT organization_id FROM app_user_memberships()))
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP POLICY member_organizations ON organizations`,
  sql`DROP POLICY tenant_isolation ON organizations`,
  sql`ALTER TABLE organizations DISABLE ROW LEVEL SECURITY`,
  sql`DROP FUNCTION app_user_memberships()`,
  sql`DROP POLICY tenant_isolation ON memberships`,
  sql`ALTER TABLE memberships DISABLE ROW LEVEL SECURITY`,
  sql`DROP TABLE audit_log`,
  sql`DROP TABLE api_key_prefixes`,
  sql`DROP TABLE api_keys`,
  sql`DROP TABLE team_members`,
  sql`DROP TABLE teams`,
  sql`DROP TABLE invitation_tokens`,
  sql`DROP TABLE invitations`,
  sql`DROP INDEX memberships_role_idx`,
  sql`DROP TABLE roles`,
  sql`DROP FUNCTION app_current_user()`,
  sql`DROP FUNCTION app_current_organization()`,
  sql`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM teamflow_app`,
  sql`REVOKE USAGE ON SCHEMA public FROM teamflow_app`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
