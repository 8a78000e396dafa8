// Webhooks: an organization's endpoints that receive its events over HTTP, signed. Pure: what an
// endpoint may hold (every broken rule reported at once), which events it subscribes to, when a
// failed delivery is tried again, and when an endpoint failing for too long is disabled.
import { EVENT_TYPES, familyOf } from '../events/event.js';
import { ValidationError, type FieldIssue } from '../shared/errors.js';

export interface WebhookEndpoint {
  readonly id: string;
  readonly organizationId: string;
  readonly url: string;
  readonly description: string;
  /** Event types, `family.*` or `*`. */
  readonly events: readonly string[];
  readonly active: boolean;
  /** Until then the previous secret still signs, next to the current one (rotation). */
  readonly previousSecretExpiresAt: Date | null;
  /** The first failed attempt since the last success: disabling counts from there. */
  readonly failingSince: Date | null;
  /** When the worker disabled it for failing too long (null if it never did, or since re-enabled). */
  readonly disabledAt: Date | null;
  readonly createdBy: string | null;
  /** 1 at creation, bumped by every change: the ETag. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const WEBHOOK_URL_MAX_LENGTH = 2000;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 500;
export const WEBHOOK_MAX_EVENTS = 100;

/** What a request may set; absent fields are left as they are. */
export interface WebhookFields {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly active?: boolean | undefined;
  readonly description?: string | undefined;
}

const FAMILIES = new Set(EVENT_TYPES.map(familyOf));

/** Whether `pattern` names something events can match: a type, `family.*`, or `*`. */
function isEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return FAMILIES.has(pattern.slice(0, -2));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

function urlIssues(raw: string): string | undefined {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return `At most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Must be http:// or https://';
  if (url.username !== '' || url.password !== '') return 'Must not hold credentials';
  if (url.hash !== '') return 'Must not hold a #fragment';
  return undefined;
}

/**
 * The fields, checked and normalised (events deduplicated, description trimmed). Every broken
 * rule is reported at once, by field (`url`, `events`, `events.<index>`, `description`).
 */
export function validatedWebhookFields(fields: WebhookFields): WebhookFields {
  const issues: FieldIssue[] = [];
  const url = fields.url?.trim();
  if (url !== undefined) {
    const problem = urlIssues(url);
    if (problem) issues.push({ field: 'url', message: problem });
  }
  let events: string[] | undefined;
  if (fields.events !== undefined) {
    events = [...new Set(fields.events)];
    if (events.length === 0 || events.length > WEBHOOK_MAX_EVENTS) {
      issues.push({ field: 'events', message: `1–${WEBHOOK_MAX_EVENTS} event types` });
    }
    fields.events.forEach((pattern, index) => {
      if (!isEventPattern(pattern)) {
        issues.push({
          field: `events.${index}`,
          message: 'Not an event type, a `family.*` or `*`',
        });
      }
    });
  }
  const description = fields.description?.trim();
  if (description !== undefined && [...description].length > WEBHOOK_DESCRIPTION_MAX_LENGTH) {
    issues.push({
      field: 'description',
      message: `At most ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    ...(url !== undefined && { url }),
    ...(events !== undefined && { events }),
    ...(fields.active !== undefined && { active: fields.active }),
    ...(description !== undefined && { description }),
  };
}

/** The subscriptions that take an event of `type`: the type itself, its family's `*`, and `*`. */
export function subscriptionPatterns(type: string): string[] {
  return [type, `${type.slice(0, type.indexOf('.'))}.*`, '*'];
}

export function subscribes(events: readonly string[], type: string): boolean {
  return subscriptionPatterns(type).some((pattern) => events.includes(pattern));
}

/**
 * When each retry of a failed delivery is due, after the previous attempt: the first attempt at
 * once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — 8 attempts over about 27.5 hours.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

export type DeliveryOutcome =
  | { readonly status: 'delivered' }
  | { readonly status: 'pending'; readonly nextAttemptAt: Date }
  | { readonly status: 'failed' };

/** Whether an answer is a success: 2xx only (a redirect is not followed, so it is a failure). */
export const isSuccess = (statusCode: number | null): boolean =>
  statusCode !== null && statusCode >= 200 && statusCode < 300;

/** What follows attempt number `tries` (1 for the first) of a delivery, made at `at`. */
export function afterAttempt(tries: number, succeeded: boolean, at: Date): DeliveryOutcome {
  if (succeeded) return { status: 'delivered' };
  const delay = RETRY_DELAYS_MS[tries - 1];
  if (delay === undefined) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(at.getTime() + delay) };
}

/** An endpoint failing since before this (for `days` days at `at`) is disabled. */
export function disableIfFailingSince(at: Date, days: number): Date {
  return new Date(at.getTime() - days * 86_400_000);
}
