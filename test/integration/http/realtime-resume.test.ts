// Realtime resume and the socket's own limits, through a real server and real `ws` clients:
// a resume replays from the events table and continues live with no gap and no repeat while
// writes and dispatches go on (and the dispatcher repeats batches); an unknown id answers
// resync_required; a socket that stops reading is closed as a slow consumer (4008); a socket that
// misses a heartbeat is cut; a stopping server closes its sockets with 1001.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { EVENT_TYPES } from '../../../src/domain/events/event.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually, waitFor } from '../../support/async.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { busRecorder, openSocket, subscribe, type TestSocket } from '../../support/realtime.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const sockets: TestSocket[] = [];
const { aProject, aTask } = httpBuilders<{ id: string; key: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  t = await startTestApp({
    // Small pages, so that a resume reads the table in several round trips while events arrive.
    REALTIME_REPLAY_PAGE_SIZE: '3',
    REALTIME_MAX_BUFFER_BYTES: String(256 * 1024),
  });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t.close();
});

async function connect(token = owner.accessToken): Promise<TestSocket> {
  const socket = await openSocket(t.baseUrl, token);
  sockets.push(socket);
  return socket;
}

const hasSubject = (socket: TestSocket, id: string) =>
  socket.messages.some((m) => m.type === 'event' && m.data.subject.id === id);

/** Every event of the organization in the readers' order, as the events table holds them. */
const committed = () =>
  t.app.deps.uow.read(
    (tx) => tx.events.list(org.id, { types: EVENT_TYPES, tasks: 'all' }, { limit: 10_000 }),
    { organizationId: org.id },
  );
const committedIds = async () => (await committed()).map((e) => e.id);

describe('resume', () => {
  it('replays what was missed and goes on live, with no gap and no repeat, under concurrent writes', async () => {
    const recorder = busRecorder(t);
    const project = await aProject();
    for (let i = 0; i < 5; i++) await aTask(project);
    const live = await connect();
    await subscribe(live, { organization_id: org.id });
    const marker = await aTask(project);
    await waitFor(() => live.eventIds().length > 0 && hasSubject(live, marker.id), 30_000);
    const after = live.eventIds().at(-1)!;

    // Three writers; after each of its writes the first one has the dispatcher's batches
    // published again, as a dispatcher that crashed before moving its cursor would.
    let repeats = 0;
    const writers = Promise.all(
      [0, 1, 2].map(async (writer) => {
        for (let i = 0; i < 8; i++) {
          await aTask(project);
          if (writer === 0) await recorder.repeat().then(() => repeats++);
        }
      }),
    );
    // Once some of their events are in the table, the second socket resumes; the moment its
    // resume is answered the replay is under way, and everything published so far comes again.
    await eventually(async () => {
      const ids = await committedIds();
      return ids.length - ids.indexOf(after) > 6;
    }, 30_000);
    const resumed = await connect();
    resumed.ws.once('message', () => void recorder.repeat());
    resumed.send({ type: 'resume', organization_id: org.id, after });
    await writers;

    // Every write has committed; each is readable once no older transaction is still running
    // (the dispatcher's own, say): a moment later, not always at once.
    let expected: string[] = [];
    await eventually(async () => {
      expected = await committedIds();
      return expected.length - expected.indexOf(after) - 1 >= 24;
    }, 30_000);
    const missed = expected.slice(expected.indexOf(after) + 1);
    const last = expected.at(-1)!;
    await waitFor(
      () => resumed.eventIds().includes(last) && live.eventIds().includes(last),
      30_000,
    );
    recorder.stop();
    expect(repeats).toBe(8);
    expect(missed.length).toBe(24);
    expect(resumed.eventIds()).toEqual(missed);
    expect(live.eventIds().slice(live.eventIds().indexOf(after) + 1)).toEqual(missed);
    expect(new Set(live.eventIds()).size).toBe(live.eventIds().length);
  });

  it('answers resync_required for an id it does not know, and still goes on live', async () => {
    const socket = await connect();
    socket.send({ type: 'resume', organization_id: org.id, after: crypto.randomUUID() });
    await socket.next((m) => m.type === 'resync_required');
    expect(socket.messages.find((m) => m.type === 'resync_required')).toEqual({
      type: 'resync_required',
      organization_id: org.id,
    });
    const project = await aProject();
    await waitFor(() => hasSubject(socket, project.id), 30_000);
  });
});

