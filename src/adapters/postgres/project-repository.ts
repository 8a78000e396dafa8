// Projects, with their progress counted by the query that reads them. Keys are unique in the
// organization over every project, deleted ones included; a miss on an expected version is a 412.
import { sql, type Selectable } from 'kysely';
import type { ProjectRepository } from '../../application/projects/ports.js';
import { projectKeyOf, type Project } from '../../domain/projects/project.js';
import type { Db } from './database.js';
import type { ProjectsTable } from './database-projects.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
import {
  PROGRESS_COLUMNS,
  progressOf,
  toProgress,
  type ProgressColumns,
} from './project-progress.js';
import { postgresProjectStatusRepository } from './project-statuses.js';
import { workflowColumn } from './workflow-column.js';
import { postgresTaskTypeRepository } from './project-task-types.js';
import { defer, QueryTemplates } from './wire/index.js';
import { isUuid } from '../../domain/shared/id.js';

type ProjectRow = Selectable<ProjectsTable> & ProgressColumns;

const KEY_TAKEN =
  'A project with this key exists in the organization (a deleted project keeps its key)';

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    organizationId: row.organization_id,
    key: row.key,
    name: row.name,
    description: row.description,
    publicLookup: row.public_lookup,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    progress: toProgress(row),
  };
}

/** The column and value a reference names a project by (id, or key ignoring case); none for neither. */
function refColumn(ref: string): ['projects.id' | 'projects.key', '=', string] | undefined {
  if (isUuid(ref)) return ['projects.id', '=', ref];
  const key = projectKeyOf(ref);
  return key === undefined ? undefined : ['projects.key', '=', key];
}

/** The compiled reads of every project repository (the SQL is the same for every connection). */
const templates = new QueryTemplates();

