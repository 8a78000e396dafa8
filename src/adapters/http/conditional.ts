// ETag and If-Match for versioned resources: the ETag is the row version, quoted.
import { PreconditionFailedError } from '../../domain/shared/errors.js';
import type { AppContext } from './context.js';

export function setEtag(ctx: AppContext, version: number): void {
  ctx.set('ETag', `"${version}"`);
}

/**
 * The version the client expects, from If-Match; undefined when absent or `*`.
 * A tag that is not one of ours cannot match: 412.
 */
export function expectedVersion(ctx: AppContext): number | undefined {
  const header = ctx.get('If-Match').trim();
  if (header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match?.[1]) throw new PreconditionFailedError('If-Match does not match the current ETag');
  return Number(match[1]);
}
