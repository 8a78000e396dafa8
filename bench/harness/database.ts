// The benchmark's own database: created on first use, so `npm run bench` works on a machine where
// only the PostgreSQL server exists.
import pg from 'pg';

/** Creates the database `url` names when it does not exist (through the `postgres` database). */
export async function ensureDatabase(url: string): Promise<'existed' | 'created'> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
    return 'existed';
  } catch (error) {
    await probe.end().catch(() => undefined);
    // 3D000: invalid_catalog_name, the database does not exist.
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`Not creating a database named ${JSON.stringify(name)}: use [a-z0-9_]`);
  }
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return 'created';
}

/**
 * The URL the API (and pgbench) connect with: the database owner, switched at connection start to
 * teamflow_app (`options=-c role=…`) so row-level security applies, as README describes it.
 */
export function applicationUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('options')) return url;
  // %20, not the + URLSearchParams writes: libpq does not read + as a space.
  return `${url}${parsed.search === '' ? '?' : '&'}options=-c%20role%3Dteamflow_app`;
}
