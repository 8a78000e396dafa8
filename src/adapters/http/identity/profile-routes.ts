// The caller's own profile: GET and PATCH /users/me (ETag and If-Match on its version).
import type { Deps } from '../../../application/deps.js';
import { getProfile, updateProfile } from '../../../application/identity/profile.js';
import { expectedVersion, setEtag } from '../conditional.js';
import { respond } from '../envelope.js';
import { userOf } from '../middleware/authenticate.js';
import { route, type RouteSpec } from '../route.js';
import { presentUser } from './presenters.js';
import { updateMeBody, userSchema } from './schemas.js';

export function profileRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/users/me',
      operationId: 'getMe',
      summary: 'The caller’s profile; the ETag is its version',
      tags: ['Users'],
      scope: 'user',
      responses: { 200: { description: 'The user', data: userSchema, headers: ['ETag'] } },
      handler: async (ctx) => {
        const user = await getProfile(deps, userOf(ctx));
        setEtag(ctx, user.version);
        respond(ctx, presentUser(user));
      },
    }),
    route({
      method: 'patch',
      path: '/users/me',
      operationId: 'updateMe',
      summary: 'Change name, timezone or password (needs current_password; ends other sessions)',
      tags: ['Users'],
      scope: 'user',
      body: updateMeBody,
      responses: {
        200: { description: 'The updated user', data: userSchema, headers: ['ETag'] },
        412: { description: 'If-Match does not match the current ETag (or is not one of ours)' },
        422: { description: 'Invalid input or wrong current password' },
      },
      handler: async (ctx, { body }) => {
        const user = await updateProfile(deps, userOf(ctx), {
          name: body.name,
          timezone: body.timezone,
          password: body.password,
          currentPassword: body.current_password,
          expectedVersion: expectedVersion(ctx),
        });
        setEtag(ctx, user.version);
        respond(ctx, presentUser(user));
      },
    }),
  ];
}
