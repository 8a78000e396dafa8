// Hostile text at the edge: a malformed percent-encoding is a 400; a NUL or an unpaired UTF-16
// surrogate in any string the request carries is a 422 naming the field. PostgreSQL refuses both
// (NUL in text, a lone surrogate's escape in jsonb), so they must never get that far.
import type { Middleware } from 'koa';
import { ValidationError, type FieldIssue } from '../../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { HttpError } from '../errors.js';

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No request of this API nests deeper; deeper JSON would only cost stack further in. */
export const MAX_JSON_DEPTH = 32;

const TEXT_MESSAGE = 'Must not contain NUL or unpaired surrogate characters';
const KEY_MESSAGE = 'Field names must not contain NUL or unpaired surrogate characters';

export function isUnsafeText(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * The issues in a parsed JSON value, walked without recursion (a deep array must not overflow
 * the stack here): one per unsafe string or key, named like zod names fields (`labels.0`).
 */
export function unsafeJsonIssues(value: unknown, root = 'body'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  const name = (path: readonly string[]) => (path.length > 0 ? path.join('.') : root);
  while (pending.length > 0 && issues.length < 20) {
    const { value: item, path } = pending.pop()!;
    if (typeof item === 'string') {
      if (isUnsafeText(item)) issues.push({ field: name(path), message: TEXT_MESSAGE });
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) {
      issues.push({ field: name(path), message: `Nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    for (const [key, child] of Object.entries(item)) {
      if (isUnsafeText(key)) {
        issues.push({ field: name(path), message: KEY_MESSAGE });
        continue;
      }
      pending.push({ value: child, path: [...path, key] });
    }
  }
  return issues;
}

/** Throws 422 when the parsed body carries unsafe text; the JSON body parser calls it. */
export function assertSafeBody(body: unknown): void {
  const issues = unsafeJsonIssues(body);
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Before routing: the path and query must decode as UTF-8 percent-encoding. The router and the
 * query parser would otherwise pass the undecodable text on as it is.
 */
export function rejectMalformedUrl(): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    if (!decodes(ctx.path)) {
      throw new HttpError('BAD_REQUEST', 'Malformed percent-encoding in the path');
    }
    const query = ctx.querystring;
    if (query !== '' && !query.split('&').every((part) => decodes(part.replace(/\+/g, ' ')))) {
      throw new HttpError('BAD_REQUEST', 'Malformed percent-encoding in the query');
    }
    await next();
  };
}

/** At the head of every route: path parameters and query values (their names too) → 422. */
export function rejectUnsafeParams(): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    const issues: FieldIssue[] = [];
    for (const [name, value] of Object.entries(ctx.params)) {
      if (isUnsafeText(value)) issues.push({ field: name, message: TEXT_MESSAGE });
    }
    for (const [name, value] of Object.entries(ctx.query)) {
      const values = Array.isArray(value) ? value : [value ?? ''];
      if (isUnsafeText(name)) issues.push({ field: 'query', message: KEY_MESSAGE });
      else if (values.some(isUnsafeText)) issues.push({ field: name, message: TEXT_MESSAGE });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    await next();
  };
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
