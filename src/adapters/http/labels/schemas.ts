// Request and response schemas of /organizations/{org}/labels.
import { z } from 'zod';
import 'zod-openapi';
import {
  LABEL_DESCRIPTION_MAX_LENGTH,
  LABEL_NAME_MAX_LENGTH,
} from '../../../domain/labels/label.js';
import { organizationParams } from '../organizations/schemas.js';
import { listQuery } from '../schemas.js';

// Shape and abuse bounds only; the rules (trimmed lengths, the color format) live in the domain
// and answer with field details.
const name = z
  .string()
  .max(LABEL_NAME_MAX_LENGTH * 4)
  .meta({
    description: `1–${LABEL_NAME_MAX_LENGTH} characters once trimmed, unique in the organization whatever its case`,
    example: 'Bug',
  });
const color = z
  .string()
  .max(32)
  .meta({ description: '`#rrggbb`, stored in lower case', example: '#e11d48' });
const description = z
  .string()
  .max(LABEL_DESCRIPTION_MAX_LENGTH * 4)
  .meta({ description: `At most ${LABEL_DESCRIPTION_MAX_LENGTH} characters; empty for none` });

export const labelParams = organizationParams.extend({
  label_id: z.string().min(1).max(100).meta({ description: 'Label id' }),
});

export const listLabelsQuery = listQuery.extend({
  q: z
    .string()
    .max(LABEL_NAME_MAX_LENGTH * 4)
    .optional()
    .meta({ description: 'Only labels whose name starts with this, ignoring case' }),
});

export const createLabelBody = z.object({
  name,
  color: color.optional().meta({
    description:
      '`#rrggbb`; when omitted, a color chosen from the name (the same name, the same color)',
  }),
  description: description.optional(),
});

export const updateLabelBody = z
  .object({ name: name.optional(), color: color.optional(), description: description.optional() })
  .strict();

export const labelSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    color: z.string().meta({ example: '#e11d48' }),
    description: z.string(),
    created_by: z.uuid().nullable().meta({ description: 'The user or API key that created it' }),
    version: z.number().int().meta({ description: 'Also the ETag; 1 until the first change' }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Label' });
