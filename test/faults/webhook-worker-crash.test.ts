// The worker process (src/bootstrap/worker.ts) sending webhooks to a loopback receiver, against
// PostgreSQL and Redis. SIGKILL while a request is in flight (the receiver holds it unanswered):
// once the dead worker's lease runs out, a restarted worker sends it again with the same
// webhook-id and records it delivered. Two workers at once: each delivery is sent exactly once
// (a claim is exclusive). PostgreSQL only: the embedded default has no separate worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnitOfWork } from '../../src/adapters/postgres/unit-of-work.js';
import { cryptoSecretTokens } from '../../src/adapters/security/secret-tokens.js';
import { uuidV7Ids } from '../../src/adapters/system/uuid-v7-ids.js';
import type { UnitOfWork } from '../../src/application/shared/unit-of-work.js';
import { newWebhookSecret } from '../../src/application/webhooks/manage-webhooks.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { eventually, waitFor } from '../support/async.js';
import { anEvent } from '../support/builders/events.js';
import { repositoryBuilders } from '../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testDatabaseUrl, testRedisUrl, uniqueTag } from '../support/env.js';
import { deleteByPrefix } from '../support/redis.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { Redis } from 'ioredis';

const NOW = new Date();
const PREFIX = `test:webhooks:${uniqueTag()}:`;

let database: TestDatabase;
let uow: UnitOfWork;
let receiver: WebhookReceiver;
const workers: ApiProcess[] = [];
const { anOrganization } = repositoryBuilders(() => uow, NOW);

describe.skipIf(!testDatabaseUrl || !testRedisUrl)('the worker sending webhooks', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    uow = postgresUnitOfWork(database.handle.db);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await receiver?.close();
    await database?.close();
    const redis = new Redis(testRedisUrl!);
    await deleteByPrefix(redis, PREFIX);
    await redis.quit();
  });

  const startWorker = async () => {
    const worker = await startApiProcess(
      {
        DATABASE_URL: database.url!,
        REDIS_URL: testRedisUrl!,
        REDIS_KEY_PREFIX: PREFIX,
        WORKER_POLL_MS: '50',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        // A held request outlives the kill; the dead worker's claim runs out 4 s after it was made.
        WEBHOOK_TIMEOUT_MS: '3000',
        WEBHOOK_LEASE_SECONDS: '4',
      },
      { worker: true },
    );
    workers.push(worker);
    return worker;
  };

  /** An organization with an endpoint at the receiver, subscribed to label.created. */
  const anEndpoint = async () => {
    const organizationId = await anOrganization();
    const secret = newWebhookSecret(cryptoSecretTokens());
    await uow.run(
      (tx) =>
        tx.webhooks.create({
          id: uuidV7Ids.next(),
          organizationId,
          url: receiver.url,
          description: '',
          events: ['label.created'],
          active: true,
          secret,
          createdBy: uuidV7Ids.next(),
          now: NOW,
        }),
      { organizationId },
    );
    receiver.secrets = [secret];
    return organizationId;
  };

  const write = async (organizationId: string, count: number) => {
    const events = Array.from({ length: count }, () =>
      anEvent(organizationId, { type: 'label.created', occurredAt: NOW }),
    );
    await uow.run(
      async (tx) => {
        for (const event of events) await tx.events.append(event);
      },
      { organizationId },
    );
    return events;
  };

  /** The organization's deliveries as the table holds them. */
  const deliveries = (organizationId: string) =>
    uow.run(
      async (tx) => {
        const [endpoint] = await tx.webhooks.list(organizationId, { limit: 1 });
        return tx.webhooks.deliveries(organizationId, endpoint!.id, { limit: 100 });
      },
      { organizationId },
    );

  /** The webhooks consumer's cursor exists: events written from now on reach it. */
  const consuming = async () =>
    (await database.handle.db
      .selectFrom('event_dispatch')
      .select('consumer')
      .where('consumer', '=', 'webhooks')
      .executeTakeFirst()) !== undefined;

  it('sends a delivery again after a SIGKILL mid-request, with the same webhook-id', async () => {
    const org = await anEndpoint();
    receiver.received.length = 0;
    receiver.answers = ['hold'];
    receiver.fallback = { status: 200 };
    const first = await startWorker();
    await eventually(consuming, 60_000);
    await write(org, 1);
    await waitFor(() => receiver.received.length === 1, 60_000);
    await first.kill();
    await startWorker();
    await eventually(async () => (await deliveries(org))[0]?.status === 'delivered', 60_000);
    const [delivery] = await deliveries(org);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      delivery!.id,
      delivery!.id,
    ]);
    expect(receiver.received.every((r) => r.validFor.length === 1)).toBe(true);
    // The killed worker recorded nothing; the one that delivered, one attempt.
    expect(delivery!.log.map((a) => a.statusCode)).toEqual([200]);
    for (const worker of workers.splice(0)) await worker.stop();
  }, 240_000);

  it('sends each delivery exactly once with two workers running', async () => {
    const org = await anEndpoint();
    receiver.received.length = 0;
    receiver.fallback = { status: 200 };
    await Promise.all([startWorker(), startWorker()]);
    await eventually(consuming, 60_000);
    const events = await write(org, 30);
    await eventually(async () => {
      const all = await deliveries(org);
      return all.length === events.length && all.every((d) => d.status === 'delivered');
    }, 60_000);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(events.length);
    expect(new Set(ids).size).toBe(events.length);
    const bodies = receiver.received.map((r) => JSON.parse(r.body).id as string);
    expect(bodies.sort()).toEqual(events.map((e) => e.id).sort());
  }, 240_000);
});
