// The address a WebSocket upgrade is counted under is the one the HTTP app counts its requests
// under: clientAddress agrees with Koa's ctx.ip under app.ts's proxy settings.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../src/adapters/shared/client-address.js';

function request(forwardedFor: string | undefined): IncomingMessage {
  return {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: '10.0.0.9' },
  } as unknown as IncomingMessage;
}

/** ctx.ip as app.ts configures Koa: proxy trusted with `hops` hops, or not (0). */
function koaIp(req: IncomingMessage, hops: number): string {
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  return app.createContext(req, {} as ServerResponse).ip;
}

describe('clientAddress', () => {
  it('agrees with Koa with and without trusted proxies', () => {
    for (const hops of [0, 1, 2]) {
      for (const forwarded of [undefined, '', '203.0.113.7', 'spoofed, 203.0.113.7, 10.0.0.2']) {
        const req = request(forwarded);
        expect(clientAddress(req, hops), `${hops} ${forwarded}`).toBe(koaIp(req, hops));
      }
    }
  });
});
