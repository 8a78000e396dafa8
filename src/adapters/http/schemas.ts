// Schemas shared by every area: pagination, ids, the envelope around responses.
import { z } from 'zod';
import 'zod-openapi';
import { isUuid } from '../../domain/shared/id.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { ERROR_CODES } from './errors.js';

export const uuid = z.uuid();

export const listQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .meta({ description: '1–200, default 50' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'Opaque cursor from meta.pagination.next_cursor' }),
});

export const paginationSchema = z
  .object({
    limit: z.number().int(),
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: 'Pagination' });

export const metaSchema = z
  .object({
    timestamp: z.iso.datetime(),
    request_id: z.string(),
    pagination: paginationSchema.optional(),
  })
  .meta({ id: 'Meta' });

export const errorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.enum(ERROR_CODES).meta({
        id: 'ErrorCode',
        description: 'A stable code; its status is fixed (docs/api.md lists them)',
      }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
    meta: metaSchema,
  })
  .meta({ id: 'ErrorEnvelope' });

export function envelopeOf(data: z.ZodType) {
  return z.object({ success: z.literal(true), data, meta: metaSchema });
}

/** Opaque cursors: base64url of the last key, so clients never depend on what is inside. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** The id a keyset cursor carries; a cursor we did not issue is a 422 on `cursor`. */
export function decodeIdCursor(cursor: string | undefined): string | undefined {
  const after = decodeCursor(cursor);
  if (after !== undefined && !isUuid(after))
    throw ValidationError.field('cursor', 'Invalid cursor');
  return after;
}
