// The seam of a resume, held still: live events that arrive while the replay reads the events
// table are handed on after it, those the replay already sent are dropped, and a repeat of a
// batch is dropped too. The events table is a small fake whose reads the test answers.
import { describe, expect, it } from 'vitest';
import type { OrganizationAccess } from '../../../src/application/access/resolve-access.js';
import type { Deps } from '../../../src/application/deps.js';
import type { EventPosition, PositionedEvent } from '../../../src/application/events/ports.js';
import {
  organizationFeed,
  type FeedMessage,
} from '../../../src/application/events/realtime-feed.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { ROLE_PERMISSIONS } from '../../../src/domain/access/permissions.js';
import { deferred } from '../../support/async.js';
import { grantOf } from '../../support/builders/domain.js';

const ORG = 'o-1';

function positioned(n: number): PositionedEvent {
  const event: DomainEvent = {
    id: `e-${n}`,
    type: 'project.updated',
    organizationId: ORG,
    subject: { type: 'project', id: 'p-1', key: 'RE' },
    actor: { type: 'user', id: 'u-1' },
    change: {},
    occurredAt: new Date('2026-03-01T12:00:00Z'),
    projectId: 'p-1',
    assigneeId: null,
    reporterId: null,
    requestId: null,
  };
  return { position: { txId: String(100 + n), seq: '1' }, event };
}

/** The events table of the test: e-1 … e-6; each `list` waits for the test to answer it. */
function fakeTable() {
  const rows = [1, 2, 3, 4, 5, 6].map(positioned);
  const pending: Array<ReturnType<typeof deferred<void>>> = [];
  const events = {
    positionOf: (_org: string, id: string) =>
      Promise.resolve(rows.find((r) => r.event.id === id)?.position),
    async list(_org: string, _visibility: unknown, page: { after?: EventPosition; limit: number }) {
      const gate = deferred();
      pending.push(gate);
      await gate.promise;
      const after = page.after;
      return rows
        .filter((r) => after === undefined || BigInt(r.position.txId) > BigInt(after.txId))
        .slice(0, page.limit)
        .map((r) => r.event);
    },
  };
  const deps = {
    uow: { read: (work: (tx: unknown) => Promise<unknown>) => work({ events }) },
    cache: { delete: () => Promise.resolve() },
  } as unknown as Pick<Deps, 'uow' | 'cache'>;
  return { deps, pending };
}

function aFeed(
  deps: Pick<Deps, 'uow' | 'cache'>,
  replayPageSize = 10,
  grant = grantOf('owner', ROLE_PERMISSIONS.owner, 'u-1'),
) {
  const sent: FeedMessage[] = [];
  const access = {
    organization: { id: ORG, slug: 'acme' },
    principal: { kind: 'user', userId: grant.actorId, sessionId: `s-${grant.actorId}` },
    grant,
  } as unknown as OrganizationAccess;
  const feed = organizationFeed(
    deps,
    access,
    { send: (m) => sent.push(m), lost: () => undefined },
    { replayPageSize },
  );
  feed.filters.set('organization', {});
  const ids = () => sent.flatMap((m) => (m.type === 'event' ? [m.event.id] : []));
  return { feed, sent, ids };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('a resume', () => {
  it('hands on what arrived during the replay after it, without repeating what it replayed', async () => {
    const { deps, pending } = fakeTable();
    const { feed, ids } = aFeed(deps);
    const resuming = feed.resume('e-2');
    await until(() => pending.length === 1);
    // Dispatched while the replay reads: two it will read itself, one after everything.
    feed.offer(positioned(4));
    feed.offer(positioned(5));
    feed.offer(positioned(7));
    expect(ids()).toEqual([]);
    pending[0]!.resolve();
    await resuming;
    expect(ids()).toEqual(['e-3', 'e-4', 'e-5', 'e-6', 'e-7']);
    // A dispatcher's repeat of the batch changes nothing.
    for (const n of [5, 6, 7]) feed.offer(positioned(n));
    feed.offer(positioned(8));
    expect(ids()).toEqual(['e-3', 'e-4', 'e-5', 'e-6', 'e-7', 'e-8']);
  });

  it('reads page by page, each after the last one read', async () => {
    const { deps, pending } = fakeTable();
    const { feed, ids } = aFeed(deps, 2);
    const resuming = feed.resume('e-1');
    for (let page = 0; page < 3; page++) {
      await until(() => pending.length === page + 1);
      pending[page]!.resolve();
    }
    await resuming;
    expect(ids()).toEqual(['e-2', 'e-3', 'e-4', 'e-5', 'e-6']);
  });

  it('answers resync_required for an unknown id, then hands on what arrived meanwhile', async () => {
    const { deps } = fakeTable();
    const { feed, sent, ids } = aFeed(deps);
    const resuming = feed.resume('e-unknown');
    feed.offer(positioned(7));
    await resuming;
    expect(sent[0]).toEqual({ type: 'resync_required', organizationId: ORG });
    expect(ids()).toEqual(['e-7']);
  });
});

describe('feeds handed one event with one decisions map (as the hub does)', () => {
  /** A task moved: reported by u-1, assigned to nobody. */
  function taskMoved(n: number): PositionedEvent {
    const { position, event } = positioned(n);
    return {
      position,
      event: {
        ...event,
        type: 'task.moved',
        subject: { type: 'task', id: 't-1', key: 'RE-1' },
        reporterId: 'u-1',
      },
    };
  }

  it("each get their own grant's answer, and grants alike share it", () => {
    const { deps } = fakeTable();
    const feeds = [
      aFeed(deps, 10, grantOf('viewer', ROLE_PERMISSIONS.viewer, 'u-3')),
      aFeed(deps, 10, grantOf('requester', ROLE_PERMISSIONS.requester, 'u-2')),
      aFeed(deps, 10, grantOf('requester', ROLE_PERMISSIONS.requester, 'u-1')),
      aFeed(deps, 10, grantOf('requester', ROLE_PERMISSIONS.requester, 'u-2')),
    ];
    for (const n of [1, 2]) {
      const decisions = new Map<string, boolean>();
      const event = taskMoved(n);
      for (const { feed } of feeds) feed.offer(event, decisions);
      // The viewer, the reporter, and the two alike requesters who did not report it: 3 answers.
      expect(decisions.size).toBe(3);
    }
    expect(feeds.map(({ ids }) => ids())).toEqual([['e-1', 'e-2'], [], ['e-1', 'e-2'], []]);
  });
});
