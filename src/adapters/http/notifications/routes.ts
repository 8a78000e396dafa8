// /notifications: the caller's own notifications across organizations (a user's access token only:
// an API key has no inbox). Another user's notification answers 404, as one that does not exist.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotification,
  unreadNotifications,
} from '../../../application/notifications/inbox.js';
import type { Notification } from '../../../application/notifications/ports.js';
import { summaryOf } from '../../../domain/notifications/recipients.js';
import { respond } from '../envelope.js';
import { userOf } from '../middleware/authenticate.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor } from '../schemas.js';
import {
  listNotificationsQuery,
  notificationParams,
  notificationSchema,
  organizationFilterQuery,
  readAllBody,
} from './schemas.js';

const tags = ['Notifications'];

export function presentNotification(notification: Notification) {
  return {
    id: notification.id,
    organization_id: notification.organizationId,
    kind: notification.kind,
    summary: summaryOf(notification.kind, notification.subject.key, notification.count),
    event_type: notification.eventType,
    actor: notification.actor,
    subject: notification.subject,
    project_id: notification.projectId,
    task_id: notification.taskId,
    count: notification.count,
    channels: notification.channels,
    deliver_after: notification.deliverAfter?.toISOString() ?? null,
    read: notification.readAt !== null,
    read_at: notification.readAt?.toISOString() ?? null,
    created_at: notification.firstAt.toISOString(),
    updated_at: notification.lastAt.toISOString(),
  };
}

const notFound = { description: 'No such notification of the caller’s' };

function markRoute(deps: Deps, read: boolean): RouteSpec {
  const verb = read ? 'read' : 'unread';
  return route({
    method: 'post',
    path: `/notifications/:notification_id/${verb}`,
    operationId: read ? 'markNotificationRead' : 'markNotificationUnread',
    summary: `Mark one of the caller’s notifications ${verb}`,
    tags,
    scope: 'user',
    params: notificationParams,
    responses: {
      200: { description: 'The notification', data: notificationSchema },
      404: notFound,
      422: { description: 'The id is not a UUID' },
    },
    handler: async (ctx, { params }) => {
      const marked = await markNotification(deps, userOf(ctx), params.notification_id, read);
      respond(ctx, presentNotification(marked));
    },
  });
}

export function notificationsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/notifications',
      operationId: 'listNotifications',
      summary: 'The caller’s notifications across organizations, newest first',
      description:
        'Newest first by when each was first raised; several changes one actor made to one task within the coalescing window are one notification (`count`), unread again after each.',
      tags,
      scope: 'user',
      query: listNotificationsQuery,
      responses: {
        200: { description: 'Notifications', data: z.array(notificationSchema), paginated: true },
        422: { description: 'Invalid limit, cursor, organization_id or unread' },
      },
      handler: async (ctx, { query }) => {
        const page = await listNotifications(
          deps,
          userOf(ctx),
          { organizationId: query.organization_id, unread: query.unread === 'true' },
          { limit: query.limit, before: decodeIdCursor(query.cursor) },
        );
        const next = page.next === null ? null : encodeCursor(page.next);
        respond(ctx, page.items.map(presentNotification), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'get',
      path: '/notifications/unread-count',
      operationId: 'countUnreadNotifications',
      summary: 'How many of the caller’s notifications are unread',
      tags,
      scope: 'user',
      query: organizationFilterQuery,
      responses: {
        200: { description: 'The count', data: z.object({ unread: z.number().int() }) },
        422: { description: 'Invalid organization_id' },
      },
      handler: async (ctx, { query }) => {
        respond(ctx, {
          unread: await unreadNotifications(deps, userOf(ctx), query.organization_id),
        });
      },
    }),
    markRoute(deps, true),
    markRoute(deps, false),
    route({
      method: 'post',
      path: '/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: 'Mark every unread notification of the caller’s read (of one organization if given)',
      tags,
      scope: 'user',
      body: readAllBody,
      responses: {
        200: { description: 'How many were marked', data: z.object({ marked: z.number().int() }) },
        422: { description: 'Invalid organization_id' },
      },
      handler: async (ctx, { body }) => {
        respond(ctx, {
          marked: await markAllNotificationsRead(deps, userOf(ctx), body.organization_id),
        });
      },
    }),
  ];
}
