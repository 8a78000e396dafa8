// The realtime hub, whatever the transport: the sockets connected to this process, the
// dispatched events (from the EventBus) handed to each socket that may read them, and the bus's
// signals: sessions that ended close their sockets, messages for a user reach that user's
// sockets. Which socket holds which subscription is realtime-subscriptions.ts; the WebSocket
// adapter turns frames into requests and messages into frames.
import { CLOSE_CODES, revokesAccess } from '../../domain/events/realtime.js';
import { actorIdOf, type Principal } from '../../domain/identity/principal.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { EventBus, PositionedEvent, RealtimeSignal, UserMessage } from './ports.js';
import type { ReadDecisions } from './realtime-feed.js';
import type { RealtimePeer, RealtimeRequest } from './realtime-messages.js';
import {
  socketIndex,
  socketSubscriptions,
  SubscriptionLimitError,
  type ConnectedSocket,
  type SubscriptionSettings,
} from './realtime-subscriptions.js';

export interface RealtimeSession {
  /** Handles one request; requests of a socket are handled one after another, in order. */
  handle(request: RealtimeRequest): Promise<void>;
  /** The transport closed: forget the socket. */
  closed(): void;
}

export interface RealtimeHub {
  /** `expiresAt`: when the credential expires (an access token's, an API key's if it has one). */
  connect(peer: RealtimePeer, principal: Principal, expiresAt?: Date): RealtimeSession;
  /** Closes (4401) every socket whose credential has expired by the clock; the transport's timers and tests call it. */
  tick(): void;
  /**
   * Closes (4401) the sockets whose session has ended, reading the sessions table once per
   * SESSION_CHECK_BATCH sessions: the net under the `sessions.ended` signal, for a process that
   * missed it (the bus keeps nothing). The gateway calls it every heartbeat; one at a time.
   */
  checkSessions(): Promise<void>;
  /**
   * Sends `message` to the sockets of user `userId` that subscribed to their user channel, on
   * every API process (through the bus; best effort, like events).
   */
  publishToUser(userId: string, message: UserMessage): Promise<void>;
  /** Closes every socket with `code` (1001 when the server stops). */
  closeAll(code: number, reason: string): void;
  /** Sockets connected. */
  size(): number;
  /** Stops listening to the bus. */
  stop(): void;
}

export type RealtimeSettings = SubscriptionSettings;

/** Session ids per read of checkSessions (a bound on the query's parameters). */
const SESSION_CHECK_BATCH = 1000;
const SESSION_ENDED = 'The session ended: reauthenticate';

export function realtimeHub(
  deps: Pick<Deps, 'uow' | 'cache' | 'clock' | 'repos'>,
  bus: EventBus,
  settings: RealtimeSettings,
): RealtimeHub {
  const sockets = new Set<ConnectedSocket>();
  /** The sockets of each user id and API key id: a user's messages, a revoked key. */
  const byActor = socketIndex();
  /** The sockets of each session (opened with its access tokens): a session that ends. */
  const bySession = socketIndex();
  const subscriptions = socketSubscriptions(deps, settings, end);

  function end(socket: ConnectedSocket, code: number, reason: string): void {
    if (socket.ended) return;
    forget(socket);
    socket.peer.close(code, reason);
  }

  function forget(socket: ConnectedSocket): void {
    socket.ended = true;
    sockets.delete(socket);
    byActor.delete(actorIdOf(socket.principal), socket);
    if (socket.principal.kind === 'user') bySession.delete(socket.principal.sessionId, socket);
    subscriptions.forget(socket);
  }

  const revokes = (socket: ConnectedSocket, event: PositionedEvent['event']) =>
    revokesAccess(socket.subscriber, event);

  function hear(batch: readonly PositionedEvent[]): void {
    for (const positioned of batch) {
      const { event } = positioned;
      // A revoked key's sockets close wherever they are, subscribed or not.
      if (event.type === 'api_key.revoked' && event.subject.id !== null) {
        for (const socket of byActor.get(event.subject.id)) {
          if (revokes(socket, event)) {
            end(socket, CLOSE_CODES.accessRevoked, 'The API key was revoked');
          }
        }
      }
      // The sockets of one event share their read decisions: one per grant alike, not per socket.
      const decisions: ReadDecisions = new Map();
      for (const socket of subscriptions.listenersOf(event.organizationId)) {
        if (revokes(socket, event)) {
          end(socket, CLOSE_CODES.accessRevoked, 'Access to the organization was removed');
          continue;
        }
        socket.feeds.get(event.organizationId)?.offer(positioned, decisions);
      }
    }
  }

  function hearSignal(signal: RealtimeSignal): void {
    if (signal.type === 'sessions.ended') {
      for (const sessionId of signal.sessionIds) {
        for (const socket of bySession.get(sessionId)) {
          end(socket, CLOSE_CODES.reauthenticate, SESSION_ENDED);
        }
      }
      return;
    }
    for (const socket of byActor.get(signal.userId)) {
      if (socket.principal.kind === 'user' && socket.userChannel) {
        socket.peer.send({ type: 'user_message', message: signal.message });
      }
    }
  }

  async function checkSessions(): Promise<void> {
    const ids = bySession.keys();
    for (let from = 0; from < ids.length; from += SESSION_CHECK_BATCH) {
      const batch = ids.slice(from, from + SESSION_CHECK_BATCH);
      const open = new Set(await deps.repos.sessions.activeAmong(batch, deps.clock.now()));
      for (const id of batch) {
        if (open.has(id)) continue;
        for (const socket of bySession.get(id)) {
          end(socket, CLOSE_CODES.reauthenticate, SESSION_ENDED);
        }
      }
    }
  }
  let checking: Promise<void> | undefined;

  const stopEvents = bus.subscribe(hear);
  const stopSignals = bus.onSignal(hearSignal);

  return {
    connect(peer, principal, expiresAt) {
      const socket: ConnectedSocket = {
        peer,
        principal,
        subscriber: { actorId: actorIdOf(principal), kind: principal.kind },
        expiresAt,
        feeds: new Map(),
        userChannel: false,
        ended: false,
      };
      sockets.add(socket);
      byActor.add(actorIdOf(principal), socket);
      if (principal.kind === 'user') bySession.add(principal.sessionId, socket);
      let chain = Promise.resolve();
      return {
        handle(request) {
          chain = chain.then(async () => {
            if (socket.ended) return;
            try {
              await subscriptions.handle(socket, request);
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
        closed: () => forget(socket),
      };
    },
    tick() {
      const now = deps.clock.now();
      for (const socket of [...sockets]) {
        if (socket.expiresAt !== undefined && socket.expiresAt <= now) {
          const what = socket.principal.kind === 'user' ? 'access token' : 'API key';
          end(socket, CLOSE_CODES.reauthenticate, `The ${what} expired: reauthenticate`);
        }
      }
    },
    checkSessions() {
      checking ??= checkSessions().finally(() => (checking = undefined));
      return checking;
    },
    publishToUser: (userId, message) => bus.signal({ type: 'user.message', userId, message }),
    closeAll(code, reason) {
      for (const socket of [...sockets]) end(socket, code, reason);
    },
    size: () => sockets.size,
    stop() {
      stopEvents();
      stopSignals();
    },
  };
}
