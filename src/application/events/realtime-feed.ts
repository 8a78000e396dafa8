// One socket's view of one organization: its subscriptions there, the grant that decides what it
// may read (resolved again when an event changes it), the last position it was handed, and the
// replay of a resume with its seam to the live stream.
import { can } from '../../domain/access/authorize.js';
import {
  eventVisibility,
  mayRead,
  readSignature,
  type DomainEvent,
} from '../../domain/events/event.js';
import { changesGrant, withinAny, type EventFilter } from '../../domain/events/realtime.js';
import { NotFoundError } from '../../domain/shared/errors.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import {
  grantCacheKey,
  readInOrganization,
  resolveAccess,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { EventPosition, PositionedEvent } from './ports.js';
import { isBefore } from './ports.js';

/** What a feed tells its socket. */
export type FeedMessage =
  | { readonly type: 'event'; readonly event: DomainEvent }
  | { readonly type: 'resync_required'; readonly organizationId: string };

export interface FeedOwner {
  send(message: FeedMessage): void;
  /** The subscriber lost the organization (or its grant could not be read): end the socket. */
  lost(reason: 'revoked' | 'failed', error?: unknown): void;
}

export interface OrganizationFeed {
  readonly organizationId: string;
  /** The organization's slug, so an unsubscribe may name it as the subscribe did. */
  readonly slug: string;
  readonly filters: Map<string, EventFilter>;
  /**
   * A dispatched event of this organization (in the readers' order; repeats are dropped).
   * `decisions`: the answers other feeds already got for this event, by grant signature, to
   * reuse and add to (the hub hands every socket of an event the same map).
   */
  offer(positioned: PositionedEvent, decisions?: ReadDecisions): void;
  /**
   * Replays the committed events after event `afterId` that the filters and the grant let
   * through, then continues live: what arrives meanwhile is held and handed on after the last
   * replayed position, so nothing is missed or sent twice at the seam. An unknown (or purged)
   * id answers resync_required and the feed goes on live.
   */
  resume(afterId: string): Promise<void>;
  /** Stops delivering (the socket closed, or the last subscription here was dropped). */
  stop(): void;
}

/** Whether an event may be read, by readSignature of the grant asking: one map per event. */
export type ReadDecisions = Map<string, boolean>;

export interface FeedSettings {
  readonly replayPageSize: number;
}

