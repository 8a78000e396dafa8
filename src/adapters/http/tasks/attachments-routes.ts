// /organizations/{org}/tasks/{task}/attachments: files on a task, and on its comments
// (…/comments/{comment_id}/attachments lists and adds a comment's; reading one, downloading it
// and removing it go through the task's path whatever it hangs on). Whoever reads the task reads
// its files; adding and removing one takes task:update on the task. An upload is streamed
// multipart (the file in the `file` field), not idempotent (Idempotency-Key is not honoured: a
// stream cannot be stored for a replay). A download is always an attachment, with the type
// sniffed from the bytes, nosniff and the bytes' SHA-256 as its ETag.
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import type { AttachmentCursor } from '../../../application/attachments/ports.js';
import {
  getAttachment,
  listAttachments,
  openAttachment,
} from '../../../application/attachments/read-attachments.js';
import { removeAttachment } from '../../../application/attachments/remove-attachment.js';
import { uploadAttachment } from '../../../application/attachments/upload-attachment.js';
import type { Attachment } from '../../../domain/attachments/attachment.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { withUploadedFile } from '../middleware/multipart.js';
import { route, type ResponseSpec, type RouteSpec } from '../route.js';
import { listQuery } from '../schemas.js';
import {
  attachmentParams,
  attachmentSchema,
  commentAttachmentParams,
  fileContent,
  uploadBody,
} from './attachments-schemas.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './presenters.js';
import { taskParams } from './schemas.js';

const tags = ['Tasks'];

export function presentAttachment(attachment: Attachment) {
  return {
    id: attachment.id,
    task_id: attachment.taskId,
    comment_id: attachment.commentId,
    file_name: attachment.fileName,
    content_type: attachment.contentType,
    size_bytes: attachment.sizeBytes,
    sha256: attachment.sha256,
    status: attachment.status,
    uploaded_by: attachment.uploadedBy,
    created_at: attachment.createdAt.toISOString(),
  };
}

const encodeCursor = (cursor: AttachmentCursor) =>
  encodeHistoryCursor({ at: cursor.createdAt, id: cursor.id });

function decodeCursor(raw: string | undefined): AttachmentCursor | undefined {
  const cursor = decodeHistoryCursor(raw);
  return cursor && { createdAt: cursor.at, id: cursor.id };
}

/** RFC 6266: an ASCII fallback (anything else as `_`) and the UTF-8 name, percent-encoded. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const notFound = {
  description: 'No such organization, task (or comment), or the caller may not see the task',
};
const forbidden = {
  description:
    'Adding or removing a file takes task:update on the task (a member changes only what it ' +
    'created or is assigned); or OUTSIDE_WORKING_HOURS under the write window',
};
const tooLarge = {
  description:
    'PAYLOAD_TOO_LARGE: the file is over ATTACHMENT_MAX_BYTES; QUOTA_EXCEEDED: the ' +
    'organization’s files would pass ATTACHMENT_ORG_QUOTA_BYTES',
};

function uploadRoute(deps: Deps, onComment: boolean): RouteSpec {
  return route({
    method: 'post',
    path: onComment
      ? '/organizations/:org/tasks/:task/comments/:comment_id/attachments'
      : '/organizations/:org/tasks/:task/attachments',
    operationId: onComment ? 'uploadCommentAttachment' : 'uploadTaskAttachment',
    summary: onComment ? 'Attach a file to a comment' : 'Attach a file to the task',
    tags,
    scope: 'organization',
    permission: 'task:update',
    idempotent: false,
    params: onComment ? commentAttachmentParams : taskParams,
    bodyType: 'multipart',
    body: uploadBody,
    responses: {
      201: { description: 'Stored (scanned: see status)', data: attachmentSchema },
      403: forbidden,
      404: notFound,
      413: tooLarge,
      422: { description: 'No `file` part, or another field' },
    },
    handler: async (ctx, { params }) => {
      const p = params as { task: string; comment_id?: string };
      const attachment = await withUploadedFile(
        ctx,
        'file',
        deps.attachments.maxBytes,
        ({ fileName, content }) =>
          uploadAttachment(deps, accessOf(ctx), p.task, {
            fileName,
            content,
            commentId: p.comment_id,
          }),
      );
      const location = organizationUrl(ctx, 'tasks', p.task, 'attachments', attachment.id);
      respond(ctx, presentAttachment(attachment), { status: 201, location });
    },
  });
}

function listRoute(deps: Deps, onComment: boolean): RouteSpec {
  return route({
    method: 'get',
    path: onComment
      ? '/organizations/:org/tasks/:task/comments/:comment_id/attachments'
      : '/organizations/:org/tasks/:task/attachments',
    operationId: onComment ? 'listCommentAttachments' : 'listTaskAttachments',
    summary: onComment
      ? 'The comment’s files, oldest first'
      : 'The task’s files (its comments’ too), oldest first',
    tags,
    scope: 'organization',
    permission: 'task:read',
    params: onComment ? commentAttachmentParams : taskParams,
    query: listQuery,
    responses: {
      200: { description: 'Files', data: z.array(attachmentSchema), paginated: true },
      403: { description: 'The caller lacks the permission' },
      404: notFound,
      422: { description: 'Invalid limit or cursor' },
    },
    handler: async (ctx, { params, query }) => {
      const p = params as { task: string; comment_id?: string };
      const page = await listAttachments(deps, accessOf(ctx), p.task, {
        commentId: p.comment_id,
        limit: query.limit,
        after: decodeCursor(query.cursor),
      });
      const next = page.next === null ? null : encodeCursor(page.next);
      respond(ctx, page.items.map(presentAttachment), {
        pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
      });
    },
  });
}

const download: ResponseSpec = {
  description:
    'The bytes, with the sniffed Content-Type, Content-Length, the SHA-256 as ETag and ' +
    '`Content-Disposition: attachment`',
  content: { '*/*': fileContent },
  headers: ['ETag', 'Content-Disposition', 'Cache-Control'],
};

