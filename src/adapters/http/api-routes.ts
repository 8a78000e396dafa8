// The API's routes under /api/v1, grouped by mount prefix: what the router mounts and what the
// OpenAPI document describes.
import type { Deps } from '../../application/deps.js';
import { API_PREFIX } from './locations.js';
import type { RouteGroup } from './openapi.js';
import { apiKeysRoutes } from './access/api-keys-routes.js';
import { webhookDeliveriesRoutes } from './webhooks/deliveries-routes.js';
import { webhooksRoutes } from './webhooks/routes.js';
import { auditRoutes } from './access/audit-routes.js';
import { activityRoutes } from './events/activity-routes.js';
import { realtimeRoutes } from './events/realtime-routes.js';
import { eventsRoutes } from './events/routes.js';
import { invitationsRoutes } from './access/invitations-routes.js';
import { membersRoutes } from './access/members-routes.js';
import { rolesRoutes } from './access/roles-routes.js';
import { teamsRoutes } from './access/teams-routes.js';
import { whoamiRoutes } from './access/whoami-routes.js';
import { profileRoutes } from './identity/profile-routes.js';
import { identityRoutes } from './identity/routes.js';
import { labelsRoutes } from './labels/routes.js';
import { notificationPreferencesRoutes } from './notifications/preferences-routes.js';
import { notificationsRoutes } from './notifications/routes.js';
import { unsubscribeRoutes } from './notifications/unsubscribe-routes.js';
import { projectsRoutes } from './projects/routes.js';
import { taskBulkRoutes } from './tasks/bulk-routes.js';
import { taskCommentsRoutes } from './tasks/comments-routes.js';
import { taskRelationsRoutes } from './tasks/relations-routes.js';
import { taskSearchRoutes } from './tasks/search-routes.js';
import { publicStatusRoutes } from './tasks/public-status-routes.js';
import { analyticsRoutes } from './analytics/routes.js';
import { tasksRoutes } from './tasks/routes.js';
import { taskLifecycleRoutes } from './tasks/task-lifecycle-routes.js';
import { taskWatchersRoutes } from './tasks/watchers-routes.js';
import { taskAttachmentsRoutes } from './tasks/attachments-routes.js';
import { organizationRoutes } from './organizations/routes.js';

/** The API's routes grouped by mount prefix; the OpenAPI document and the router both read this. */
export function apiRouteGroups(deps: Deps): RouteGroup[] {
  return [
    {
      prefix: API_PREFIX,
      routes: [
        ...identityRoutes(deps),
        ...profileRoutes(deps),
        ...organizationRoutes(deps),
        ...membersRoutes(deps),
        ...invitationsRoutes(deps),
        ...rolesRoutes(deps),
        ...teamsRoutes(deps),
        ...apiKeysRoutes(deps),
        ...webhooksRoutes(deps),
        ...webhookDeliveriesRoutes(deps),
        ...auditRoutes(deps),
        ...eventsRoutes(deps),
        ...activityRoutes(deps),
        ...realtimeRoutes(),
        ...whoamiRoutes(deps),
        ...projectsRoutes(deps),
        ...labelsRoutes(deps),
        // Before the task routes: /tasks/bulk is not a task named 'bulk'.
        ...taskBulkRoutes(deps),
        ...tasksRoutes(deps),
        ...taskLifecycleRoutes(deps),
        ...taskRelationsRoutes(deps),
        ...taskCommentsRoutes(deps),
        ...taskWatchersRoutes(deps),
        ...taskAttachmentsRoutes(deps),
        ...taskSearchRoutes(deps),
        ...publicStatusRoutes(deps),
        ...analyticsRoutes(deps),
        ...notificationsRoutes(deps),
        ...notificationPreferencesRoutes(deps),
        ...unsubscribeRoutes(deps),
      ],
    },
  ];
}
