// The worker's loop over the webhook deliveries: it sends what is due whenever a write commits
// (the bus's nudge: a ping or a redelivery is due at once) and at least every `pollMs` (retries
// fall due by the clock; the events consumer's deliveries are found at the next look).
import {
  deliverDueWebhooks,
  type DeliverDeps,
  type DeliverSettings,
} from '../../application/webhooks/deliver-webhooks.js';
import type { Logger } from '../../application/shared/ports.js';
import { batchLoop, type BatchLoop, type BatchLoopOptions } from './batch-loop.js';

export function webhookLoop(
  deps: DeliverDeps & {
    readonly logger: Logger;
    readonly onNudge: (listener: () => void) => () => void;
  },
  options: BatchLoopOptions & DeliverSettings,
): BatchLoop {
  return batchLoop(
    {
      step: async () =>
        (await deliverDueWebhooks(deps, options)) < options.batchSize ? 'done' : 'more',
      onNudge: deps.onNudge,
      clock: deps.clock,
      logger: deps.logger,
    },
    options,
  );
}
