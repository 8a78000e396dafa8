// Response schemas of the operations routes (health; the JWKS schema is identity's).
import { z } from 'zod';
import 'zod-openapi';

const checkSchema = z
  .object({ status: z.enum(['ok', 'degraded', 'down']), latency_ms: z.number() })
  .catchall(z.unknown());
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    version: z.string(),
    uptime_s: z.number(),
    draining: z.boolean().meta({ description: 'Shutting down: readiness already answers 503' }),
    checks: z.record(z.string(), checkSchema),
  })
  .meta({ id: 'Health' });
