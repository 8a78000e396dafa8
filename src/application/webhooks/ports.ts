// Ports of the webhooks area. The repository's calls run inside a unit of work scoped to the
// organization (row-level security), but for `enqueueEvents`, which the events consumer calls in
// the outbox cursor's transaction for every organization. The queue is the worker's side: it
// claims due deliveries across organizations, and records each attempt.
import type { PositionedEvent } from '../events/ports.js';
import type {
  DeliveryOutcome,
  WebhookEndpoint,
  WebhookFields,
} from '../../domain/webhooks/webhook.js';

export interface NewWebhookEndpoint {
  readonly id: string;
  readonly organizationId: string;
  readonly url: string;
  readonly description: string;
  readonly events: readonly string[];
  readonly active: boolean;
  readonly secret: string;
  readonly createdBy: string;
  readonly now: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  /** 1 for a delivery's first attempt; redeliveries go on counting. */
  readonly attempt: number;
  /** Sent as X-Request-Id, so that the receiver's logs can be matched with this one. */
  readonly requestId: string;
  /** The answer's status; null when none came (refused, timed out, a refused address). */
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** The answer's first bytes (at most 1 KiB), as text. */
  readonly responseExcerpt: string;
  readonly attemptedAt: Date;
}

export interface WebhookDelivery {
  /** Also the `webhook-id` header: the same on every attempt, so receivers tell repeats. */
  readonly id: string;
  readonly endpointId: string;
  /** The event's id; null for a ping. */
  readonly eventId: string | null;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Newest last. */
  readonly log: readonly WebhookAttempt[];
}

/** Where a page of deliveries ends (newest first). */
export interface DeliveryCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface WebhookRepository {
  /** Oldest first, after the id `after`. */
  list(
    organizationId: string,
    page: { readonly limit: number; readonly after?: string | undefined },
  ): Promise<WebhookEndpoint[]>;
  /** `lock` holds the row until the transaction ends. What is not an id finds nothing. */
  find(
    organizationId: string,
    id: string,
    options?: { readonly lock?: boolean },
  ): Promise<WebhookEndpoint | undefined>;
  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  /**
   * Applies the fields and bumps the version, only while the version is `expectedVersion` (if
   * given: PreconditionFailedError on a miss). Turning `active` on clears the failure record.
   */
  update(
    organizationId: string,
    id: string,
    fields: WebhookFields,
    now: Date,
    expectedVersion?: number,
  ): Promise<WebhookEndpoint | undefined>;
  /** With `expectedVersion`, deletes only that version (PreconditionFailedError otherwise). */
  delete(organizationId: string, id: string, expectedVersion?: number): Promise<boolean>;
  /** Makes `secret` the signing one; the current one keeps signing until `previousUntil`. */
  rotateSecret(
    organizationId: string,
    id: string,
    secret: string,
    previousUntil: Date,
    now: Date,
  ): Promise<WebhookEndpoint | undefined>;

  /** The endpoint's deliveries, newest first, with their attempts. */
  deliveries(
    organizationId: string,
    endpointId: string,
    page: { readonly limit: number; readonly after?: DeliveryCursor | undefined },
  ): Promise<WebhookDelivery[]>;
  delivery(
    organizationId: string,
    endpointId: string,
    id: string,
  ): Promise<WebhookDelivery | undefined>;
  /** Due again at `now` (a fresh round of retries); undefined when the delivery is unknown. */
  redeliver(
    organizationId: string,
    endpointId: string,
    id: string,
    now: Date,
  ): Promise<WebhookDelivery | undefined>;
  /** A `webhook.ping` delivery to the endpoint, due at `now`. */
  enqueuePing(
    endpoint: WebhookEndpoint,
    ping: { readonly id: string; readonly actor: { type: string; id: string }; now: Date },
  ): Promise<WebhookDelivery>;
  /** The emails of the organization's owners and admins (told when an endpoint is disabled). */
  adminEmails(organizationId: string): Promise<string[]>;

  /**
   * Across organizations: a delivery due at `now` of each event to each active endpoint of its
   * organization subscribed to its type; an event seen again adds none. How many were added.
   */
  enqueueEvents(events: readonly PositionedEvent[], now: Date): Promise<number>;
}

/** A delivery the worker claimed: what it needs to send it. */
export interface ClaimedDelivery {
  readonly organizationId: string;
  readonly id: string;
  readonly endpointId: string;
  readonly eventType: string;
  readonly body: string;
  /** Attempts made before this one, in all and in the current round. */
  readonly attempts: number;
  readonly tries: number;
  readonly url: string;
  /** The current secret first, and the previous one while its overlap lasts. */
  readonly secrets: readonly string[];
  /** The claim's id: only its holder may record the attempt. */
  readonly claim: string;
}

export interface AttemptRecord {
  readonly attempt: WebhookAttempt;
  readonly outcome: DeliveryOutcome;
  /** The endpoint is disabled when this attempt failed and it has been failing since before this. */
  readonly disableIfFailingSince: Date;
}

export interface WebhookQueue {
  /**
   * Claims up to `limit` pending deliveries due at `now` of active endpoints, for `leaseMs`: no
   * other claim takes them until then (a worker killed mid-send loses them when it runs out).
   */
  claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt and the delivery's outcome, if the claim is still this one's (false
   * otherwise: the lease ran out and another worker took it). `disabled`: this attempt disabled
   * the endpoint.
   */
  record(
    delivery: ClaimedDelivery,
    record: AttemptRecord,
  ): Promise<{ readonly recorded: boolean; readonly disabled: boolean }>;
  /**
   * Deletes up to `limit` settled deliveries (delivered, or failed for good) last changed before
   * `before`, with their attempts; how many. Pending ones stay whatever their age.
   */
  purge(before: Date, limit: number): Promise<number>;
}

/** What sending one delivery came to (never throws: a failure is an answer too). */
export interface SendResult {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly responseExcerpt: string;
}

export interface WebhookSender {
  send(delivery: ClaimedDelivery, requestId: string): Promise<SendResult>;
}

/** Checks an endpoint's URL where it is set: undefined, or why it may not be used. */
export interface WebhookUrlGuard {
  check(url: string): Promise<string | undefined>;
}
