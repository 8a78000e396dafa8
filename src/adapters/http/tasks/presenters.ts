// Task history entries as the API shows them, and the wire form of task and history cursors.
// (A task itself: presentTask in adapters/shared/task-fields.ts.)
import type {
  HistoryCursor,
  TaskCursor,
  TaskHistoryEntry,
  TaskSort,
} from '../../../application/tasks/ports.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { isUuid } from '../../../domain/shared/id.js';
import { PRIORITIES } from '../../../domain/tasks/task.js';
import { decodeCursor, encodeCursor } from '../schemas.js';

export function presentHistoryEntry(entry: TaskHistoryEntry) {
  return {
    id: entry.id,
    action: entry.action,
    changes: entry.changes,
    actor_id: entry.actorId === '' ? null : entry.actorId,
    at: entry.at.toISOString(),
  };
}

const invalid = () => ValidationError.field('cursor', 'Invalid cursor');

function parsed(raw: string): unknown[] {
  try {
    const value: unknown = JSON.parse(decodeCursor(raw) ?? '');
    if (Array.isArray(value)) return value as unknown[];
  } catch {
    // answered below
  }
  throw invalid();
}

const isTime = (value: unknown) =>
  typeof value === 'string' && !Number.isNaN(new Date(value).getTime());

export function encodeTaskCursor(cursor: TaskCursor): string {
  return encodeCursor(JSON.stringify([cursor.sort, cursor.value, cursor.id]));
}

/** The cursor of a page of `sort`; anything else is a 422 on `cursor`. */
export function decodeTaskCursor(raw: string | undefined, sort: TaskSort): TaskCursor | undefined {
  if (raw === undefined) return undefined;
  const [cursorSort, value, id, ...rest] = parsed(raw);
  if (rest.length > 0 || typeof id !== 'string' || !isUuid(id)) throw invalid();
  if (cursorSort !== sort) {
    throw ValidationError.field('cursor', 'The cursor belongs to another sort order');
  }
  const valid =
    sort === 'created_at' || sort === '-created_at'
      ? isTime(value)
      : sort === 'due_at'
        ? value === null || isTime(value)
        : sort === 'priority'
          ? (PRIORITIES as readonly unknown[]).includes(value)
          : Number.isSafeInteger(value);
  if (!valid) throw invalid();
  return { sort, value: value as TaskCursor['value'], id };
}

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return encodeCursor(JSON.stringify([cursor.at.toISOString(), cursor.id]));
}

export function decodeHistoryCursor(raw: string | undefined): HistoryCursor | undefined {
  if (raw === undefined) return undefined;
  const [at, id, ...rest] = parsed(raw);
  if (rest.length > 0 || !isTime(at) || typeof id !== 'string' || !isUuid(id)) throw invalid();
  return { at: new Date(at as string), id };
}
