// Identity (global tables) and organizations with memberships (the first tenant table).
// Frozen in time: never import from src/. One statement per query: PGlite's extended protocol
// takes a single statement.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      password_hash text NOT NULL,
      email_verified_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz
    )
  `,
  sql`
    CREATE UNIQUE INDEX users_email_key ON users (email)
  `,
  sql`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      device_id text,
      user_agent text,
      ip text,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text
    )
  `,
  sql`
    CREATE INDEX sessions_user_active_idx ON sessions (user_id, created_at) WHERE revoked_at IS NULL
  `,
  sql`
    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      token_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      used_at timestamptz
    )
  `,
  sql`
    CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)
  `,
  sql`
    CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)
  `,
  sql`
    CREATE TABLE one_time_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
      token_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )
  `,
  sql`
    CREATE UNIQUE INDEX one_time_tokens_hash_key ON one_time_tokens (purpose, token_hash)
  `,
  sql`
    CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL
  `,
  sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      slug text NOT NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      settings jsonb NOT NULL DEFAULT '{}'::jsonb,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz
    )
  `,
  sql`
    CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug) WHERE deleted_at IS NULL
  `,
  sql`
    CREATE TABLE memberships (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      role text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`
    CREATE UNIQUE INDEX memberships_org_user_key ON memberships (organization_id, user_id)
  `,
  sql`
    CREATE INDEX memberships_user_idx ON memberships (user_id, organization_id)
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`
    DROP TABLE memberships
  `,
  sql`
    DROP TABLE organizations
  `,
  sql`
    DROP TABLE one_time_tokens
  `,
  sql`
    DROP TABLE refresh_tokens
  `,
  sql`
    DROP TABLE sessions
  `,
  sql`
    DROP TABLE users
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
