// The realtime upgrade before any WebSocket exists, over raw sockets and a real `ws` client: a
// malformed handshake answered in the error envelope with the request id (400, 405, 426), as the
// OpenAPI document says (raw-http.ts checks every answer against it), and the per-address rate
// limit the HTTP API uses, which counts every upgrade attempt (failed ones too) in the same budget
// as the client's requests: 429 with Retry-After beyond it.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { rawExchange } from '../../support/raw-http.js';
import { openSocket, realtimeUrl, refusedUpgrade } from '../../support/realtime.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** An upgrade request for the realtime path, with `headers` over the well-formed ones. */
function upgrade(headers: Record<string, string | undefined>, method = 'GET'): string {
  const all: Record<string, string | undefined> = {
    Host: 'x',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': KEY,
    ...headers,
  };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} /api/v1/realtime HTTP/1.1\r\n${lines.join('')}\r\n`;
}

describe('a malformed handshake', () => {
  let t: TestApp;
  let owner: SignedInUser;
  const bearer = () => `bearer, ${owner.accessToken}`;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signIn(t, client(t.baseUrl));
  });
  afterAll(async () => {
    await t.close();
  });

  /** The reply, with its envelope parsed; the request id echoes the one sent. */
  async function refused(request: string, requestId = `rt-${crypto.randomUUID()}`) {
    const withId = request.replace('\r\n', `\r\nX-Request-Id: ${requestId}\r\n`);
    const reply = await rawExchange(t.baseUrl, withId);
    const body = JSON.parse(reply.body);
    expect(reply.headers['x-request-id']).toBe(requestId);
    expect(body).toMatchObject({ success: false, meta: { request_id: requestId } });
    return { ...reply, body };
  }

  it('a bad or missing Sec-WebSocket-Key → 400 BAD_REQUEST, even with a good token', async () => {
    for (const key of ['short', undefined]) {
      const reply = await refused(
        upgrade({ 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Protocol': bearer() }),
      );
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'BAD_REQUEST', message: /Sec-WebSocket-Key/ });
    }
  });

  it('a WebSocket version other than 13 → 426 with Sec-WebSocket-Version: 13', async () => {
    for (const version of ['8', undefined]) {
      const reply = await refused(
        upgrade({ 'Sec-WebSocket-Version': version, 'Sec-WebSocket-Protocol': bearer() }),
      );
      expect(reply.status).toBe(426);
      expect(reply.headers['sec-websocket-version']).toBe('13');
      expect(reply.headers.upgrade).toBe('websocket');
      expect(reply.body.error.code).toBe('UPGRADE_REQUIRED');
    }
  });

  it('an Upgrade to another protocol, or no Upgrade at all → 426 UPGRADE_REQUIRED', async () => {
    for (const headers of [{ Upgrade: 'h2c' }, { Upgrade: undefined, Connection: 'close' }]) {
      const reply = await refused(upgrade({ ...headers, 'Sec-WebSocket-Protocol': bearer() }));
      expect(reply.status).toBe(426);
      expect(reply.body.error.code).toBe('UPGRADE_REQUIRED');
    }
  });

  it('an upgrade with another method → 405 with Allow: GET', async () => {
    const reply = await refused(upgrade({ 'Sec-WebSocket-Protocol': bearer() }, 'POST'));
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET');
    expect(reply.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('no bearer subprotocol → 401 UNAUTHENTICATED', async () => {
    const reply = await refused(upgrade({}));
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="teamflow"');
    expect(reply.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('what ws itself refuses (a subprotocol list that does not parse) → 400 in the envelope', async () => {
    const reply = await refused(
      upgrade({
        'Sec-WebSocket-Protocol': 'chat@',
        Authorization: `Bearer ${owner.accessToken}`,
      }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('BAD_REQUEST');
  });

  it('a well-formed handshake switches protocols and names its request id', async () => {
    const ws = new WebSocket(realtimeUrl(t.baseUrl), ['bearer', owner.accessToken], {
      headers: { 'X-Request-Id': 'rt-accepted' },
    });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
    });
    ws.close();
    expect(response.statusCode).toBe(101);
    expect(response.headers['x-request-id']).toBe('rt-accepted');
    expect(response.headers['sec-websocket-protocol']).toBe('bearer');
  });
});

describe('the per-address rate limit', () => {
  const PER_ADDRESS = 6;
  let t: TestApp;
  let api: Client;
  let owner: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      // A window far longer than the test: the count never resets half-way.
      RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts upgrades, failed ones too, with the requests: 429 with Retry-After beyond it', async () => {
    owner = await signIn(t, api); // register, verify, login: 3 of the address's 6
    const socket = await openSocket(t.baseUrl, owner.accessToken); // 4
    await socket.close();
    expect(await refusedUpgrade(t.baseUrl, ['bearer', 'not-a-token'])).toMatchObject({
      status: 401,
    }); // 5
    expect((await api.get('/api/v1/realtime')).status).toBe(426); // 6

    const limited = await refusedUpgrade(t.baseUrl, ['bearer', owner.accessToken]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-limit']).toBe(String(PER_ADDRESS));
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    // One budget: the address's requests are over it too.
    expect((await api.get('/api/v1/users/me', { token: owner.accessToken })).status).toBe(429);
    expect(t.app.realtime.hub.size()).toBe(0);
  });
});
