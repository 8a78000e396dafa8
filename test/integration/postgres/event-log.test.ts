// The events table through the EventLog port (src/adapters/postgres/event-log-repository.ts), on
// PostgreSQL and PGlite: an event exists if and only if its transaction committed; readers take
// them in a stable order, page by page; the SQL filter agrees with the domain's passes(). On
// PostgreSQL, two transactions that commit in the opposite order of their start: the reader never
// moves past the one that is still running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { EventPosition } from '../../../src/application/events/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import {
  EVENT_TYPES,
  eventVisibility,
  passes,
  type DomainEvent,
  type EventType,
} from '../../../src/domain/events/event.js';
import { BUILT_IN_ROLES, ROLE_PERMISSIONS } from '../../../src/domain/access/permissions.js';
import { deferred, eventually } from '../../support/async.js';
import { grantOf } from '../../support/builders/domain.js';
import { anEvent } from '../../support/builders/events.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl } from '../../support/env.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let uow: UnitOfWork;
const { anOrganization } = repositoryBuilders(() => uow, NOW);

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db, {
    pipelined: database.handle.pipelined,
    scopedRead: database.handle.scopedRead,
  });
});
afterAll(async () => {
  await database?.close();
});

const ALL = { types: EVENT_TYPES, tasks: 'all' } as const;

function list(
  organizationId: string,
  page: { after?: EventPosition; types?: EventType[]; limit?: number } = {},
  visibility: Parameters<typeof eventVisibility>[0] | undefined = undefined,
) {
  return uow.read(
    (tx) =>
      tx.events.list(organizationId, visibility ? eventVisibility(visibility) : ALL, {
        after: page.after,
        types: page.types,
        limit: page.limit ?? 100,
      }),
    { organizationId },
  );
}

/**
 * The organization's events once `count` are readable. A reader sees an event once every write
 * transaction older than it has ended, anywhere on the server (other tests' included): a moment
 * after its commit, not at once.
 */
async function visible(organizationId: string, count: number): Promise<DomainEvent[]> {
  let read: DomainEvent[] = [];
  await eventually(async () => {
    read = await list(organizationId, { limit: 1_000 });
    return read.length >= count;
  }, 30_000);
  return read;
}

const append = (organizationId: string, events: DomainEvent[]) =>
  uow.run(
    async (tx) => {
      for (const event of events) await tx.events.append(event);
    },
    { organizationId },
  );

describe('the event log', () => {
  it('keeps an event if and only if its transaction committed, as it was appended', async () => {
    const org = await anOrganization();
    const kept = anEvent(org);
    await append(org, [kept]);
    const lost = anEvent(org);
    await expect(
      uow.run(
        async (tx) => {
          await tx.events.append(lost);
          await tx.events.positionOf(org, lost.id); // the insert has reached the database
          throw new Error('the write failed after its event');
        },
        { organizationId: org },
      ),
    ).rejects.toThrow('the write failed');
    // Once an event written after it is readable, the rolled-back one can never appear.
    const marker = anEvent(org);
    await append(org, [marker]);
    expect(await visible(org, 2)).toEqual([kept, marker]);
  });

  it('reads events in the order their transactions wrote them, page after page', async () => {
    const org = await anOrganization();
    const written = [anEvent(org), anEvent(org), anEvent(org), anEvent(org), anEvent(org)];
    await append(org, written.slice(0, 2));
    await append(org, written.slice(2, 3));
    await append(org, written.slice(3));
    await visible(org, written.length);
    const read: DomainEvent[] = [];
    let after: EventPosition | undefined;
    for (;;) {
      const page = await list(org, { limit: 2, ...(after && { after }) });
      if (page.length === 0) break;
      read.push(...page);
      const last = page.at(-1)!;
      after = await uow.read((tx) => tx.events.positionOf(org, last.id), { organizationId: org });
    }
    expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
    // Another organization sees none of them, and knows none of their positions.
    const other = await anOrganization();
    expect(await list(other)).toEqual([]);
    expect(
      await uow.read((tx) => tx.events.positionOf(other, written[0]!.id), {
        organizationId: other,
      }),
    ).toBeUndefined();
  });

  it('keeps only the types asked for', async () => {
    const org = await anOrganization();
    const moved = anEvent(org, { type: 'task.moved' });
    await append(org, [anEvent(org), moved, anEvent(org, { type: 'label.created' })]);
    await visible(org, 3);
    expect(await list(org, { types: ['task.moved'] })).toEqual([moved]);
  });

  it('lets through exactly what passes() does, for every built-in role', async () => {
    const org = await anOrganization();
    const me = newId();
    const someone = newId();
    const people = [
      { reporterId: me, assigneeId: null },
      { reporterId: someone, assigneeId: me },
      { reporterId: someone, assigneeId: someone },
    ];
    const events = EVENT_TYPES.flatMap((type) =>
      people.map((who) => anEvent(org, { type, ...who })),
    );
    await append(org, events);
    await visible(org, events.length);
    for (const role of BUILT_IN_ROLES) {
      const grant = grantOf(role, ROLE_PERMISSIONS[role], me);
      const expected = events.filter((event) => passes(eventVisibility(grant), event));
      const read = await list(org, { limit: 500 }, grant);
      expect(
        read.map((e) => e.id),
        role,
      ).toEqual(expected.map((e) => e.id));
    }
  });
});

describe.skipIf(!testDatabaseUrl)('the event log under transactions that overlap', () => {
  it('never skips an event whose transaction started first and committed last', async () => {
    const org = await anOrganization();
    const first = anEvent(org, { subject: { type: 'task', id: newId(), key: 'RE-1' } });
    const second = anEvent(org, { subject: { type: 'task', id: newId(), key: 'RE-2' } });
    const written = deferred();
    const release = deferred();
    // A: writes its event (the insert reaches PostgreSQL, so A holds the lower transaction id),
    // then stays open.
    const a = uow.run(
      async (tx) => {
        await tx.events.append(first);
        await tx.events.positionOf(org, first.id);
        written.resolve();
        await release.promise;
      },
      { organizationId: org },
    );
    await written.promise;
    // B: starts after A, writes and commits while A is still open.
    await append(org, [second]);
    // A reader now sees neither: B's event waits behind A, which may still commit.
    expect(await list(org)).toEqual([]);
    release.resolve();
    await a;
    // Once A has committed: A's event, then B's, and nothing was passed over.
    expect((await visible(org, 2)).map((e) => e.subject.key)).toEqual(['RE-1', 'RE-2']);
  });
});
