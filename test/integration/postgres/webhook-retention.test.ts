// The webhook delivery log's retention (migration 0027, purgeSettledDeliveries), on PostgreSQL and
// PGlite: settled deliveries older than the retention go with their attempts; pending ones stay
// whatever their age, and so do recent settled ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { postgresWebhookQueue } from '../../../src/adapters/postgres/webhook-queue.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { WebhookQueue } from '../../../src/application/webhooks/ports.js';
import { purgeSettledDeliveries } from '../../../src/application/webhooks/deliver-webhooks.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import { afterAttempt } from '../../../src/domain/webhooks/webhook.js';
import { fakeClock } from '../../support/clock.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const LONG_AGO = new Date('2026-01-01T12:00:00.000Z');
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;

let database: TestDatabase;
let uow: UnitOfWork;
let queue: WebhookQueue;
const { anOrganization, inOrg } = repositoryBuilders(() => uow, NOW);

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db);
  queue = postgresWebhookQueue(database.handle.db);
});
afterAll(async () => {
  await database?.close();
});

/** A ping to a new endpoint of `org`, due at `at`; settled at `at` when `succeeds` is given. */
async function aDelivery(org: string, at: Date, succeeds?: boolean): Promise<string> {
  const delivery = await inOrg(org, async (tx) => {
    const endpoint = await tx.webhooks.create({
      id: uuidV7Ids.next(),
      organizationId: org,
      url: 'https://hooks.example.com/in',
      description: '',
      events: ['*'],
      active: true,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      createdBy: uuidV7Ids.next(),
      now: at,
    });
    return tx.webhooks.enqueuePing(endpoint, {
      id: uuidV7Ids.next(),
      actor: { type: 'user', id: uuidV7Ids.next() },
      now: at,
    });
  });
  if (succeeds === undefined) return delivery.id;
  const [claimed] = (await queue.claim(at, 100, 60_000)).filter((c) => c.id === delivery.id);
  const { recorded } = await queue.record(claimed!, {
    attempt: {
      attempt: 1,
      requestId: uuidV7Ids.next(),
      statusCode: succeeds ? 200 : 500,
      error: null,
      durationMs: 5,
      responseExcerpt: '',
      attemptedAt: at,
    },
    outcome: succeeds ? afterAttempt(1, true, at) : { status: 'failed' },
    disableIfFailingSince: new Date(at.getTime() - 5 * DAY),
  });
  expect(recorded).toBe(true);
  return delivery.id;
}

const logOf = (org: string, id: string) =>
  inOrg(org, async (tx) => {
    for (const endpoint of await tx.webhooks.list(org, { limit: 100 })) {
      const found = await tx.webhooks.delivery(org, endpoint.id, id);
      if (found) return found;
    }
    return undefined;
  });

describe('the webhook delivery log’s retention', () => {
  it('deletes settled deliveries past retention with their attempts, and keeps the rest', async () => {
    const org = await anOrganization();
    const oldDelivered = await aDelivery(org, LONG_AGO, true);
    const oldFailed = await aDelivery(org, LONG_AGO, false);
    const oldPending = await aDelivery(org, LONG_AGO);
    const recentDelivered = await aDelivery(org, new Date(NOW.getTime() - DAY), true);

    const purged = await purgeSettledDeliveries({ queue, clock: fakeClock(NOW) }, 30);
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await logOf(org, oldDelivered)).toBeUndefined();
    expect(await logOf(org, oldFailed)).toBeUndefined();
    expect(await logOf(org, oldPending)).toMatchObject({ status: 'pending' });
    expect(await logOf(org, recentDelivered)).toMatchObject({
      status: 'delivered',
      log: [expect.objectContaining({ statusCode: 200 })],
    });
    // Nothing left to purge.
    expect(await purgeSettledDeliveries({ queue, clock: fakeClock(NOW) }, 30)).toBe(0);
  });
});
