// /organizations/{org}/projects/{project}/assignment-rules: the ordered rules that assign new
// tasks created without an assignee, replaced whole (If-Match on the list's version).
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import {
  getAssignmentRules,
  replaceAssignmentRules,
  type ReportedRules,
} from '../../../application/projects/assignment-rules.js';
import {
  ASSIGNMENT_STRATEGIES,
  MAX_ASSIGNMENT_RULES,
} from '../../../domain/projects/assignment-rules.js';
import { PRIORITIES } from '../../../domain/tasks/task.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { projectParams } from './schemas.js';

const tags = ['Projects'];
const notFound = { description: 'No such organization or project, or the caller is not a member' };

const PROBLEMS = [
  'task_type_missing',
  'label_missing',
  'team_missing',
  'assignee_not_member',
  'assignee_cannot_write',
  'no_eligible_member',
] as const;

const ruleBody = z.strictObject({
  id: z.string().optional().meta({ description: 'Keep a rule (and its turns) by its id' }),
  task_type: z.string().min(1).max(200).optional().meta({ description: 'A task type, id or name' }),
  label: z.string().min(1).max(200).optional().meta({ description: 'A label, id or name' }),
  priority: z.enum(PRIORITIES).optional(),
  team_id: z.string().optional(),
  assignee_id: z.string().optional(),
  strategy: z.enum(ASSIGNMENT_STRATEGIES),
});

export const replaceRulesBody = z.array(ruleBody).max(MAX_ASSIGNMENT_RULES);

export const assignmentRuleSchema = z
  .object({
    id: z.uuid(),
    task_type_id: z.uuid().nullable(),
    label_id: z.uuid().nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    team_id: z.uuid().nullable(),
    assignee_id: z.uuid().nullable(),
    strategy: z.enum(ASSIGNMENT_STRATEGIES),
    problem: z.enum(PROBLEMS).nullable().meta({
      description:
        'Null while the rule can assign; else why it assigns nobody now (creations pass it over)',
    }),
  })
  .meta({ id: 'AssignmentRule' });

function respondRules(ctx: AppContext, result: ReportedRules): void {
  setEtag(ctx, result.version);
  respond(
    ctx,
    result.rules.map((rule) => ({
      id: rule.id,
      task_type_id: rule.taskTypeId,
      label_id: rule.labelId,
      priority: rule.priority,
      team_id: rule.teamId,
      assignee_id: rule.assigneeId,
      strategy: rule.strategy,
      problem: rule.problem,
    })),
  );
}

const rulesDescription =
  'Applied, first match wins, when a task is created without an assignee (one named in the ' +
  'request wins). A rule matches by `task_type`, `label` and `priority` (each optional); ' +
  '`fixed` assigns `assignee_id`; `round_robin` takes turns over the members of `team_id`; ' +
  '`least_loaded` picks the team member with the fewest open tasks in the organization (ties ' +
  'take turns). Members who left, and those whose role may not write tasks, are skipped.';

export function assignmentRulesRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/assignment-rules',
      operationId: 'listAssignmentRules',
      summary: `The project’s assignment rules in order, each with its problem: the whole set (at most ${MAX_ASSIGNMENT_RULES}), not paged`,
      description: rulesDescription,
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      responses: {
        200: {
          description: `Every rule (at most ${MAX_ASSIGNMENT_RULES}), not paged; ETag is the list's version ("0" before any)`,
          data: z.array(assignmentRuleSchema),
          headers: ['ETag'],
        },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondRules(ctx, await getAssignmentRules(deps, accessOf(ctx), params.project));
      },
    }),
    route({
      method: 'put',
      path: '/organizations/:org/projects/:project/assignment-rules',
      operationId: 'replaceAssignmentRules',
      summary: 'Replace the project’s assignment rules (the whole ordered list); honours If-Match',
      description: rulesDescription,
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: projectParams,
      body: replaceRulesBody,
      responses: {
        200: {
          description: 'The new list',
          data: z.array(assignmentRuleSchema),
          headers: ['ETag'],
        },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
        412: { description: 'If-Match does not match the list’s version' },
        422: {
          description:
            'A rule names no type, label, team or member of the organization, or its target does not fit its strategy (`<index>.<field>`)',
        },
      },
      handler: async (ctx, { params, body }) => {
        const rules = body.map((rule) => ({
          id: rule.id,
          taskType: rule.task_type,
          label: rule.label,
          priority: rule.priority,
          teamId: rule.team_id,
          assigneeId: rule.assignee_id,
          strategy: rule.strategy,
        }));
        respondRules(
          ctx,
          await replaceAssignmentRules(
            deps,
            accessOf(ctx),
            params.project,
            rules,
            expectedVersion(ctx),
          ),
        );
      },
    }),
  ];
}
