// The request id of an answer: the client's X-Request-Id when it is sane, else a new one. The HTTP
// app (request-context.ts) and the answers written before it (a refused WebSocket upgrade) agree.
import { randomUUID } from 'node:crypto';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(offered: string | undefined): string {
  return offered !== undefined && SAFE_REQUEST_ID.test(offered) ? offered : `req_${randomUUID()}`;
}
