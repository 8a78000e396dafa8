// GET /auth/whoami: what the presented credential is and may do.
import { whoami, type WhoAmI } from '../../../application/access/whoami.js';
import type { Deps } from '../../../application/deps.js';
import { respond } from '../envelope.js';
import { principalOf } from '../middleware/authenticate.js';
import { route, type RouteSpec } from '../route.js';
import { whoamiQuery, whoamiSchema } from './whoami-schemas.js';

function present(result: WhoAmI) {
  const { principal } = result;
  return {
    principal:
      principal.kind === 'user'
        ? {
            type: 'user',
            id: principal.id,
            email: principal.email,
            session_id: principal.sessionId,
          }
        : { type: 'api_key', id: principal.id, name: principal.name, prefix: principal.prefix },
    organization: result.organization,
    role: result.role,
    permissions: result.permissions,
  };
}

export function whoamiRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/auth/whoami',
      operationId: 'whoami',
      summary:
        'The presented credential (user or API key), its organization, role and effective permissions',
      tags: ['Authentication'],
      scope: 'user',
      apiKeys: true,
      query: whoamiQuery,
      responses: {
        200: { description: 'The credential and its rights', data: whoamiSchema },
        401: { description: 'Missing, invalid, expired or revoked credentials' },
        404: { description: 'The named organization does not exist or the caller is not in it' },
      },
      handler: async (ctx, { query }) => {
        const result = await whoami(deps, principalOf(ctx), query.organization);
        if (result.organization) ctx.state.organizationId = result.organization.id;
        respond(ctx, present(result));
      },
    }),
  ];
}
