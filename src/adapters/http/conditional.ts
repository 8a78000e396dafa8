// ETag and If-Match for versioned resources: the ETag is the row version, quoted.
import { z } from 'zod';
import { PreconditionFailedError } from '../../domain/shared/errors.js';
import type { AppContext } from './context.js';

/**
 * The header as the OpenAPI document describes it, on every route that honours it: those that
 * document a 412 (openapi.ts).
 */
export const ifMatchHeaders = z.object({
  'If-Match': z
    .string()
    .optional()
    .meta({
      description:
        'The ETag last read: the change applies only if the resource is still at that version, ' +
        'else 412 PRECONDITION_FAILED. Absent or `*`: unconditional.',
      example: '"3"',
    }),
});

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
