// Task search over the tsvector columns (GIN-indexed): tasks.search_vector (title weight A,
// description weight B) and task_comments.search_vector (weight D). A task's rank is its own
// match plus its best comment's, so with ts_rank's default weights {D 0.1, C 0.2, B 0.4, A 1} a
// title match outranks a description match, which outranks a comment-only match.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { TaskSearch, TaskSearchHit } from '../../application/tasks/search-ports.js';
import type { Db } from './database.js';
import {
  BLANKED_SQL,
  excerptOf,
  FRAGMENT_DELIMITER,
  MATCH_START,
  MATCH_STOP,
  SHORT_WORD,
} from './search-excerpt.js';

const HEADLINE_OPTIONS =
  `StartSel="${MATCH_START}", StopSel="${MATCH_STOP}", MaxWords=30, MinWords=10, ` +
  `ShortWord=${SHORT_WORD}, ` +
  `MaxFragments=2, FragmentDelimiter="${FRAGMENT_DELIMITER}"`;

interface HitRow {
  task_id: string;
  /** numeric: a string from pg, a number or string from PGlite. */
  rank: string | number;
  title: string;
  description: string;
  headline: string;
}

/** What a hit's excerpt is cut from: the title, a line break, the description. */
const searchedText = (row: Pick<HitRow, 'title' | 'description'>) =>
  `${row.title}\n${row.description}`;

export function postgresTaskSearch(db: Db): TaskSearch {
  return {
    async search(organizationId, query): Promise<TaskSearchHit[]> {
      const tsquery = sql`websearch_to_tsquery('english', ${query.q})`;
      // app_task_search (migration 0007) finds the organization's live matching tasks through
      // the GIN indexes, which row-level security would keep this query from using; what else a
      // hit must be — in a live project, one the caller may see — is checked here.
      const conditions: RawBuilder<SqlBool>[] = [
        sql`m.project_id in (
          select p.id from projects as p
          where p.organization_id = ${organizationId} and p.deleted_at is null
        )`,
      ];
      const where = (condition: RawBuilder<SqlBool>) => conditions.push(condition);
      if (query.projectId !== undefined) where(sql`m.project_id = ${query.projectId}`);
      if (query.reporterId !== undefined) where(sql`m.reporter_id = ${query.reporterId}`);
      if (query.ownedBy !== undefined) {
        where(sql`(m.reporter_id = ${query.ownedBy} or m.assignee_id = ${query.ownedBy})`);
      }
      let after = sql<SqlBool>`true`;
      if (query.after !== undefined) {
        const rank = sql`${String(query.after.rank)}::numeric`;
        after = sql`(r.rank < ${rank} or (r.rank = ${rank} and r.task_id > ${query.after.id}::uuid))`;
      }
      // The rank is rounded once, in `ranked`; the order and the cursor compare that very value.
      const { rows } = await sql<HitRow>`
        with ranked as (
          select m.task_id, round(sum(m.rank)::numeric, 6) as rank
          from app_task_search(${tsquery}) as m
          where ${sql.join(conditions, sql` and `)}
          group by m.task_id
        ),
        page as (
          select r.task_id, r.rank from ranked as r
          where ${after}
          order by r.rank desc, r.task_id
          limit ${query.limit}
        )
        select page.task_id, page.rank, t.title, t.description,
               ts_headline('english',
                           translate(t.title || E'\n' || t.description,
                                     ${BLANKED_SQL.from}, ${BLANKED_SQL.to}),
                           ${tsquery},
                           ${HEADLINE_OPTIONS}) as headline
        from page
        join tasks as t on t.organization_id = ${organizationId} and t.id = page.task_id
        order by page.rank desc, page.task_id
      `.execute(db);
      return rows.map((row) => {
        const excerpt = excerptOf(searchedText(row), row.headline);
        return {
          taskId: row.task_id,
          rank: Number(row.rank),
          snippet: excerpt.text,
          highlights: excerpt.highlights,
        };
      });
    },
  };
}
