// The settings of webhook delivery (the worker's sender and the endpoints' address guard), and
// the rule between them; documented in README "Configuration".
import type { z } from 'zod';
import { boolean, positive } from './config-values.js';

export const webhookSettings = {
  /**
   * Lets webhook endpoints point at loopback, private, link-local and unique-local addresses
   * (refused otherwise, where the URL is set and again when each connection resolves it).
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: boolean.default(false),
  /** A webhook request not answered in this long has failed (and is retried). */
  WEBHOOK_TIMEOUT_MS: positive.max(60_000).default(10_000),
  /** How long a worker's claim on a delivery holds: a killed worker's deliveries wait this long. */
  WEBHOOK_LEASE_SECONDS: positive.max(3600).default(60),
  /** Deliveries sent at once by one worker. */
  WEBHOOK_CONCURRENCY: positive.max(100).default(10),
  /** An endpoint whose every delivery failed for this many days is disabled; its admins are told. */
  WEBHOOK_DISABLE_AFTER_DAYS: positive.max(365).default(5),
  /** After a secret's rotation the previous one signs too, this many hours. */
  WEBHOOK_SECRET_OVERLAP_HOURS: positive.max(720).default(24),
};

type WebhookEnv = z.infer<z.ZodObject<typeof webhookSettings>>;

/** A lease no longer than a request's timeout would let a slow delivery be claimed again. */
export function webhookProblems(env: WebhookEnv): string[] {
  return env.WEBHOOK_LEASE_SECONDS * 1000 <= env.WEBHOOK_TIMEOUT_MS
    ? [
        'WEBHOOK_LEASE_SECONDS: must be longer than WEBHOOK_TIMEOUT_MS, or a slow delivery is claimed (and sent) twice',
      ]
    : [];
}