export function organizationFeed(
  deps: Pick<Deps, 'uow' | 'cache'>,
  initial: OrganizationAccess,
  owner: FeedOwner,
  settings: FeedSettings,
): OrganizationFeed {
  const organizationId = initial.organization.id;
  const principal = initial.principal;
  let access = initial;
  let stopped = false;
  /** The last position handed on or passed over: anything not after it is a repeat. */
  let seen: EventPosition | undefined;
  /** Live events that arrived during a replay; undefined when no replay runs. */
  let held: PositionedEvent[] | undefined;
  /** Live events waiting their turn while a grant is being resolved again. */
  const queue: PositionedEvent[] = [];
  /** A grant is being resolved again: the queue waits. */
  let resolving = false;
  const filters = new Map<string, EventFilter>();
  /** What changesGrant and the decisions ask of the grant, kept with it (asked for every event). */
  let asker = askerOf(access);

  const mayReadNow = (event: DomainEvent, decisions: ReadDecisions | undefined) => {
    if (decisions === undefined) return mayRead(access.grant, event);
    let decided = decisions.get(asker.signature);
    if (decided === undefined) {
      decided = mayRead(access.grant, event);
      decisions.set(asker.signature, decided);
    }
    return decided;
  };
  const lets = (event: DomainEvent, decisions?: ReadDecisions) =>
    withinAny(filters.values(), event) && mayReadNow(event, decisions);

  async function regrant(): Promise<void> {
    // The write's own cache invalidation runs after its commit, maybe after the dispatcher
    // read the event: forget the cached grant here too, so the read below is the database's.
    await deps.cache.delete(grantCacheKey(organizationId, actorIdOf(principal)));
    access = await resolveAccess(deps, principal, organizationId);
    asker = askerOf(access);
  }

  /** Marks `positioned` handed on, and sends it if the filters and the grant let it through. */
  function deliver({ position, event }: PositionedEvent, decisions?: ReadDecisions): void {
    seen = position;
    if (lets(event, decisions)) owner.send({ type: 'event', event });
  }

  /**
   * Hands one event on (a repeat is passed over); false if it changes this subscriber's grant:
   * then it must wait for the grant to be resolved again.
   */
  function handOn(positioned: PositionedEvent, decisions?: ReadDecisions): boolean {
    if (seen !== undefined && !isBefore(seen, positioned.position)) return true;
    if (changesGrant(asker.subscriber, positioned.event)) return false;
    deliver(positioned, decisions);
    return true;
  }

  /**
   * Hands on the queued events in order, synchronously (a thousand sockets hear each event: no
   * promise per socket), until one changes this subscriber's grant: that one waits for the grant
   * to be resolved again, and the rest of the queue with it.
   */
  function drain(): void {
    while (!stopped && !resolving && held === undefined && queue.length > 0) {
      if (!handOn(queue[0]!)) {
        void regrantThenDrain(queue[0]!);
        return;
      }
      queue.shift();
    }
  }

  async function regrantThenDrain(asking: PositionedEvent): Promise<void> {
    resolving = true;
    try {
      await regrant();
    } catch (error) {
      owner.lost(error instanceof NotFoundError ? 'revoked' : 'failed', error);
      return;
    } finally {
      resolving = false;
    }
    if (!can(access.grant, 'organization:read')) {
      owner.lost('revoked');
      return;
    }
    if (stopped) return;
    // The event that asked for it goes out now, unless a resume began meanwhile: that cleared
    // the queue and replays the event itself.
    if (queue[0] === asking) {
      queue.shift();
      deliver(asking);
    }
    drain();
  }

  function offer(positioned: PositionedEvent, decisions?: ReadDecisions): void {
    if (stopped) return;
    if (held !== undefined) {
      held.push(positioned);
      return;
    }
    // Nothing waits before it (the usual case): handed on at once, not through the queue.
    if (!resolving && queue.length === 0 && handOn(positioned, decisions)) return;
    queue.push(positioned);
    drain();
  }

  async function replay(afterId: string): Promise<void> {
    const read = <T>(work: Parameters<typeof readInOrganization<T>>[2]) =>
      readInOrganization(deps, access, work);
    let cursor = await read((tx) => tx.events.positionOf(organizationId, afterId));
    if (cursor === undefined) {
      owner.send({ type: 'resync_required', organizationId });
      return;
    }
    for (;;) {
      const after: EventPosition = cursor;
      const page = await read((tx) =>
        tx.events.list(organizationId, eventVisibility(access.grant), {
          after,
          limit: settings.replayPageSize,
        }),
      );
      for (const event of page) if (!stopped && lets(event)) owner.send({ type: 'event', event });
      const last = page.at(-1);
      if (last === undefined) break;
      const next = await read((tx) => tx.events.positionOf(organizationId, last.id));
      if (next === undefined) {
        // Purged while we read: what follows can no longer be told without a gap.
        owner.send({ type: 'resync_required', organizationId });
        return;
      }
      cursor = next;
      if (page.length < settings.replayPageSize) break;
    }
    seen = cursor;
  }

  return {
    organizationId,
    slug: initial.organization.slug,
    filters,
    offer,
    async resume(afterId) {
      // Held from before the first read: an event dispatched while the replay reads is either
      // in what it reads (and dropped below as not after `seen`) or after it (and handed on).
      held = [];
      // A live event still being handed on (a grant being resolved) goes out before the replay.
      queue.splice(0);
      try {
        await replay(afterId);
      } finally {
        const arrived = held;
        held = undefined;
        for (const positioned of arrived) queue.push(positioned);
        drain();
      }
    },
    stop() {
      stopped = true;
      queue.splice(0);
      held = undefined;
    },
  };
}

/** The feed's grant as changesGrant and the shared decisions ask for it. */
function askerOf(access: OrganizationAccess) {
  const { actorId, role } = access.grant;
  return {
    subscriber: { actorId, role, kind: access.principal.kind },
    signature: readSignature(access.grant),
  };
}
