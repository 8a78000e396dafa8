// Notifications: the rows the worker records for each event's recipients, the inbox their owner
// reads across organizations, and the preferences that choose their channels.
import type { MentionedMember, Mentions } from '../../domain/notifications/mentions.js';
import type { Channel, ChannelChoice, QuietHours } from '../../domain/notifications/preferences.js';
import type { NotificationKind } from '../../domain/notifications/recipients.js';

export interface Notification {
  readonly id: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly kind: NotificationKind;
  /** The latest event folded in (the first one's id is the row's idempotency key). */
  readonly eventType: string;
  readonly actor: { readonly type: 'user' | 'apikey'; readonly id: string };
  readonly subject: {
    readonly type: string;
    readonly id: string | null;
    readonly key: string | null;
  };
  readonly projectId: string | null;
  readonly taskId: string | null;
  /** How many events were folded into it. */
  readonly count: number;
  readonly channels: readonly Channel[];
  /** Email and SMS not before this (the end of quiet hours); null when neither is chosen. */
  readonly deliverAfter: Date | null;
  readonly firstAt: Date;
  readonly lastAt: Date;
  readonly readAt: Date | null;
}

/** A notification to record for one recipient of one event. */
export interface NewNotification extends Omit<Notification, 'count' | 'readAt' | 'lastAt'> {
  readonly eventId: string;
}

export interface InboxFilter {
  readonly organizationId?: string | undefined;
  readonly unread?: boolean | undefined;
}

export interface NotificationRepository {
  /**
   * Records `notification`, or folds it into the recipient's notification of the same kind, task
   * and actor whose last event is at or after `coalesceSince` (count + 1, unread again). Undefined
   * when its event was recorded already (a batch handed over again).
   */
  record(notification: NewNotification, coalesceSince: Date): Promise<Notification | undefined>;
  /** One notification as it is now (in the unit of work's organization); undefined when gone. */
  get(id: string): Promise<Notification | undefined>;
  /** The user's in-app notifications, newest first (by when first raised), after `before`. */
  list(
    userId: string,
    filter: InboxFilter,
    page: { readonly limit: number; readonly before?: string | undefined },
  ): Promise<Notification[]>;
  unreadCount(userId: string, organizationId?: string): Promise<number>;
  /** Sets or clears read_at of the user's notification; undefined when it is not theirs. */
  mark(userId: string, id: string, readAt: Date | null): Promise<Notification | undefined>;
  /** Marks every unread one of the user's (in one organization when given) read; how many. */
  markAllRead(userId: string, at: Date, organizationId?: string): Promise<number>;
  /** Deletes up to `limit` notifications whose last event is older than `before`; how many. */
  purge(before: Date, limit: number): Promise<number>;
  readonly audience: NotificationAudience;
  readonly preferences: NotificationPreferenceRepository;
}

/** What the worker looks up to know an event's recipients. */
export interface NotificationAudience {
  /** Each task's watchers who are members still (a task nobody watches is absent). */
  watchersOf(organizationId: string, taskIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The members whose email or handle (mentions.ts) is among `mentions`. */
  mentionCandidates(organizationId: string, mentions: Mentions): Promise<MentionedMember[]>;
  commentBody(organizationId: string, commentId: string): Promise<string | undefined>;
  /** Which of the users are members of the organization (only members are told of its tasks). */
  membersAmong(organizationId: string, userIds: readonly string[]): Promise<Set<string>>;
}

export interface MemberPreferences {
  readonly channels: ChannelChoice;
  readonly quietHours: QuietHours | null;
  readonly updatedAt: Date | null;
}

export interface NotificationPreferenceRepository {
  /** The member's own choices (empty when they made none). */
  ofMember(organizationId: string, userId: string): Promise<MemberPreferences>;
  /** The choices of those of the users who made some, by user id. */
  ofMembers(
    organizationId: string,
    userIds: readonly string[],
  ): Promise<Map<string, MemberPreferences>>;
  saveMember(
    organizationId: string,
    userId: string,
    preferences: Omit<MemberPreferences, 'updatedAt'>,
    now: Date,
  ): Promise<MemberPreferences>;
  ofOrganization(
    organizationId: string,
  ): Promise<{ channels: ChannelChoice; updatedAt: Date | null }>;
  saveOrganization(
    organizationId: string,
    channels: ChannelChoice,
    now: Date,
  ): Promise<{ channels: ChannelChoice; updatedAt: Date | null }>;
}

/**
 * Tells a user's connected clients of a notification (the realtime user channel). Called after
 * the notification's row committed; best effort: a client that was not connected reads the inbox.
 */
export interface NotificationPush {
  push(userId: string, notification: Notification): void;
}

/** The channels a notification may go out on besides the app: what an unsubscribe link names. */
export type OutsideChannel = Exclude<Channel, 'in_app'>;

/** What a one-click unsubscribe link names: one channel of one kind, for one member. */
export interface Unsubscription {
  readonly userId: string;
  readonly organizationId: string;
  readonly kind: NotificationKind;
  readonly channel: OutsideChannel;
}

/**
 * Signs and checks unsubscribe tokens with a server secret, so that a link in a mail works
 * without a login and without a stored row: whoever holds the link may turn that one channel off.
 */
export interface UnsubscribeTokens {
  sign(unsubscription: Unsubscription): string;
  /** What the token names; undefined when it is malformed or not signed with our secret. */
  verify(token: string): Unsubscription | undefined;
}
