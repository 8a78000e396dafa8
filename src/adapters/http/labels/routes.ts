// /organizations/{org}/labels: organization-wide tags. Everyone who reads projects reads labels;
// label:manage changes them. A label's ETag is its version; PATCH and DELETE honour If-Match.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { createLabel } from '../../../application/labels/create-label.js';
import { deleteLabel } from '../../../application/labels/delete-label.js';
import { getLabel } from '../../../application/labels/get-label.js';
import { listLabels } from '../../../application/labels/list-labels.js';
import { updateLabel } from '../../../application/labels/update-label.js';
import type { LabelCursor } from '../../../application/labels/ports.js';
import type { Label } from '../../../domain/labels/label.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeCursor, encodeCursor } from '../schemas.js';
import {
  createLabelBody,
  labelParams,
  labelSchema,
  listLabelsQuery,
  updateLabelBody,
} from './schemas.js';
import { isUuid } from '../../../domain/shared/id.js';

const tags = ['Labels'];
function present(label: Label) {
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    description: label.description,
    created_by: label.createdBy,
    version: label.version,
    created_at: label.createdAt.toISOString(),
    updated_at: label.updatedAt.toISOString(),
  };
}

/** A label with its ETag; a created one answers 201 with its Location. */
function respondOne(ctx: AppContext, label: Label, options: { created?: boolean } = {}) {
  setEtag(ctx, label.version);
  respond(
    ctx,
    present(label),
    options.created ? { status: 201, location: organizationUrl(ctx, 'labels', label.id) } : {},
  );
}

/** Cursors carry the last label's name and id (JSON `[name, id]`, then base64url). */
function cursorOf(position: LabelCursor): string {
  return encodeCursor(JSON.stringify([position.name, position.id]));
}

function positionOf(cursor: string | undefined): LabelCursor | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeCursor(cursor) ?? '');
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    !isUuid(decoded[1])
  ) {
    throw ValidationError.field('cursor', 'Invalid cursor');
  }
  return { name: decoded[0], id: decoded[1] };
}

const notFound = { description: 'No such organization or label, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };
const stale = { description: 'If-Match does not match the current ETag (or is not one of ours)' };

export function labelsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/labels',
      operationId: 'listLabels',
      summary: 'The organization’s labels, A→Z by name ignoring case',
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: organizationParams,
      query: listLabelsQuery,
      responses: {
        200: { description: 'Labels', data: z.array(labelSchema), paginated: true },
        403: forbidden,
        404: notFound,
        422: { description: 'Invalid limit or cursor' },
      },
      handler: async (ctx, { query }) => {
        const page = await listLabels(deps, accessOf(ctx), {
          limit: query.limit,
          after: positionOf(query.cursor),
          q: query.q,
        });
        const next = page.next === null ? null : cursorOf(page.next);
        respond(ctx, page.items.map(present), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/labels',
      operationId: 'createLabel',
      summary: 'Create a label',
      tags,
      scope: 'organization',
      permission: 'label:manage',
      params: organizationParams,
      body: createLabelBody,
      responses: {
        201: { description: 'Created', data: labelSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'A label with this name exists, whatever its case' },
        422: { description: 'Invalid name, color or description' },
      },
      handler: async (ctx, { body }) => {
        respondOne(ctx, await createLabel(deps, accessOf(ctx), body), { created: true });
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/labels/:label_id',
      operationId: 'getLabel',
      summary: 'One label',
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: labelParams,
      responses: {
        200: { description: 'The label', data: labelSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getLabel(deps, accessOf(ctx), params.label_id));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/labels/:label_id',
      operationId: 'updateLabel',
      summary: 'Rename, recolor or describe a label; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'label:manage',
      params: labelParams,
      body: updateLabelBody,
      responses: {
        200: { description: 'The updated label', data: labelSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'The new name is taken, whatever its case' },
        412: stale,
        422: { description: 'Nothing to change, an unknown field, or an invalid value' },
      },
      handler: async (ctx, { params, body }) => {
        const label = await updateLabel(deps, accessOf(ctx), params.label_id, {
          ...body,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, label);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/labels/:label_id',
      operationId: 'deleteLabel',
      summary: 'Delete a label (tasks that carry it lose it); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'label:manage',
      params: labelParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbidden,
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params }) => {
        await deleteLabel(deps, accessOf(ctx), params.label_id, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
