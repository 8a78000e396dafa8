// Round trips to PostgreSQL per write request, through HTTP: what the pipelined unit of work and
// the Idempotency-Key store send on their connections, counted (test/support/round-trips.ts). A
// trip is one batch written and one answer awaited; under load each is a wait on both sides, and
// a write holds its row and column locks across all of its trips but the first. These counts are
// what the benchmarks' creates and moves cost; a change that adds a trip shows here first.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { APP_ROLE } from '../../support/database.js';
import { testDatabaseUrl } from '../../support/env.js';
import { countedPipeline, type CountedPipeline } from '../../support/round-trips.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';

if (!testDatabaseUrl) {
  it('PGlite has no pipelined transactions: a write request runs its statements one by one', async () => {
    const t = await startTestApp();
    try {
      expect(t.database.handle.pipelined).toBeUndefined();
    } finally {
      await t.close();
    }
  });
}
describe.skipIf(!testDatabaseUrl)('PostgreSQL only (skipped on PGlite)', () => {
  describe('round trips of a write request on PostgreSQL', () => {
    let t: TestApp;
    let api: Client;
    let owner: SignedInUser;
    let org: TestOrganization;
    let counted: CountedPipeline;
    let project: { id: string; key: string; statuses: { id: string }[] };

    const orgPath = () => `/api/v1/organizations/${org.id}`;
    const as = (headers: Record<string, string> = {}) => ({ token: owner.accessToken, headers });
    const create = (headers: Record<string, string> = {}) =>
      api.post(`${orgPath()}/projects/${project.id}/tasks`, { title: 'Card' }, as(headers));

    beforeAll(async () => {
      t = await startTestApp({}, (database) => {
        // The app's worker runs inline and its loops share the counted connector (their batches
        // are left out of the count): room for them beside the requests being counted.
        counted = countedPipeline(database.url!, {
          role: APP_ROLE,
          leaveOutOutbox: true,
          max: 4,
        });
        return { database: { ...database.handle, pipelined: counted.connect } };
      });
      api = client(t.baseUrl);
      owner = await signIn(t, api);
      org = await createOrganization(api, owner);
      const created = await api.post(`${orgPath()}/projects`, { name: 'Trips', key: 'TR' }, as());
      expect(created.status).toBe(201);
      const statuses = await api.get(
        `${orgPath()}/projects/${created.body.data.id}/statuses`,
        as(),
      );
      project = { ...created.body.data, statuses: statuses.body.data };
      // Warm what is cached (the caller's access), so that only the request's own work counts.
      expect((await create()).status).toBe(201);
    });
    afterAll(async () => {
      // The app first: it stops its worker's loops, whose batches use the counted pool. Ended
      // first, the pool would neither serve nor refuse a batch already queued for a connection
      // (pg-pool leaves it waiting), and closing the app waits for that batch: in CI the hook's
      // 60 s ran out. The database is dropped with the counted connections open; the pool takes
      // their end as it comes (countedPipeline).
      await t?.close();
      await counted?.end();
    });
    beforeEach(() => {
      counted.reset();
    });

    it('creates a task in 3: BEGIN, scope and the project with its workflow; the INSERT; history, audit and COMMIT', async () => {
      expect((await create()).status).toBe(201);
      expect(counted.trips()).toBe(3);
    });

    it('with an Idempotency-Key, in 4: the claim, the 3 of the create with the completion ahead of its COMMIT; a replay in 2', async () => {
      // The completion commits with the task (it rode in a trip of its own after the COMMIT: 5).
      const headers = { 'idempotency-key': `trips-${Date.now()}` };
      expect((await create(headers)).status).toBe(201);
      expect(counted.trips()).toBe(4);
      counted.reset();
      const replay = await create(headers);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(counted.trips()).toBe(2);
    });

    it('moves a task by id to the bottom of a column in 3: the locked task with its workflow; the UPDATE with the read-back; history, audit and COMMIT', async () => {
      const task = (await create()).body.data;
      counted.reset();
      const moved = await api.post(
        `${orgPath()}/tasks/${task.id}/move`,
        { status_id: project.statuses[1]!.id },
        as(),
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.data.status_id).toBe(project.statuses[1]!.id);
      expect(counted.trips()).toBe(3);
    });

    it('changes a task’s status by PATCH in 3 by id; by key in 4, the key’s lock being a trip of its own', async () => {
      const task = (await create()).body.data;
      counted.reset();
      const patched = await api.patch(
        `${orgPath()}/tasks/${task.id}`,
        { status_id: project.statuses[2]!.id },
        as(),
      );
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.data.status_id).toBe(project.statuses[2]!.id);
      expect(counted.trips()).toBe(3);
      counted.reset();
      const byKey = await api.patch(
        `${orgPath()}/tasks/${task.key}`,
        { status_id: project.statuses[1]!.id },
        as(),
      );
      expect(byKey.status, JSON.stringify(byKey.body)).toBe(200);
      expect(byKey.body.data.status_id).toBe(project.statuses[1]!.id);
      expect(counted.trips()).toBe(4);
    });
  });
});
