// The application opens its own database (no test override) and works as the application role,
// so row-level security applies to every query it makes: on PostgreSQL through DATABASE_URL, and
// on the embedded PGlite in DATA_DIR. /health/detailed reports the role.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMailer } from '../../src/adapters/mail/log-mailer.js';
import { compose, type Application } from '../../src/bootstrap/compose.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { client } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

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
