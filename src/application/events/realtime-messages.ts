// The realtime protocol as the hub speaks it, whatever the transport: what a client asks (once
// the transport has parsed and checked it), what the hub tells a client, and the socket the
// transport hands the hub. The WebSocket adapter (messages.ts) maps them to and from frames.
import type { EventFilter } from '../../domain/events/realtime.js';
import type { UserMessage } from './ports.js';
import type { FeedMessage } from './realtime-feed.js';

/** An organization (by id or slug) and, optionally, one project or one task of it. */
export interface OrganizationTarget extends EventFilter {
  readonly organization: string;
}

/** What a client asks, once the transport has parsed and checked it. */
export type RealtimeRequest =
  | ({ readonly type: 'subscribe' | 'unsubscribe' } & OrganizationTarget)
  | ({ readonly type: 'resume'; readonly after: string } & OrganizationTarget)
  | {
      readonly type: 'subscribe' | 'unsubscribe';
      readonly channel: 'user';
      /** Whose channel; the caller's own when absent (and it may name no other). */
      readonly userId?: string | undefined;
    };

/** What the hub tells a client. */
export type RealtimeMessage =
  | FeedMessage
  | ({
      readonly type: 'subscribed' | 'unsubscribed';
      readonly organizationId: string;
    } & EventFilter)
  | { readonly type: 'subscribed' | 'unsubscribed'; readonly channel: 'user' }
  | { readonly type: 'user_message'; readonly message: UserMessage }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** One connected socket, as the transport hands it to the hub. */
export interface RealtimePeer {
  send(message: RealtimeMessage): void;
  /** Ends the socket with a close code (CLOSE_CODES); the transport then calls `closed()`. */
  close(code: number, reason: string): void;
}
