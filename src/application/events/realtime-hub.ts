// The realtime hub, whatever the transport: the sockets connected to this process, their
// subscriptions, and the dispatched events (from the EventBus) handed to each socket that may
// read them. The WebSocket adapter turns frames into requests and messages into frames.
import { authorize } from '../../domain/access/authorize.js';
import {
  CLOSE_CODES,
  filterKey,
  revokesAccess,
  type EventFilter,
} from '../../domain/events/realtime.js';
import { actorIdOf, type Principal } from '../../domain/identity/principal.js';
import { DomainError, notFound } from '../../domain/shared/errors.js';
import { resolveAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../shared/ports.js';
import type { EventBus, PositionedEvent } from './ports.js';
import { organizationFeed, type FeedMessage, type OrganizationFeed } from './realtime-feed.js';

/** An organization (by id or slug) and, optionally, one project or one task of it. */
export interface OrganizationTarget extends EventFilter {
  readonly organization: string;
}

/** What a client asks, once the transport has parsed and checked it. */
export type RealtimeRequest =
  | ({ readonly type: 'subscribe' | 'unsubscribe' } & OrganizationTarget)
  | ({ readonly type: 'resume'; readonly after: string } & OrganizationTarget)
  | { readonly type: 'subscribe' | 'unsubscribe'; readonly channel: 'user' };

/** What the hub tells a client. */
export type RealtimeMessage =
  | FeedMessage
  | ({
      readonly type: 'subscribed' | 'unsubscribed';
      readonly organizationId: string;
    } & EventFilter)
  | { readonly type: 'subscribed' | 'unsubscribed'; readonly channel: 'user' }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** One connected socket, as the hub sees it. */
export interface RealtimePeer {
  send(message: RealtimeMessage): void;
  /** Ends the socket with a close code (CLOSE_CODES); the transport then calls `closed()`. */
  close(code: number, reason: string): void;
}

export interface RealtimeSession {
  /** Handles one request; requests of a socket are handled one after another, in order. */
  handle(request: RealtimeRequest): Promise<void>;
  /** The transport closed: forget the socket. */
  closed(): void;
  /** When its credential expires (an access token's `exp`); undefined for an API key. */
  readonly expiresAt: Date | undefined;
}

export interface RealtimeHub {
  connect(peer: RealtimePeer, principal: Principal, expiresAt?: Date): RealtimeSession;
  /** Closes (4401) every socket whose credential has expired by the clock; the transport's timers and tests call it. */
  tick(): void;
  /** Closes every socket with `code` (1001 when the server stops). */
  closeAll(code: number, reason: string): void;
  /** Sockets connected. */
  size(): number;
  /** Stops listening to the bus. */
  stop(): void;
}

export interface RealtimeSettings {
  /** Subscriptions a socket may hold at once (each filter of each organization, and the user's). */
  readonly maxSubscriptions: number;
  /** Events read per page when a resume replays from the events table. */
  readonly replayPageSize: number;
  readonly logger: Logger;
}

export function realtimeHub(
  deps: Pick<Deps, 'uow' | 'cache' | 'clock'>,
  bus: EventBus,
  settings: RealtimeSettings,
): RealtimeHub {
  interface Connected {
    readonly peer: RealtimePeer;
    readonly principal: Principal;
    /** Who the socket's principal is, as revokesAccess asks (the same for every event). */
    readonly subscriber: Parameters<typeof revokesAccess>[0];
    readonly expiresAt: Date | undefined;
    readonly feeds: Map<string, OrganizationFeed>;
    userChannel: boolean;
    ended: boolean;
  }
  const sockets = new Set<Connected>();
  /** The sockets with a feed in each organization: who hears a dispatched event. */
  const byOrganization = new Map<string, Set<Connected>>();

  function end(socket: Connected, code: number, reason: string): void {
    if (socket.ended) return;
    socket.ended = true;
    forget(socket);
    socket.peer.close(code, reason);
  }

  function forget(socket: Connected): void {
    sockets.delete(socket);
    for (const feed of socket.feeds.values()) {
      feed.stop();
      byOrganization.get(feed.organizationId)?.delete(socket);
    }
    socket.feeds.clear();
  }

  function hear(batch: readonly PositionedEvent[]): void {
    for (const positioned of batch) {
      const listeners = byOrganization.get(positioned.event.organizationId);
      if (listeners === undefined) continue;
      for (const socket of [...listeners]) {
        if (revokesAccess(socket.subscriber, positioned.event)) {
          end(socket, CLOSE_CODES.accessRevoked, 'Access to the organization was removed');
          continue;
        }
        socket.feeds.get(positioned.event.organizationId)?.offer(positioned);
      }
    }
  }
  const unsubscribe = bus.subscribe(hear);

  const subscriptionCount = (socket: Connected) =>
    (socket.userChannel ? 1 : 0) +
    [...socket.feeds.values()].reduce((sum, feed) => sum + feed.filters.size, 0);

  /** The socket's feed in the organization, created (access resolved: 404, 403) when new. */
  async function feedFor(socket: Connected, organization: string): Promise<OrganizationFeed> {
    for (const feed of socket.feeds.values()) {
      if (feed.organizationId === organization || feed.slug === organization) return feed;
    }
    const access = await resolveAccess(deps, socket.principal, organization);
    authorize(access.grant, 'organization:read');
    // The socket closed, or subscribed there too (by the other of id and slug), meanwhile.
    if (socket.ended) notFound('organization');
    const existing = socket.feeds.get(access.organization.id);
    if (existing !== undefined) return existing;
    const feed = organizationFeed(
      deps,
      access,
      {
        send: (message) => socket.peer.send(message),
        lost: (reason, error) => {
          if (reason === 'failed') settings.logger.error({ err: error }, 'realtime grant failed');
          if (reason === 'revoked') {
            end(socket, CLOSE_CODES.accessRevoked, 'Access to the organization was removed');
          } else end(socket, CLOSE_CODES.serverError, 'Could not check access: reconnect');
        },
      },
      { replayPageSize: settings.replayPageSize },
    );
    socket.feeds.set(feed.organizationId, feed);
    let listeners = byOrganization.get(feed.organizationId);
    if (listeners === undefined) byOrganization.set(feed.organizationId, (listeners = new Set()));
    listeners.add(socket);
    return feed;
  }

  function dropFeedIfEmpty(socket: Connected, feed: OrganizationFeed): void {
    if (feed.filters.size > 0) return;
    feed.stop();
    socket.feeds.delete(feed.organizationId);
    byOrganization.get(feed.organizationId)?.delete(socket);
  }

  async function subscribe(
    socket: Connected,
    target: OrganizationTarget,
  ): Promise<OrganizationFeed> {
    const feed = await feedFor(socket, target.organization);
    const filter: EventFilter = { projectId: target.projectId, taskId: target.taskId };
    const key = filterKey(filter);
    if (!feed.filters.has(key) && subscriptionCount(socket) >= settings.maxSubscriptions) {
      dropFeedIfEmpty(socket, feed);
      throw new SubscriptionLimitError(settings.maxSubscriptions);
    }
    feed.filters.set(key, filter);
    socket.peer.send({
      type: 'subscribed',
      organizationId: feed.organizationId,
      ...defined(filter),
    });
    return feed;
  }

  async function handle(socket: Connected, request: RealtimeRequest): Promise<void> {
    if ('channel' in request) {
      if (request.type === 'subscribe' && !socket.userChannel) {
        if (subscriptionCount(socket) >= settings.maxSubscriptions) {
          throw new SubscriptionLimitError(settings.maxSubscriptions);
        }
      }
      socket.userChannel = request.type === 'subscribe';
      socket.peer.send({
        type: request.type === 'subscribe' ? 'subscribed' : 'unsubscribed',
        channel: 'user',
      });
      return;
    }
    switch (request.type) {
      case 'subscribe':
        await subscribe(socket, request);
        return;
      case 'resume': {
        const feed = await subscribe(socket, request);
        await feed.resume(request.after);
        return;
      }
      case 'unsubscribe': {
        const feed = [...socket.feeds.values()].find(
          (f) => f.organizationId === request.organization || f.slug === request.organization,
        );
        const filter: EventFilter = { projectId: request.projectId, taskId: request.taskId };
        if (!feed?.filters.delete(filterKey(filter))) notFound('subscription');
        dropFeedIfEmpty(socket, feed);
        socket.peer.send({
          type: 'unsubscribed',
          organizationId: feed.organizationId,
          ...defined(filter),
        });
        return;
      }
    }
  }

  return {
    connect(peer, principal, expiresAt) {
      const socket: Connected = {
        peer,
        principal,
        subscriber: { actorId: actorIdOf(principal), kind: principal.kind },
        expiresAt,
        feeds: new Map(),
        userChannel: false,
        ended: false,
      };
      sockets.add(socket);
      let chain = Promise.resolve();
      return {
        expiresAt,
        handle(request) {
          chain = chain.then(async () => {
            if (socket.ended) return;
            try {
              await handle(socket, request);
            } catch (error) {
              if (error instanceof DomainError || error instanceof SubscriptionLimitError) {
                peer.send({ type: 'error', code: error.code, message: error.message });
              } else {
                settings.logger.error({ err: error }, 'realtime request failed');
                end(socket, CLOSE_CODES.serverError, 'Unexpected error: reconnect and resume');
              }
            }
          });
          return chain;
        },
        closed() {
          socket.ended = true;
          forget(socket);
        },
      };
    },
    tick() {
      const now = deps.clock.now();
      for (const socket of [...sockets]) {
        if (socket.expiresAt !== undefined && socket.expiresAt <= now) {
          end(socket, CLOSE_CODES.reauthenticate, 'The access token expired: reauthenticate');
        }
      }
    },
    closeAll(code, reason) {
      for (const socket of [...sockets]) end(socket, code, reason);
    },
    size: () => sockets.size,
    stop: unsubscribe,
  };
}

/** A socket asked for more subscriptions than it may hold. */
export class SubscriptionLimitError extends Error {
  readonly code = 'SUBSCRIPTION_LIMIT';
  constructor(limit: number) {
    super(`A socket may hold at most ${limit} subscriptions: unsubscribe first`);
  }
}

function defined(filter: EventFilter): EventFilter {
  return {
    ...(filter.projectId !== undefined && { projectId: filter.projectId }),
    ...(filter.taskId !== undefined && { taskId: filter.taskId }),
  };
}
