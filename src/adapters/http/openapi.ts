// The OpenAPI 3.1 document, generated from the same route specs (and zod schemas) that validate requests.
import type { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import { ifMatchHeaders } from './conditional.js';
import { RESPONSE_HEADERS, type ResponseHeader } from './headers.js';
import { idempotencyKeyHeaders } from './middleware/idempotency.js';
import { SECURITY_HEADERS } from './middleware/security.js';
import type { ResponseSpec, RouteSpec } from './route.js';
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
  {
    name: 'Webhooks',
    description: 'Signed HTTP deliveries of the organization’s events, with their log',
  },
  { name: 'Audit log', description: 'Every write in an organization' },
  { name: 'Events', description: 'The events feed: every committed change, in order, to catch up' },
  { name: 'Projects', description: 'Projects, their workflow statuses and task types' },
  { name: 'Labels', description: 'Organization-wide tags' },
  {
    name: 'Tasks',
    description:
      'Tasks by id or key, kanban moves, history, comments, watchers, relations, bulk changes and search',
  },
  {
    name: 'Analytics',
    description: 'Counts, throughput, cycle time, efficiency and workload of the tasks',
  },
  {
    name: 'Public status',
    description: 'A task’s status by its tracking code, for people without an account',
  },
  {
    name: 'Notifications',
    description:
      'The caller’s notifications across organizations, and their channels per organization',
  },
  { name: 'Operations', description: 'Health, metrics, keys and this document' },
];

/** The headers of a response, as references to components.headers. */
function headerRefs(names: readonly ResponseHeader[]) {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/**
 * A route that needs a credential: a user's access token, or (where the route takes them) an API
 * key, both sent as `Authorization: Bearer`. The document marks it with bearerAuth and its 401.
 */
function needsCredential(spec: RouteSpec): boolean {
  return spec.scope !== 'public';
}

/** The general rate limits (app.ts) count every route but the operational ones. */
function isRateLimited(spec: RouteSpec): boolean {
  return !spec.tags.includes('Operations');
}

/** The headers an answer of this status carries by rule, then the ones its route declares. */
function headersOf(
  spec: RouteSpec,
  status: number,
  declared: readonly ResponseHeader[] = [],
): ResponseHeader[] {
  const names: ResponseHeader[] = ['X-Request-Id', 'X-Process-Time'];
  if (isRateLimited(spec)) names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  if (status === 201) names.push('Location');
  if (status === 401) names.push('WWW-Authenticate');
  // 409 on an idempotent route: the first request with the key is still running.
  if (status === 429 || status === 503 || (status === 409 && spec.idempotent)) {
    names.push('Retry-After');
  }
  // Every answer but a 5xx or a 429 is kept and may come back as a replay.
  if (spec.idempotent && status < 500 && status !== 429) names.push('Idempotent-Replayed');
  return [...new Set([...names, ...declared])];
}

function responseOf(spec: RouteSpec, status: number, response: ResponseSpec) {
  const described = {
    description: response.description,
    headers: headerRefs(headersOf(spec, status, response.headers)),
  };
  if (status >= 400) {
    return { ...described, content: { 'application/json': { schema: errorSchema } } };
  }
  if (response.content !== undefined) {
    const content: Record<string, { schema: z.ZodType }> = {};
    for (const [type, schema] of Object.entries(response.content)) content[type] = { schema };
    return { ...described, content };
  }
  if (response.data === undefined) return described;
  const data = envelopeOf(response.data);
  const schema = response.paginated
    ? data.extend({ meta: data.shape.meta.extend({ pagination: paginationSchema }) })
    : data;
  return { ...described, content: { 'application/json': { schema } } };
}

const BAD_BODY = {
  json: 'Malformed JSON, a content type other than JSON',
  form: 'A content type other than a form',
  multipart: 'A content type other than multipart/form-data, a malformed multipart body',
} as const;

const MEDIA_TYPE = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data',
} as const;