/** An event of the organization with a big change, at a position after every real one. */
function bigEvent(n: number): { position: { txId: string; seq: string }; event: DomainEvent } {
  return {
    position: { txId: String(10n ** 15n), seq: String(n) },
    event: {
      id: crypto.randomUUID(),
      type: 'organization.updated',
      organizationId: org.id,
      subject: { type: 'organization', id: org.id, key: null },
      actor: { type: 'user', id: owner.id },
      change: { padding: 'x'.repeat(128 * 1024) },
      occurredAt: new Date(),
      projectId: null,
      assigneeId: null,
      reporterId: null,
      requestId: null,
    },
  };
}

describe('the socket’s limits', () => {
  it('closes a socket that stops reading with 4008 once its send buffer is over the limit', async () => {
    // The sockets of the tests before would hear these events too.
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    const slow = await connect();
    await subscribe(slow, { organization_id: org.id });
    const before = t.app.realtime.hub.size();
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let n = 0;
    // The kernel's buffers take a few megabytes first; then ws queues, and the limit trips.
    while (t.app.realtime.hub.size() === before && n < 2_000) {
      await t.app.events.bus.publish([bigEvent(n++)]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(t.app.realtime.hub.size()).toBe(before - 1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(4008);
    const metrics = await api.get('/metrics');
    expect(metrics.body).toMatch(/websocket_closes_total\{code="4008"\} 1/);
    expect(metrics.body).toMatch(/websocket_messages_sent_total\{type="event"\} [1-9]/);
  });

  it('cuts a socket that does not answer the heartbeat, and keeps one that does', async () => {
    const healthy = await connect();
    const silent = await openSocket(t.baseUrl, owner.accessToken, { autoPong: false });
    sockets.push(silent);
    let pinged = false;
    healthy.ws.once('ping', () => (pinged = true));
    t.app.realtime.gateway.heartbeat();
    await waitFor(() => pinged);
    // Frames arrive in order: once this pong is back, the server has the heartbeat's pong too.
    healthy.send({ type: 'ping' });
    await healthy.next((m) => m.type === 'pong');
    t.app.realtime.gateway.heartbeat();
    expect((await silent.closed).code).toBe(1006);
    healthy.send({ type: 'ping' });
    await waitFor(() => healthy.messages.filter((m) => m.type === 'pong').length === 2);
  });

  it('caps the subscriptions of one socket', async () => {
    const stopped = await startTestApp({ REALTIME_MAX_SUBSCRIPTIONS: '2' });
    {
      const user = await signIn(stopped, client(stopped.baseUrl));
      const theirs = await createOrganization(client(stopped.baseUrl), user);
      const socket = await openSocket(stopped.baseUrl, user.accessToken);
      await subscribe(socket, { organization_id: theirs.id });
      await subscribe(socket, { channel: 'user' });
      expect(
        await subscribe(socket, { organization_id: theirs.id, project_id: crypto.randomUUID() }),
      ).toMatchObject({ type: 'error', code: 'SUBSCRIPTION_LIMIT' });
      // Stopping the server closes its sockets with 1001 (before the database closes).
      const closing = socket.closed;
      await stopped.close();
      expect((await closing).code).toBe(1001);
    }
  });
});

describe('the example client (examples/realtime-client.mjs)', () => {
  it('resumes after the id it saved and prints the events that follow', async () => {
    const project = await aProject();
    let saved = '';
    await eventually(async () => {
      const last = (await committed()).at(-1)!;
      saved = last.id;
      return last.subject.id === project.id;
    }, 30_000);
    const first = await aTask(project);
    const second = await aTask(project);
    const dir = await mkdtemp(path.join(tmpdir(), 'realtime-client-'));
    const state = path.join(dir, 'last-event');
    await writeFile(state, saved);
    const child = spawn(process.execPath, ['examples/realtime-client.mjs'], {
      env: {
        ...process.env,
        TEAMFLOW_URL: t.baseUrl,
        TEAMFLOW_TOKEN: owner.accessToken,
        TEAMFLOW_ORG: org.slug,
        TEAMFLOW_STATE: state,
        TEAMFLOW_MAX_EVENTS: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The client resumes from the table; the dispatcher's live copies are dropped as repeats.
    await waitFor(() => child.exitCode !== null || out.split('\n').length > 2, 30_000);
    expect(await exited).toBe(0);
    const printed = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; data: any });
    expect(printed.map((m) => m.data.subject.id)).toEqual([first.id, second.id]);
    expect(await readFile(state, 'utf8')).toBe(printed[1]!.id);
    await rm(dir, { recursive: true, force: true });
  });
});
