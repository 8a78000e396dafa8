// Request and response schemas of /organizations/{org}/tasks/{task}/attachments (and a comment's).
import { z } from 'zod';
import 'zod-openapi';
import { ATTACHMENT_STATUSES } from '../../../domain/attachments/attachment.js';
import { commentParams } from './comments-schemas.js';
import { taskParams } from './schemas.js';

export const attachmentParams = taskParams.extend({
  id: z.uuid().meta({ description: 'The attachment’s id' }),
});

export const commentAttachmentParams = commentParams;

/** Documents the multipart body (route.ts never parses it: the handler streams it). */
export const uploadBody = z
  .object({
    file: z.string().meta({
      format: 'binary',
      description:
        'The file: its name (the part’s filename) is sanitised; its type is sniffed from its ' +
        'bytes, whatever the part’s Content-Type says',
    }),
  })
  .meta({ id: 'AttachmentUpload' });

export const attachmentSchema = z
  .object({
    id: z.uuid(),
    task_id: z.uuid(),
    comment_id: z.uuid().nullable(),
    file_name: z.string(),
    content_type: z.string().meta({ example: 'image/png' }),
    size_bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    status: z.enum(ATTACHMENT_STATUSES).meta({
      description: '`quarantined`: the scanner refused the file; its bytes are never served (409)',
    }),
    uploaded_by: z.uuid().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Attachment' });

/** The bytes of a download, whatever their sniffed type. */
export const fileContent = z.string().meta({ format: 'binary' });
