// Which of a batch's organizations have an active webhook endpoint: the events consumer asks once
// per batch, then calls webhook_enqueue (migration 0020) only for those organizations' events.
// Before, it called webhook_enqueue for every event, a round trip each, though most organizations
// have no endpoint. SECURITY DEFINER like webhook_enqueue: the consumer's transaction has no
// organization scope. Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION webhook_subscribers(orgs uuid[]) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT DISTINCT e.organization_id FROM webhook_endpoints e
      WHERE e.organization_id = ANY(orgs) AND e.active
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION webhook_subscribers(uuid[]) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION webhook_subscribers(uuid[]) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP FUNCTION webhook_subscribers(uuid[])`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
