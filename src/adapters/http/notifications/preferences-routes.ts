// /organizations/{org}/notification-preferences (the caller's own, as a member: a user's access
// token only) and /organizations/{org}/notification-defaults (the organization's, changed with
// organization:update, as its other settings are).
import type { Deps } from '../../../application/deps.js';
import type { MemberPreferences } from '../../../application/notifications/ports.js';
import {
  getMemberPreferences,
  getOrganizationDefaults,
  putMemberPreferences,
  putOrganizationDefaults,
} from '../../../application/notifications/preferences.js';
import type { ChannelChoice } from '../../../domain/notifications/preferences.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import {
  memberPreferencesSchema,
  organizationDefaultsSchema,
  putMemberPreferencesBody,
  putOrganizationDefaultsBody,
} from './schemas.js';

const tags = ['Notifications'];
const notFound = { description: 'No such organization, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };

function presentMember(preferences: MemberPreferences) {
  const quiet = preferences.quietHours;
  return {
    channels: preferences.channels,
    quiet_hours: quiet && { start: quiet.start, end: quiet.end, time_zone: quiet.timeZone },
    updated_at: preferences.updatedAt?.toISOString() ?? null,
  };
}

const presentDefaults = (defaults: { channels: ChannelChoice; updatedAt: Date | null }) => ({
  channels: defaults.channels,
  updated_at: defaults.updatedAt?.toISOString() ?? null,
});

export function notificationPreferencesRoutes(deps: Deps): RouteSpec[] {
  const path = '/organizations/:org/notification-preferences';
  const defaultsPath = '/organizations/:org/notification-defaults';
  return [
    route({
      method: 'get',
      path,
      operationId: 'getNotificationPreferences',
      summary: 'The caller’s notification channels and quiet hours in the organization',
      tags,
      scope: 'organization',
      apiKeys: false,
      permission: 'organization:read',
      params: organizationParams,
      responses: {
        200: { description: 'The preferences', data: memberPreferencesSchema },
        404: notFound,
      },
      handler: async (ctx) => {
        respond(ctx, presentMember(await getMemberPreferences(deps, accessOf(ctx))));
      },
    }),
    route({
      method: 'put',
      path,
      operationId: 'putNotificationPreferences',
      summary: 'Replace the caller’s notification channels and quiet hours in the organization',
      tags,
      scope: 'organization',
      apiKeys: false,
      permission: 'organization:read',
      params: organizationParams,
      body: putMemberPreferencesBody,
      responses: {
        200: { description: 'The preferences', data: memberPreferencesSchema },
        404: notFound,
        422: { description: 'Unknown kind or channel, invalid quiet hours or time zone' },
      },
      handler: async (ctx, { body }) => {
        const quiet = body.quiet_hours;
        const saved = await putMemberPreferences(deps, accessOf(ctx), {
          channels: body.channels,
          quietHours: quiet && { start: quiet.start, end: quiet.end, timeZone: quiet.time_zone },
        });
        respond(ctx, presentMember(saved));
      },
    }),
    route({
      method: 'get',
      path: defaultsPath,
      operationId: 'getNotificationDefaults',
      summary: 'The organization’s default notification channels per kind',
      tags,
      scope: 'organization',
      permission: 'organization:read',
      params: organizationParams,
      responses: {
        200: { description: 'The defaults', data: organizationDefaultsSchema },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx) => {
        respond(ctx, presentDefaults(await getOrganizationDefaults(deps, accessOf(ctx))));
      },
    }),
    route({
      method: 'put',
      path: defaultsPath,
      operationId: 'putNotificationDefaults',
      summary: 'Replace the organization’s default notification channels per kind',
      tags,
      scope: 'organization',
      permission: 'organization:update',
      params: organizationParams,
      body: putOrganizationDefaultsBody,
      responses: {
        200: { description: 'The defaults', data: organizationDefaultsSchema },
        403: forbidden,
        404: notFound,
        422: { description: 'Unknown kind or channel' },
      },
      handler: async (ctx, { body }) => {
        const saved = await putOrganizationDefaults(deps, accessOf(ctx), body.channels);
        respond(ctx, presentDefaults(saved));
      },
    }),
  ];
}
