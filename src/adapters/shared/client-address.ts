// The client's address as the HTTP app reads it (Koa's ctx.ip with app.ts's proxy settings), for
// what never reaches the app: a WebSocket upgrade is counted by the per-address rate limit under
// the same key as the client's requests.
import type { IncomingMessage } from 'node:http';

/**
 * `proxyHops`: 0 when no proxy is trusted (the socket's peer), else how many trusted proxies
 * appended to X-Forwarded-For; the leftmost of the last `proxyHops` values is the address the
 * outermost one saw, and what the client wrote left of it is never read.
 */
export function clientAddress(request: IncomingMessage, proxyHops: number): string {
  const header = proxyHops > 0 ? request.headers['x-forwarded-for'] : undefined;
  const forwarded = Array.isArray(header) ? header.join(',') : header;
  const ips = forwarded ? forwarded.split(',').map((value) => value.trim()) : [];
  return ips.slice(-proxyHops)[0] || request.socket.remoteAddress || '';
}
