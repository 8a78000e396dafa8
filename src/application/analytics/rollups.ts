// Folding the analytics rollups' deltas in (migration 0034), every so often on the worker: readers
// add the deltas up anyway, so this keeps their reads short, never their answers right.
import type { Logger } from '../shared/ports.js';
import type { AnalyticsMaintenance } from './ports.js';

export async function foldAnalyticsRollups(
  deps: { readonly maintenance: AnalyticsMaintenance },
  logger: Logger,
): Promise<number> {
  const folded = await deps.maintenance.foldRollups();
  if (folded > 0) logger.debug({ folded }, 'analytics rollup deltas folded');
  return folded;
}