/** The answers every route of its kind can give, whether or not the route lists them. */
function generalResponses(spec: RouteSpec): Record<number, ResponseSpec> {
  const general: Record<number, ResponseSpec> = {};
  general[400] = {
    description: spec.body
      ? `${BAD_BODY[spec.bodyType ?? 'json']}, ` +
        'a body that does not decode as its Content-Encoding says, or a path or query whose ' +
        'percent-encoding does not decode'
      : 'A path or query whose percent-encoding does not decode',
  };
  if (needsCredential(spec)) {
    general[401] = { description: 'Missing, invalid or expired credentials' };
    if (!spec.apiKeys) {
      general[403] = { description: 'This route needs a user’s access token, not an API key' };
    }
  }
  if (spec.scope === 'organization') {
    general[404] = { description: 'No such organization, or the caller is not a member' };
  }
  if (spec.idempotent) {
    general[409] = {
      description: 'A request with this Idempotency-Key is still running; see Retry-After',
    };
  }
  if (spec.body) general[413] = { description: 'The body is over the size limit' };
  // Every route refuses a query parameter it does not declare (route.ts), so every route may 422.
  general[422] = {
    description:
      spec.body || spec.query || spec.params || spec.idempotent
        ? 'Input that breaks a rule, or an unknown query parameter or body field; details name each'
        : 'An unknown query parameter (this operation takes none); details name it',
  };
  if (isRateLimited(spec)) {
    general[429] = { description: 'Over a rate limit: see RateLimit-* and Retry-After' };
  }
  // Node's own refusal, before any route: the request line and headers over 16 KiB.
  general[431] = { description: 'The request line and headers are over 16 KiB' };
  general[500] = { description: 'Unexpected error; the request id finds the log line' };
  general[503] = {
    description:
      'A required dependency is down (the database restarting, or not ready yet at start) or ' +
      'the instance is draining; Retry-After says when to try again',
  };
  return general;
}

function responsesOf(spec: RouteSpec) {
  const all = { ...generalResponses(spec), ...spec.responses };
  const statuses = Object.keys(all)
    .map(Number)
    .sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => [String(status), responseOf(spec, status, all[status]!)]),
  );
}

/** Request headers: the route's own, If-Match where a 412 is documented, Idempotency-Key. */
function requestHeadersOf(spec: RouteSpec): z.ZodObject | undefined {
  let headers = spec.headers;
  const add = (more: z.ZodObject) => (headers = headers?.extend(more.shape) ?? more);
  // If-Match is what a 412 answers: the routes that honour it document their 412.
  if (spec.responses[412] !== undefined) add(ifMatchHeaders);
  // The routes that honour Idempotency-Key (mounted in app.ts) document the header.
  if (spec.idempotent) add(idempotencyKeyHeaders);
  return headers;
}

function operationOf(spec: RouteSpec): ZodOpenApiOperationObject {
  const operation: Record<string, unknown> = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description ?? spec.summary,
    tags: [...spec.tags],
    security: needsCredential(spec) ? [{ bearerAuth: [] }] : [],
    responses: responsesOf(spec),
  };
  const requestParams: Record<string, unknown> = {};
  if (spec.params) requestParams.path = spec.params;
  if (spec.query) requestParams.query = spec.query;
  const headers = requestHeadersOf(spec);
  if (headers) requestParams.header = headers;
  if (Object.keys(requestParams).length > 0) operation.requestParams = requestParams;
  if (spec.body) {
    operation.requestBody = {
      required: true,
      content: {
        [MEDIA_TYPE[spec.bodyType ?? 'json']]: {
          schema: spec.body,
        },
      },
    };
  }
  return operation as unknown as ZodOpenApiOperationObject;
}

const DESCRIPTION =
  'Multi-tenant work management. Every JSON answer is the envelope `{success, data | error, ' +
  'meta}` (but the JWKS and this document). Each response lists the headers it carries; every ' +
  `answer also carries the security headers ${SECURITY_HEADERS.map((h) => `\`${h}\``).join(', ')} ` +
  '(and, for a configured CORS origin, the `Access-Control-*` headers). A query parameter or ' +
  'body field an operation does not declare answers 422 VALIDATION_ERROR, with a `details` ' +
  'entry naming it. Lists are keyset-paged (`limit`, `cursor`, `meta.pagination`) unless their ' +
  'description says they answer the whole set (bounded).';

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
      description: DESCRIPTION,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    paths: paths,
    components: {
      headers: Object.fromEntries(
        Object.entries(RESPONSE_HEADERS).map(([name, header]) => [name, { ...header }]),
      ),
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
