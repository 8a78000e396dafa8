// Two API instances on one database and one Redis (the same key prefix), each listening on its
// own port with its own hub and Redis subscriber, A dispatching: a task moved through instance A
// reaches a socket on instance B, once, through Redis pub/sub. Needs Redis: without it each
// instance's bus is its own process (one replica only, as README says).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMailer } from '../../../src/adapters/mail/log-mailer.js';
import { compose, type Application } from '../../../src/bootstrap/compose.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CHEAP_ARGON2_PARAMS } from '../../support/argon2.js';
import { waitFor } from '../../support/async.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { testRedisUrl } from '../../support/env.js';
import { openSocket, subscribe, type TestSocket } from '../../support/realtime.js';

describe.skipIf(!testRedisUrl)('two API instances and Redis', () => {
  let a: TestApp;
  let b: Application;
  let bUrl: string;
  let api: Client;
  let owner: SignedInUser;
  let org: TestOrganization;
  let socket: TestSocket | undefined;
  const { aProject, aTask } = httpBuilders<{ id: string }>(() => ({ api, owner, org }));

  beforeAll(async () => {
    a = await startTestApp();
    // The same configuration (so the same Redis prefix and signing key), database and Redis;
    // B does not dispatch, so what reaches its sockets came from A's dispatcher through Redis.
    b = await compose(
      { ...a.app.config, WORKER_MODE: 'off' },
      {
        database: a.database.handle,
        logger: pino({ level: 'silent' }),
        mailer: logMailer({ info: () => undefined }),
        argon2: CHEAP_ARGON2_PARAMS,
      },
    );
    bUrl = `http://127.0.0.1:${await b.start()}`;
    api = client(a.baseUrl);
    owner = await signIn(a, api);
    org = await createOrganization(api, owner);
  });
  afterAll(async () => {
    await socket?.close();
    await b?.stop();
    await a?.close();
  });

  it('carries a move through instance A to a socket on instance B, once', async () => {
    const project = await aProject();
    const task = await aTask(project);
    socket = await openSocket(bUrl, owner.accessToken);
    await subscribe(socket, { organization_id: org.id, project_id: project.id });
    const done = project.statuses.find((s) => s.category === 'done')!;
    const moved = await api.post(
      `/api/v1/organizations/${org.id}/tasks/${task.id}/move`,
      { status_id: done.id },
      { token: owner.accessToken },
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const isMove = (m: { type: string; event?: string }) =>
      m.type === 'event' && m.event === 'task.moved';
    const message = await socket.next(isMove);
    expect(message.data).toMatchObject({ subject: { id: task.id }, project_id: project.id });
    // A marker written after the move: once it is here, a repeat of the move would be too.
    const marker = await aTask(project);
    await waitFor(
      () => socket!.messages.some((m) => m.type === 'event' && m.data.subject.id === marker.id),
      30_000,
    );
    expect(socket.messages.filter(isMove)).toHaveLength(1);
  });
});
