// A task's events in the order its changes were made, when the transaction that made the later
// change took its id first (issue 15). A bulk change over Y, Z and X locks them in id order: it
// locks Y (and takes its transaction id), then waits for Z, which a third connection holds. Meanwhile
// a PATCH of X, a transaction with a later id, commits. Z is let go; the bulk change then changes X
// after the PATCH did. Ordered by transaction id alone, X's two events came out bulk first; the
// feed and the dispatcher must give them PATCH first. PostgreSQL only: PGlite has one connection,
// on which transactions never overlap.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PositionedEvent } from '../../../src/application/events/ports.js';
import { isBefore } from '../../../src/application/events/ports.js';
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
import { testDatabaseUrl } from '../../support/env.js';

interface FeedEvent {
  readonly type: string;
  readonly subject: { readonly id: string | null };
  readonly data: Record<string, unknown>;
}

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
const published: PositionedEvent[] = [];
const { aProject, aTask } = httpBuilders<{ id: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  t = await startTestApp();
  t.app.events.bus.subscribe((batch) => published.push(...batch));
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const orgPath = () => `/api/v1/organizations/${org.id}`;
const as = () => ({ token: owner.accessToken });

/** The task.updated events of `taskId` the dispatcher published, once there are `count`. */
async function publishedUpdates(taskId: string, count: number): Promise<PositionedEvent[]> {
  const updates = () =>
    published.filter((p) => p.event.type === 'task.updated' && p.event.subject.id === taskId);
  await waitFor(() => updates().length >= count, 30_000);
  return updates();
}

/** The task.updated events of `taskId` in the feed, once there are `count`. */
async function feedUpdates(taskId: string, count: number): Promise<FeedEvent[]> {
  let updates: FeedEvent[] = [];
  await eventually(async () => {
    const reply = await api.get(`${orgPath()}/events?types=task.updated&limit=200`, as());
    expect(reply.status).toBe(200);
    updates = (reply.body.data as FeedEvent[]).filter((e) => e.subject.id === taskId);
    return updates.length >= count;
  }, 30_000);
  return updates;
}

describe.skipIf(!testDatabaseUrl)(
  'a task’s events when a lock is taken after the transaction id',
  () => {
    it('come in the order the changes were made, in the feed and from the dispatcher', async () => {
      const project = await aProject();
      const tasks = [];
      for (let i = 0; i < 3; i += 1) tasks.push(await aTask(project, { priority: 'low' }));
      const [y, z, x] = tasks.sort((a, b) => (a.id < b.id ? -1 : 1)) as [
        { id: string },
        { id: string },
        { id: string },
      ];
      // The tables' owner: row-level security does not stand in the way of holding Z.
      const holder = new pg.Client({ connectionString: t.database.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM tasks WHERE id = $1 FOR NO KEY UPDATE', [z.id]);
        const bulk = api.post(
          `${orgPath()}/tasks/bulk`,
          { task_ids: [y.id, z.id, x.id], set: { priority: 'critical' } },
          as(),
        );
        // The bulk change has locked Y (so it holds a transaction id) and waits for Z. (The
        // activity's transaction ids are read once per transaction unless the snapshot is cleared.)
        await eventually(async () => {
          await holder.query('SELECT pg_stat_clear_snapshot()');
          const { rows } = await holder.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)) AND backend_xid IS NOT NULL`,
          );
          return rows[0]!.waiting === 1;
        }, 30_000);
        const patched = await api.patch(`${orgPath()}/tasks/${x.id}`, { priority: 'high' }, as());
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
        await holder.query('ROLLBACK');
        const bulked = await bulk;
        expect(bulked.status, JSON.stringify(bulked.body)).toBe(200);
      } finally {
        await holder.end();
      }

      const patchFirst = [
        { priority: { from: 'low', to: 'high' } },
        { priority: { from: 'high', to: 'critical' } },
      ];
      const fromDispatcher = await publishedUpdates(x.id, 2);
      expect(fromDispatcher.map((p) => p.event.change)).toEqual(patchFirst);
      expect(isBefore(fromDispatcher[0]!.position, fromDispatcher[1]!.position)).toBe(true);
      // The interleaving happened: the bulk change's transaction id is older than the PATCH's.
      const [ofY] = await publishedUpdates(y.id, 1);
      expect(BigInt(ofY!.position.txId)).toBeLessThan(BigInt(fromDispatcher[0]!.position.txId));
      expect((await feedUpdates(x.id, 2)).map((e) => e.data)).toEqual(patchFirst);
    });
  },
);