export function postgresProjectRepository(db: Db): ProjectRepository {
  const projects = (organizationId: string) =>
    db
      .selectFrom('projects')
      .innerJoin(progressOf('projects'), (join) => join.onTrue())
      .selectAll('projects')
      .select(PROGRESS_COLUMNS)
      .where('projects.organization_id', '=', organizationId);

  /** `deleted` says which state the row must be in for the miss to be a version miss. */
  const missOrGone = (
    organizationId: string,
    id: string,
    deleted: boolean,
    expectedVersion: number | undefined,
  ) =>
    versionMissOrGone(expectedVersion, () =>
      db
        .selectFrom('projects')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('deleted_at', deleted ? 'is not' : 'is', null)
        .executeTakeFirst(),
    );

  /**
   * The id and key of the live project named by id or key (ignoring case), with its workflow when
   * asked: compiled once per column it is named by and per shape. Undefined for neither.
   */
  const liveRef = (organizationId: string, ref: string, withWorkflow: boolean) => {
    const named = refColumn(ref);
    if (named === undefined) return undefined;
    const [column, , value] = named;
    const shape = { query: 'live-ref', column, withWorkflow };
    return templates.compile(shape, [organizationId, value] as const, (org, v) =>
      db
        .selectFrom('projects')
        .select(['projects.id', 'projects.key'])
        .$if(withWorkflow, (select) =>
          select.select([
            workflowColumn('projects.organization_id', 'projects.id'),
            // A creation evaluates assignment rules (one more read) only where there are some.
            sql<boolean>`exists (select 1 from assignment_rule_sets r
              where r.organization_id = projects.organization_id and r.project_id = projects.id
                and jsonb_array_length(r.rules) > 0)`.as('has_assignment_rules'),
          ]),
        )
        .where('projects.organization_id', '=', org)
        .where('projects.deleted_at', 'is', null)
        .where(column, '=', v),
    );
  };

  return {
    async list(organizationId, query) {
      let select = projects(organizationId).limit(query.limit);
      if (!query.includeDeleted) select = select.where('projects.deleted_at', 'is', null);
      const after = query.after;
      if (query.sort === 'name') {
        select = select.orderBy(sql`lower(projects.name)`).orderBy('projects.id');
        if (after?.sort === 'name') {
          select = select.where(
            sql<boolean>`(lower(projects.name), projects.id) > (lower(${after.name}), ${after.id}::uuid)`,
          );
        }
      } else {
        select = select.orderBy('projects.created_at', 'desc').orderBy('projects.id', 'desc');
        if (after?.sort === '-created_at') {
          select = select.where(
            sql<boolean>`(projects.created_at, projects.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
          );
        }
      }
      return (await select.execute()).map(toProject);
    },

    async identify(organizationId, ref) {
      const statement = liveRef(organizationId, ref, false);
      return statement && (await db.executeQuery(statement)).rows[0];
    },

    async identifyWithWorkflow(organizationId, ref) {
      // The workflow as a JSON array built next to the project's row: one read for both.
      const statement = liveRef(organizationId, ref, true);
      const row = statement && (await db.executeQuery(statement)).rows[0];
      return (
        row && {
          id: row.id,
          key: row.key,
          statuses: row.statuses ?? [],
          hasAssignmentRules: row.has_assignment_rules === true,
        }
      );
    },

    async find(organizationId, ref, options = {}) {
      const named = refColumn(ref);
      if (!named) return undefined;
      let select = projects(organizationId).where(...named);
      if (options.includeDeleted !== true) select = select.where('projects.deleted_at', 'is', null);
      const row = await select.executeTakeFirst();
      return row && toProject(row);
    },

    async create(project, workflow, taskTypes = []) {
      await conflictOnUnique(
        () =>
          db
            .insertInto('projects')
            .values({
              organization_id: project.organizationId,
              id: project.id,
              name: project.name,
              key: project.key,
              description: project.description,
              public_lookup: project.publicLookup,
              created_by: project.createdBy,
              created_at: project.now,
              updated_at: project.now,
            })
            .execute(),
        KEY_TAKEN,
      );
      await db
        .insertInto('project_statuses')
        .values(
          workflow.map((status) => ({
            organization_id: project.organizationId,
            id: status.id,
            project_id: project.id,
            name: status.name,
            category: status.category,
            position: status.position,
          })),
        )
        .execute();
      if (taskTypes.length > 0) {
        // Nobody reads it back: it rides with the read below (one round trip for both).
        await defer(
          db,
          db.insertInto('task_types').values(
            taskTypes.map((type) => ({
              organization_id: project.organizationId,
              id: type.id,
              project_id: project.id,
              name: type.name,
              created_at: project.now,
            })),
          ),
        );
      }
      const row = await projects(project.organizationId)
        .where('projects.id', '=', project.id)
        .executeTakeFirstOrThrow();
      return toProject(row);
    },

    async update(organizationId, id, changes, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .with('changed', (qb) => {
          let query = qb
            .updateTable('projects')
            .set((eb) => ({
              ...(changes.name !== undefined && { name: changes.name }),
              ...(changes.description !== undefined && { description: changes.description }),
              ...(changes.publicLookup !== undefined && {
                public_lookup: changes.publicLookup,
              }),
              version: eb('version', '+', 1),
              updated_at: now,
            }))
            .where('organization_id', '=', organizationId)
            .where('id', '=', id)
            .where('deleted_at', 'is', null);
          if (expectedVersion !== undefined) {
            query = query.where('version', '=', expectedVersion);
          }
          return query.returningAll();
        })
        .selectFrom('changed')
        .innerJoin(progressOf('changed'), (join) => join.onTrue())
        .selectAll('changed')
        .select(PROGRESS_COLUMNS)
        .executeTakeFirst();
      return row ? toProject(row) : missOrGone(organizationId, id, false, expectedVersion);
    },

    async softDelete(organizationId, id, now, expectedVersion) {
      if (!isUuid(id)) return false;
      let query = db
        .updateTable('projects')
        .set((eb) => ({ deleted_at: now, updated_at: now, version: eb('version', '+', 1) }))
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const result = await query.executeTakeFirst();
      if (result.numUpdatedRows === 1n) return true;
      await missOrGone(organizationId, id, false, expectedVersion);
      return false;
    },

    async restore(organizationId, id, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .with('changed', (qb) => {
          let query = qb
            .updateTable('projects')
            .set((eb) => ({ deleted_at: null, updated_at: now, version: eb('version', '+', 1) }))
            .where('organization_id', '=', organizationId)
            .where('id', '=', id)
            .where('deleted_at', 'is not', null);
          if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
          return query.returningAll();
        })
        .selectFrom('changed')
        .innerJoin(progressOf('changed'), (join) => join.onTrue())
        .selectAll('changed')
        .select(PROGRESS_COLUMNS)
        .executeTakeFirst();
      return row ? toProject(row) : missOrGone(organizationId, id, true, expectedVersion);
    },

    statuses: postgresProjectStatusRepository(db),
    taskTypes: postgresTaskTypeRepository(db),
  };
}
