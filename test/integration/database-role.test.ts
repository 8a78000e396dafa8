// The application opens its own database (no test override) and works as the application role,
// so row-level security applies to every query it makes: on PostgreSQL through DATABASE_URL, and
// on the embedded PGlite in DATA_DIR. /health/detailed reports the role.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMailer } from '../../src/adapters/mail/log-mailer.js';
import { compose, type Application } from '../../src/bootstrap/compose.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { client } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../support/env.js';
import { adminQuery } from '../support/postgres-admin.js';

let app: Application;
let database: TestDatabase;
let dataDir: string;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase({ asOwner: true });
  dataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-role-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // PostgreSQL: the test's own migrated database; PGlite: a fresh one in DATA_DIR.
    ...(database.url !== undefined && { DATABASE_URL: database.url }),
  });
  app = await compose(config, {
    logger: pino({ level: 'silent' }),
    mailer: logMailer({ info: () => undefined }),
  });
  baseUrl = `http://127.0.0.1:${await app.start()}`;
}, 60_000);
afterAll(async () => {
  await app.stop();
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the database role', () => {
  it('is teamflow_app, not the owner the connection string logs in as', async () => {
    const reply = await client(baseUrl).get('/health/detailed');
    expect(reply.status).toBe(200);
    expect(reply.body.data.checks.database).toMatchObject({
      status: 'ok',
      role: 'teamflow_app',
      engine: database.engine,
    });
  });
});

// The production logins README.md (Database roles) has the operator create: the API logs in as a
// role of its own (per-run name here) that owns nothing, inherits nothing and is a member of
// teamflow_app. PostgreSQL only (PGlite has no logins): the API serves through that login, and
// the login without SET ROLE reads no table at all, so row-level security does not rest on SET
// ROLE alone.
if (testDatabaseUrl) {
  const admin = testDatabaseUrl;
  const login = `tf_api_${uniqueTag()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  let ownDatabase: TestDatabase;
  let apiUrl: string;
  let apiApp: Application;
  let apiDataDir: string;

  describe('the API’s own login role (PostgreSQL)', () => {
    beforeAll(async () => {
      ownDatabase = await createTestDatabase({ asOwner: true });
      // What README.md (Database roles) has the operator run, but for the password.
      await adminQuery(
        admin,
        `CREATE ROLE ${login} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`,
      );
      await adminQuery(admin, `GRANT teamflow_app TO ${login}`);
      const url = new URL(ownDatabase.url!);
      url.username = login;
      url.password = '';
      apiUrl = url.toString();
      apiDataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-login-'));
      apiApp = await compose(
        loadConfig({
          NODE_ENV: 'test',
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: apiDataDir,
          LOG_LEVEL: 'silent',
          DATABASE_URL: apiUrl,
        }),
        { logger: pino({ level: 'silent' }), mailer: logMailer({ info: () => undefined }) },
      );
    }, 60_000);
    afterAll(async () => {
      await apiApp.stop();
      await ownDatabase.close();
      await adminQuery(admin, `DROP ROLE IF EXISTS ${login}`);
      await rm(apiDataDir, { recursive: true, force: true });
    });

    it('serves through it, working as teamflow_app', async () => {
      const api = client(`http://127.0.0.1:${await apiApp.start()}`);
      const health = await api.get('/health/detailed');
      expect(health.status).toBe(200);
      expect(JSON.stringify(health.body)).toContain('teamflow_app');
      const registered = await api.post('/api/v1/auth/register', {
        email: `login-${uniqueTag()}@example.com`,
        password: 'correct-horse-battery',
        name: 'Login Role',
      });
      expect(registered.status).toBe(201);
    });

    it('reads no table without SET ROLE', async () => {
      const raw = new pg.Client({ connectionString: apiUrl });
      await raw.connect();
      try {
        const { rows } = await raw.query<{ user: string }>('select current_user as user');
        expect(rows[0]!.user).toBe(login);
        await expect(raw.query('select count(*) from users')).rejects.toThrow(/permission denied/);
        await raw.query('SET ROLE teamflow_app');
        await expect(raw.query('select count(*) from users')).resolves.toBeDefined();
      } finally {
        await raw.end();
      }
    });
  });
}