async function sendContent(deps: Deps, ctx: AppContext, task: string, id: string) {
  const { attachment, content } = await openAttachment(deps, accessOf(ctx), task, id);
  ctx.status = 200;
  ctx.set('Content-Disposition', contentDisposition(attachment.fileName));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('ETag', `"${attachment.sha256}"`);
  // Never transformed (compressed) on the way: Content-Length is the file's.
  ctx.set('Cache-Control', 'private, no-transform');
  ctx.body = content instanceof Readable ? content : Readable.from(content);
  // As sniffed, and nothing added (koa's ctx.type would add a charset to text types).
  ctx.set('Content-Type', attachment.contentType);
  ctx.length = attachment.sizeBytes;
}

export function taskAttachmentsRoutes(deps: Deps): RouteSpec[] {
  return [
    listRoute(deps, false),
    uploadRoute(deps, false),
    listRoute(deps, true),
    uploadRoute(deps, true),
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/attachments/:id',
      operationId: 'getTaskAttachment',
      summary: 'A file’s description',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: attachmentParams,
      responses: {
        200: { description: 'The file', data: attachmentSchema },
        403: { description: 'The caller lacks the permission' },
        404: { description: 'No such organization, task or file, or the caller may not see it' },
      },
      handler: async (ctx, { params }) => {
        respond(
          ctx,
          presentAttachment(await getAttachment(deps, accessOf(ctx), params.task, params.id)),
        );
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/attachments/:id/content',
      operationId: 'downloadTaskAttachment',
      summary: 'Download a file',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: attachmentParams,
      responses: {
        200: download,
        403: { description: 'The caller lacks the permission' },
        404: { description: 'No such organization, task or file, or the caller may not see it' },
        409: { description: 'CONFLICT: the file is quarantined; its bytes are never served' },
      },
      handler: (ctx, { params }) => sendContent(deps, ctx, params.task, params.id),
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/tasks/:task/attachments/:id',
      operationId: 'removeTaskAttachment',
      summary: 'Remove a file',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: attachmentParams,
      responses: {
        204: { description: 'Removed (its bytes are deleted right after)' },
        403: forbidden,
        404: { description: 'No such organization, task or file, or the caller may not see it' },
      },
      handler: async (ctx, { params }) => {
        await removeAttachment(deps, accessOf(ctx), params.task, params.id);
        ctx.status = 204;
      },
    }),
  ];
}
