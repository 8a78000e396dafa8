// The OpenAPI 3.1 document, generated from the same route specs (and zod schemas) that validate requests.
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import { idempotencyKeyHeaders } from './middleware/idempotency.js';
import type { RouteSpec } from './route.js';
import { envelopeOf, errorSchema, paginationSchema } from './schemas.js';

export interface RouteGroup {
  readonly prefix: string;
  readonly routes: readonly RouteSpec[];
}

const TAGS = [
  { name: 'Authentication', description: 'Sign-up, sign-in, sessions and password reset' },
  { name: 'Users', description: 'The caller’s own profile' },
  { name: 'Organizations', description: 'Tenants: the caller’s organizations' },
  { name: 'Members', description: 'People in an organization and their roles' },
  { name: 'Invitations', description: 'Inviting people by email' },
  { name: 'Roles', description: 'Built-in roles and custom permission sets' },
  { name: 'Teams', description: 'Teams (departments) used by assignment rules' },
  { name: 'API keys', description: 'Service accounts inside one organization' },
  { name: 'Audit log', description: 'Every write in an organization' },
  { name: 'Events', description: 'The events feed: every committed change, in order, to catch up' },
  { name: 'Projects', description: 'Projects, their workflow statuses and task types' },
  { name: 'Labels', description: 'Organization-wide tags' },
  {
    name: 'Tasks',
    description:
      'Tasks by id or key, kanban moves, history, comments, watchers, relations, bulk changes and search',
  },
  { name: 'Operations', description: 'Health, metrics, keys and this document' },
];

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

/**
 * A route that needs a credential: a user's access token, or (where the route takes them) an API
 * key, both sent as `Authorization: Bearer`. The document marks it with bearerAuth and its 401.
 */
function needsCredential(spec: RouteSpec): boolean {
  return spec.scope !== 'public';
}

function responsesOf(spec: RouteSpec) {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    if (Number(status) >= 400) {
      responses[status] = errorResponse(response.description);
    } else if (response.data === undefined) {
      responses[status] = { description: response.description };
    } else {
      const data = envelopeOf(response.data);
      const schema = response.paginated
        ? data.extend({ meta: data.shape.meta.extend({ pagination: paginationSchema }) })
        : data;
      responses[status] = {
        description: response.description,
        content: { 'application/json': { schema } },
      };
    }
  }
  if (needsCredential(spec) && !responses['401']) {
    responses['401'] = errorResponse('Missing, invalid or expired credentials');
  }
  // Every route refuses a query parameter it does not declare (route.ts), so every route may 422.
  responses['422'] ??= errorResponse(
    spec.body || spec.query || spec.params
      ? 'Input that breaks a rule, or an unknown query parameter or body field; details name each'
      : 'An unknown query parameter (this operation takes none); details name it',
  );
  if (spec.body) responses['400'] ??= errorResponse('Malformed JSON or wrong content type');
  // The general rate limits (app.ts) cover every route but the operational ones.
  if (!spec.tags.includes('Operations')) {
    responses['429'] ??= errorResponse('Over a rate limit: see RateLimit-* and Retry-After');
  }
  responses['500'] ??= errorResponse('Unexpected error; the request id finds the log line');
  responses['503'] ??= errorResponse(
    'A required dependency is down (the database restarting, or not ready yet at start) or ' +
      'the instance is draining; ' +
      'Retry-After says when to try again',
  );
  return responses;
}

function operationOf(spec: RouteSpec): ZodOpenApiOperationObject {
  const operation: Record<string, unknown> = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.summary,
    tags: [...spec.tags],
    security: needsCredential(spec) ? [{ bearerAuth: [] }] : [],
    responses: responsesOf(spec),
  };
  const requestParams: Record<string, unknown> = {};
  if (spec.params) requestParams.path = spec.params;
  if (spec.query) requestParams.query = spec.query;
  // The routes that honour Idempotency-Key (mounted in app.ts) document the header.
  const headers = spec.idempotent
    ? (spec.headers?.extend(idempotencyKeyHeaders.shape) ?? idempotencyKeyHeaders)
    : spec.headers;
  if (headers) requestParams.header = headers;
  if (Object.keys(requestParams).length > 0) operation.requestParams = requestParams;
  if (spec.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: spec.body } },
    };
  }
  return operation as unknown as ZodOpenApiOperationObject;
}

export function buildOpenApiDocument(groups: readonly RouteGroup[], version: string) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const group of groups) {
    for (const spec of group.routes) {
      const path = `${group.prefix}${spec.path}`.replace(/:(\w+)/g, '{$1}');
      (paths[path] ??= {})[spec.method] = operationOf(spec);
    }
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'TeamFlow API',
      version,
      description:
        'Multi-tenant work management. Every JSON answer is the envelope `{success, data | error, meta}`. ' +
        'A query parameter or body field an operation does not declare answers 422 VALIDATION_ERROR, ' +
        'with a `details` entry naming it. Lists are keyset-paged (`limit`, `cursor`, ' +
        '`meta.pagination`) unless their description says they answer the whole set (bounded).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    paths: paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An access token (a JWT from /auth/login, 15 minutes) or, on routes under ' +
            '/organizations/{org} and a few others, an API key (`tf_<prefix>_<secret>`).',
        },
      },
    },
  });
}
