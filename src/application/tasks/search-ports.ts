// Port of task search: full-text over titles, descriptions and comments, best match first. Every
// call runs inside a unit of work scoped to the organization (row-level security).

/** Where a page of results ends: the last hit's rank and task id. */
export interface TaskSearchCursor {
  readonly rank: number;
  readonly id: string;
}

export interface TaskSearchQuery {
  /** Web-search syntax (`"exact phrase"`, `or`, `-word`), already trimmed and non-empty. */
  readonly q: string;
  readonly projectId?: string | undefined;
  /** Only tasks reported (requested) by this actor: the requester's view. */
  readonly reporterId?: string | undefined;
  /** Only tasks reported by or assigned to this actor (`task:read:own` of other roles). */
  readonly ownedBy?: string | undefined;
  readonly limit: number;
  readonly after?: TaskSearchCursor | undefined;
}

export interface TaskSearchHit {
  readonly taskId: string;
  /**
   * Relevance, higher first: the title and description match (title weighs more) plus the best
   * comment match (weighs less than either). Rounded to 6 decimals, so that a cursor carries it
   * exactly and the next page compares it with the very value it was ordered by.
   */
  readonly rank: number;
  /**
   * An excerpt of the title and description (a line break between them) as plain text: one or
   * two fragments of the task's own text, character for character, joined by ` … `. The
   * opening words when only a comment matched.
   */
  readonly snippet: string;
  /** Where the snippet holds the matched words. */
  readonly highlights: readonly TextRange[];
}

/** A range of a string in UTF-16 code units (JavaScript string indices), `end` exclusive. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

export interface TaskSearch {
  /**
   * Live tasks of live projects matching `q`, by rank (highest first), then by id, after the
   * cursor. Nothing when `q` holds no searchable word (only stop words or punctuation).
   */
  search(organizationId: string, query: TaskSearchQuery): Promise<TaskSearchHit[]>;
}
