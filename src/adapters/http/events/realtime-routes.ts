// GET /api/v1/realtime: a WebSocket. The upgrade itself is taken by the realtime gateway on the
// server's 'upgrade' event (adapters/realtime/ws-gateway.ts) before the app sees the request;
// this route answers a plain GET (426) and carries the protocol in the OpenAPI document.
import { HttpError } from '../errors.js';
import { route, type RouteSpec } from '../route.js';

/** The protocol as the document tells it (docs/api.md, "Realtime", says the same at length). */
export const REALTIME_PROTOCOL = `A WebSocket (RFC 6455) that pushes the events of the organizations, projects and tasks \
the caller subscribes to, each only if the caller may read it at the moment it is sent.

**Handshake.** Offer the subprotocols \`bearer, <token>\` (\`Sec-WebSocket-Protocol: bearer, <token>\`), \
where the token is a user's access token or an API key; the server answers with the subprotocol \
\`bearer\`. Every upgrade attempt counts against the per-address rate limit (429 with Retry-After \
beyond it). Before any WebSocket exists, refusals answer the error envelope with X-Request-Id: a \
malformed handshake (Sec-WebSocket-Key) 400, a method other than GET 405, a WebSocket version other \
than 13 426 (with Sec-WebSocket-Version: 13), a missing or bad credential 401.

**Client messages** (JSON text frames):
- \`{"type":"subscribe","organization_id":"<id or slug>","project_id"?:"<id>","task_id"?:"<id>"}\` — \
the whole organization, one project, or one task (its comments too). Answered \`subscribed\`.
- \`{"type":"subscribe","channel":"user","user_id"?:"<own id>"}\` — the caller's own channel \
(notifications: \`{"type":"notification","channel":"user","data":{…}}\`); another user's id, or an \
API key, is answered \`FORBIDDEN\`.
- \`{"type":"unsubscribe", …the same fields…}\` — answered \`unsubscribed\`.
- \`{"type":"resume","organization_id":…,"after":"<event id>", "project_id"?, "task_id"?}\` — \
subscribes, replays every event after \`after\` from the events table, then continues live with no \
gap and no repeat.
- \`{"type":"ping"}\` — answered \`{"type":"pong"}\`.

**Server messages:** \`{"type":"subscribed"|"unsubscribed","organization_id",…}\`; \
\`{"type":"event","id":"<event id>","event":"task.moved","organization_id":…,"data":{…}}\` where \
\`data\` is the event as the events feed shows it (keep the last \`id\` to resume); \
\`{"type":"resync_required","organization_id"}\` when \`after\` is unknown or past retention (read \
the state again over HTTP; live events continue); \`{"type":"error","code","message"}\` for a bad \
message (\`BAD_REQUEST\`, \`VALIDATION_ERROR\`), an organization the caller is not a member of \
(\`NOT_FOUND\`), a missing permission (\`FORBIDDEN\`) or too many subscriptions (\`SUBSCRIPTION_LIMIT\`).

**Close codes:** 1001 the server is stopping (reconnect, resume); 1011 a server error (reconnect, \
resume); 4008 slow consumer — the send buffer filled (reconnect, resume); 4401 reauthenticate: the \
access token or API key expired, or the token's session ended (logout, session revoked, password \
changed or reset, a refresh token reused) — get a new credential, reconnect, resume; 4403 access \
was removed (the member removed from a subscribed organization, the API key revoked). The server pings every REALTIME_HEARTBEAT_SECONDS and cuts a \
socket that did not answer the previous ping.`;

export function realtimeRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/realtime',
      operationId: 'realtime',
      summary: 'Realtime events over a WebSocket (subscribe, resume)',
      description: REALTIME_PROTOCOL,
      tags: ['Events'],
      // The credential travels in Sec-WebSocket-Protocol and is checked by the upgrade itself.
      scope: 'public',
      responses: {
        101: {
          description: 'Switching to the WebSocket protocol (subprotocol `bearer`)',
          headers: ['Upgrade'],
        },
        400: {
          description:
            'A malformed WebSocket handshake (Sec-WebSocket-Key, Sec-WebSocket-Protocol), or a ' +
            'path or query whose percent-encoding does not decode',
        },
        401: {
          description: 'The upgrade offered no credential, or a bad or expired one',
        },
        426: {
          description:
            'A plain GET (this path speaks only WebSocket), or a WebSocket version other than 13',
          headers: ['Upgrade', 'Sec-WebSocket-Version'],
        },
      },
      handler: () => {
        return Promise.reject(
          new HttpError('UPGRADE_REQUIRED', 'This path speaks WebSocket: send an Upgrade', {
            Upgrade: 'websocket',
          }),
        );
      },
    }),
  ];
}
