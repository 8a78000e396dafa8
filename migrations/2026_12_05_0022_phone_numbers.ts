// A user's phone number (E.164) and when it was verified; the code waiting for it, one a user,
// stored as an argon2 hash with the attempts made on it. Global tables, like users.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`ALTER TABLE users ADD COLUMN phone_number text CHECK (phone_number ~ '^\\+[1-9][0-9]{1,14}$')`,
  sql`ALTER TABLE users ADD COLUMN phone_verified_at timestamptz`,
  // A verified number is a number.
  sql`
    ALTER TABLE users ADD CONSTRAINT users_phone_verified_check
    CHECK (phone_verified_at IS NULL OR phone_number IS NOT NULL)
  `,
  sql`
    CREATE TABLE phone_verifications (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      id uuid NOT NULL UNIQUE,
      phone_number text NOT NULL,
      code_hash text NOT NULL,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )
  `,
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON phone_verifications TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP TABLE phone_verifications`,
  sql`ALTER TABLE users DROP CONSTRAINT users_phone_verified_check`,
  sql`ALTER TABLE users DROP COLUMN phone_verified_at`,
  sql`ALTER TABLE users DROP COLUMN phone_number`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
