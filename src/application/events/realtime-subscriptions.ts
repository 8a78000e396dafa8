// What a realtime socket subscribes to, whatever the transport: its feed in each organization
// (access resolved when the feed is made: 404, 403), the filters it holds there, its own user
// channel, and the limit on them all. The hub (realtime-hub.ts) routes events and signals to it.
import { authorize } from '../../domain/access/authorize.js';
import { CLOSE_CODES, filterKey, type EventFilter } from '../../domain/events/realtime.js';
import type { Principal } from '../../domain/identity/principal.js';
import { ForbiddenError, notFound } from '../../domain/shared/errors.js';
import { resolveAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../shared/ports.js';
import { organizationFeed, type OrganizationFeed } from './realtime-feed.js';
import type { OrganizationTarget, RealtimePeer, RealtimeRequest } from './realtime-messages.js';

/** One connected socket, as the hub sees it. */
export interface ConnectedSocket {
  readonly peer: RealtimePeer;
  readonly principal: Principal;
  /** Who the principal is, as revokesAccess asks (read once: the hub asks it for every event). */
  readonly subscriber: { readonly actorId: string; readonly kind: Principal['kind'] };
  /** When its credential expires (an access token's `exp`, an API key's `expires_at`). */
  readonly expiresAt: Date | undefined;
  readonly feeds: Map<string, OrganizationFeed>;
  userChannel: boolean;
  ended: boolean;
}

/** Sockets by a key (an organization, a user, a session): who a message is for. */
export function socketIndex() {
  const map = new Map<string, Set<ConnectedSocket>>();
  return {
    add(key: string, socket: ConnectedSocket): void {
      let sockets = map.get(key);
      if (sockets === undefined) map.set(key, (sockets = new Set()));
      sockets.add(socket);
    },
    delete(key: string, socket: ConnectedSocket): void {
      const sockets = map.get(key);
      sockets?.delete(socket);
      if (sockets?.size === 0) map.delete(key);
    },
    /** A copy: ending a socket while going through them removes it from the index. */
    get: (key: string): ConnectedSocket[] => [...(map.get(key) ?? [])],
    keys: (): string[] => [...map.keys()],
  };
}

export interface SubscriptionSettings {
  /** Subscriptions a socket may hold at once (each filter of each organization, and the user's). */
  readonly maxSubscriptions: number;
  /** Events read per page when a resume replays from the events table. */
  readonly replayPageSize: number;
  readonly logger: Logger;
}

/** A socket asked for more subscriptions than it may hold. */
export class SubscriptionLimitError extends Error {
  readonly code = 'SUBSCRIPTION_LIMIT';
  constructor(limit: number) {
    super(`A socket may hold at most ${limit} subscriptions: unsubscribe first`);
  }
}

export function socketSubscriptions(
  deps: Pick<Deps, 'uow' | 'cache'>,
  settings: SubscriptionSettings,
  end: (socket: ConnectedSocket, code: number, reason: string) => void,
) {
  /** The sockets with a feed in each organization: who hears a dispatched event. */
  const byOrganization = socketIndex();

  const subscriptionCount = (socket: ConnectedSocket) =>
    (socket.userChannel ? 1 : 0) +
    [...socket.feeds.values()].reduce((sum, feed) => sum + feed.filters.size, 0);

  /** The socket's feed in the organization, created (access resolved: 404, 403) when new. */
  async function feedFor(socket: ConnectedSocket, organization: string) {
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
    byOrganization.add(feed.organizationId, socket);
    return feed;
  }

  function dropFeedIfEmpty(socket: ConnectedSocket, feed: OrganizationFeed): void {
    if (feed.filters.size > 0) return;
    feed.stop();
    socket.feeds.delete(feed.organizationId);
    byOrganization.delete(feed.organizationId, socket);
  }

  async function subscribe(socket: ConnectedSocket, target: OrganizationTarget) {
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

  function unsubscribe(socket: ConnectedSocket, target: OrganizationTarget): void {
    const feed = [...socket.feeds.values()].find(
      (f) => f.organizationId === target.organization || f.slug === target.organization,
    );
    const filter: EventFilter = { projectId: target.projectId, taskId: target.taskId };
    if (!feed?.filters.delete(filterKey(filter))) notFound('subscription');
    dropFeedIfEmpty(socket, feed);
    socket.peer.send({
      type: 'unsubscribed',
      organizationId: feed.organizationId,
      ...defined(filter),
    });
  }

  /** The caller's own user channel: a user's, never an API key's, never another user's. */
  function userChannel(
    socket: ConnectedSocket,
    request: Extract<RealtimeRequest, { channel: 'user' }>,
  ): void {
    const { principal } = socket;
    if (principal.kind !== 'user') throw new ForbiddenError('An API key has no user channel');
    if (request.userId !== undefined && request.userId !== principal.userId) {
      throw new ForbiddenError('A socket may subscribe to its own user channel only');
    }
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
  }

  return {
    /** The sockets with a feed in the organization. */
    listenersOf: (organizationId: string) => byOrganization.get(organizationId),

    async handle(socket: ConnectedSocket, request: RealtimeRequest): Promise<void> {
      if ('channel' in request) return userChannel(socket, request);
      switch (request.type) {
        case 'subscribe':
          await subscribe(socket, request);
          return;
        case 'resume': {
          const feed = await subscribe(socket, request);
          await feed.resume(request.after);
          return;
        }
        case 'unsubscribe':
          unsubscribe(socket, request);
      }
    },

    /** Stops the socket's feeds: it closed. */
    forget(socket: ConnectedSocket): void {
      for (const feed of socket.feeds.values()) {
        feed.stop();
        byOrganization.delete(feed.organizationId, socket);
      }
      socket.feeds.clear();
    },
  };
}

function defined(filter: EventFilter): EventFilter {
  return {
    ...(filter.projectId !== undefined && { projectId: filter.projectId }),
    ...(filter.taskId !== undefined && { taskId: filter.taskId }),
  };
}
