// Idempotent creates through crashes: the API as a real process, task creates with
// Idempotency-Keys from several lanes at once, SIGKILL while requests are in flight (after a
// different number of answers each round), restart, and retries of every key. A crash between
// the change's COMMIT and the stored answer's used to let a retry create a second task; the two
// now commit together, so a key has one task whatever the crash hit, and every retry answers it.
// On PostgreSQL the API works on a database of this file's own; on PGlite, on a data directory
// of its own, which each restart opens again after the kill.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { eventually, waitFor } from '../support/async.js';
import { client, type Client, type Reply } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../support/env.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
/** Per round: how many creates have answered when the process is killed. */
const KILL_AFTER_ANSWERS = [1, 4, 12];
/** Creates in flight at once (one per lane). */
const LANES = 8;
/**
 * An attempt killed before its COMMIT holds its key this long (IDEMPOTENCY_LOCK_SECONDS; 60 s by
 * default, shortened here so the retries after the last kill need not wait a minute).
 */
const LOCK_SECONDS = 5;
/** How long retries may keep meeting 409: the lock, and a generous margin for a loaded machine. */
const LOCK_LAPSE_MS = 120_000;

let database: TestDatabase | undefined;
let dataDir: string;
let api: ApiProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-idem-restart-'));
  if (testDatabaseUrl) database = await createTestDatabase();
});
afterAll(async () => {
  await api?.kill();
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const environment = (): Record<string, string> => ({
  NODE_ENV: 'development',
  DATA_DIR: dataDir, // the signing key lives here: tokens stay valid across restarts
  LOG_LEVEL: 'info', // the log mailer writes the verification link at info
  IDEMPOTENCY_LOCK_SECONDS: String(LOCK_SECONDS),
  ...(database?.url !== undefined && { DATABASE_URL: database.url }),
});

interface Created {
  /** The task the first answer named, if an answer came. */
  id?: string;
}

describe(`Idempotency-Key creates through SIGKILL and restart, on ${ENGINE}`, () => {
  it('makes exactly one task per key, and every retry answers that task', async () => {
    api = await startApiProcess(environment(), { dataDir });
    let http = client(api.baseUrl);
    const email = `crash-${uniqueTag()}@example.com`;
    expect(
      (await http.post('/api/v1/auth/register', { email, password: 'correct-horse', name: 'C' }))
        .status,
    ).toBe(201);
    const verified = await http.post('/api/v1/auth/verify-email', {
      token: await api.mailedToken(email),
    });
    expect(verified.status).toBe(200);
    const login = await http.post('/api/v1/auth/login', { email, password: 'correct-horse' });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const token = login.body.data.access_token as string;
    const org = await http.post(
      '/api/v1/organizations',
      { name: 'Crash', slug: `crash-${uniqueTag()}` },
      { token },
    );
    const orgPath = `/api/v1/organizations/${org.body.data.id}`;
    const project = await http.post(`${orgPath}/projects`, { name: 'Crash', key: 'CR' }, { token });
    expect(project.status).toBe(201);
    const tasksPath = `${orgPath}/projects/${project.body.data.id}/tasks`;
    const create = (key: string): Promise<Reply | undefined> =>
      http
        .post(tasksPath, { title: key }, { token, headers: { 'Idempotency-Key': key } })
        .catch(() => undefined); // the process died under it

    const sent = new Map<string, Created>();
    for (const [round, killAfter] of KILL_AFTER_ANSWERS.entries()) {
      if (round > 0) {
        api = await startApiProcess(environment(), { dataDir });
        http = client(api.baseUrl);
      }
      let answered = 0;
      let killing = false;
      const lane = async (laneNo: number) => {
        for (let n = 0; !killing; n += 1) {
          const key = `r${round}-l${laneNo}-${n}`;
          const created: Created = {};
          sent.set(key, created);
          const reply = await create(key);
          if (reply === undefined) return;
          expect(reply.status, JSON.stringify(reply.body)).toBe(201);
          created.id = reply.body.data.id as string;
          answered += 1;
          // A retry with no restart in between: the same task, replayed.
          const again = await create(key);
          if (again === undefined) return;
          expect(again.status).toBe(201);
          expect(again.headers.get('Idempotent-Replayed')).toBe('true');
          expect(again.body.data.id).toBe(created.id);
        }
      };
      const lanes = Array.from({ length: LANES }, (_, laneNo) => lane(laneNo));
      await waitFor(() => answered >= killAfter, 120_000);
      killing = true; // no new keys; the ones in flight meet the kill
      await api.kill();
      await Promise.all(lanes);
    }

    // After the last restart, every key is retried until it answers something other than 409
    // (an attempt killed before its COMMIT holds its key until its lock lapses).
    api = await startApiProcess(environment(), { dataDir });
    http = client(api.baseUrl);
    const waiting = new Set(sent.keys());
    await eventually(async () => {
      for (const key of [...waiting]) {
        const reply = await create(key);
        if (reply === undefined) throw new Error('the API died');
        if (reply.status === 409) continue;
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        const created = sent.get(key)!;
        if (created.id !== undefined) expect(reply.body.data.id).toBe(created.id);
        created.id = reply.body.data.id as string;
        waiting.delete(key);
      }
      return waiting.size === 0;
    }, LOCK_LAPSE_MS);

    const tasks = await allTasks(http, tasksPath, token);
    const byTitle = new Map<string, string[]>();
    for (const task of tasks)
      byTitle.set(task.title, [...(byTitle.get(task.title) ?? []), task.id]);
    const duplicates = [...byTitle].filter(([, ids]) => ids.length > 1);
    expect(duplicates).toEqual([]);
    expect([...byTitle.keys()].sort()).toEqual([...sent.keys()].sort());
    for (const [key, created] of sent) expect(byTitle.get(key)).toEqual([created.id]);
    expect(sent.size).toBeGreaterThan(KILL_AFTER_ANSWERS.reduce((a, b) => a + b));
  }, 900_000);
});

async function allTasks(
  http: Client,
  tasksPath: string,
  token: string,
): Promise<{ id: string; title: string }[]> {
  const tasks: { id: string; title: string }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await http.get(`${tasksPath}?limit=100${query}`, { token });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    tasks.push(...(page.body.data as { id: string; title: string }[]));
    cursor = page.body.meta.pagination.next_cursor as string | null;
  } while (cursor !== null);
  return tasks;
}
