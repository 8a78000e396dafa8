// Realtime across API processes: two API processes (real ones: node, not instances in the test
// process) on one PostgreSQL and one Redis, the
// dispatcher in the first. A task moved through process A reaches a socket on process B (and
// one on A), through the events table, the dispatcher and Redis pub/sub; once each, in order.
// PostgreSQL and Redis only: the embedded default is one process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpThroughApi, startApiProcess, type ApiProcess } from '../support/api-process.js';
import { waitFor } from '../support/async.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testDatabaseUrl, testRedisUrl, uniqueTag } from '../support/env.js';
import { openSocket, subscribe, type TestSocket } from '../support/realtime.js';

describe.skipIf(!testDatabaseUrl || !testRedisUrl)('realtime over two API processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  let a: ApiProcess;
  let b: ApiProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // One folder for both: the generated signing key, so that a token of A is good on B.
    dataDir = await mkdtemp(path.join(tmpdir(), 'teamflow-fanout-'));
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: testRedisUrl!,
      REDIS_KEY_PREFIX: `test:fanout:${uniqueTag()}:`,
    };
    a = await startApiProcess({ ...env, WORKER_MODE: 'inline' }, { dataDir });
    b = await startApiProcess({ ...env, WORKER_MODE: 'off' }, { dataDir });
  }, 240_000);
  afterAll(async () => {
    for (const socket of sockets) await socket.close().catch(() => undefined);
    await b?.stop();
    await a?.stop();
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers a move made through process A to sockets on B and on A, once each, in order', async () => {
    const user = await signUpThroughApi(a);
    const token = user.accessToken;
    const org = await a.http.post(
      '/api/v1/organizations',
      { name: 'Fan out', slug: `fanout-${uniqueTag()}` },
      { token },
    );
    expect(org.status).toBe(201);
    const orgPath = `/api/v1/organizations/${org.body.data.id}`;
    const project = await a.http.post(`${orgPath}/projects`, { name: 'Fan', key: 'FO' }, { token });
    expect(project.status).toBe(201);
    const task = await a.http.post(
      `${orgPath}/projects/${project.body.data.id}/tasks`,
      { title: 'Travel far' },
      { token },
    );
    expect(task.status).toBe(201);
    const statuses = await a.http.get(`${orgPath}/projects/${project.body.data.id}/statuses`, {
      token,
    });
    const [onB, onA] = [await openSocket(b.baseUrl, token), await openSocket(a.baseUrl, token)];
    sockets.push(onB, onA);
    for (const socket of [onB, onA]) {
      const answer = await subscribe(socket, {
        organization_id: org.body.data.id,
        project_id: project.body.data.id,
      });
      expect(answer.type).toBe('subscribed');
    }
    const targets = (statuses.body.data as { id: string }[]).slice(1, 3).map((s) => s.id);
    for (const status of targets) {
      const moved = await a.http.post(
        `${orgPath}/tasks/${task.body.data.id}/move`,
        { status_id: status },
        { token },
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    for (const socket of [onB, onA]) {
      await waitFor(
        () =>
          socket.messages.filter((m) => m.type === 'event' && m.event === 'task.moved').length >= 2,
        60_000,
      );
      const moves = socket.messages.filter((m) => m.type === 'event' && m.event === 'task.moved');
      expect(moves).toHaveLength(2);
      expect(moves.map((m) => m.data.subject.id)).toEqual([task.body.data.id, task.body.data.id]);
      expect(new Set(moves.map((m) => m.id)).size).toBe(2);
    }
    // The same moves, in the same order, on both processes. (Either socket may also hear the
    // task's creation, committed before it subscribed and dispatched after: whether a socket
    // subscribed in time for that batch is a race, so only what followed both answers counts.)
    const movedIds = (socket: typeof onA) =>
      socket.messages
        .filter((m) => m.type === 'event' && m.event === 'task.moved')
        .map((m) => m.id);
    expect(movedIds(onB)).toEqual(movedIds(onA));
  }, 240_000);
});
