// Sends one webhook delivery: a POST of the event JSON, signed as Standard Webhooks says
// (`webhook-id`, `webhook-timestamp`, `webhook-signature`, by the spec authors' own `standardwebhooks`
// signer), over node's http/https with the SSRF guard as its DNS lookup. Redirects are not
// followed (a 3xx is a failed attempt), the whole exchange has a deadline, a fresh connection is
// made each time (a pooled socket would skip the lookup), and only the answer's first KiB is read.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type {
  ClaimedDelivery,
  SendResult,
  WebhookSender,
} from '../../application/webhooks/ports.js';
import { guardedLookup, hostOf, isRefusedAddress, RefusedAddressError } from './address-guard.js';

/** The most of an answer kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface SenderOptions {
  readonly timeoutMs: number;
  /** Lets endpoints reach private and loopback addresses (tests, trusted networks). */
  readonly allowPrivateNetworks: boolean;
  /** The signature's timestamp: the wall clock, which receivers compare with theirs. */
  readonly now: () => Date;
  readonly userAgent: string;
}

/** Every signature of the body: one per secret (both during a rotation's overlap), space-separated. */
export function signatureHeader(
  delivery: Pick<ClaimedDelivery, 'id' | 'body' | 'secrets'>,
  timestamp: Date,
): string {
  return delivery.secrets
    .map((secret) => new Webhook(secret).sign(delivery.id, timestamp, delivery.body))
    .join(' ');
}

/** Reads at most RESPONSE_EXCERPT_BYTES of the answer, then lets the rest go. */
function excerptOf(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () =>
      resolve(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', done);
    response.on('close', done);
  });
}

export function httpWebhookSender(options: SenderOptions): WebhookSender {
  return {
    async send(delivery, requestId) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const failed = (error: string): SendResult => ({
        statusCode: null,
        error,
        durationMs: elapsed(),
        responseExcerpt: '',
      });
      const url = new URL(delivery.url);
      const host = hostOf(url);
      // An address in the URL is never looked up: it is checked here instead.
      if (!options.allowPrivateNetworks && isIP(host) !== 0 && isRefusedAddress(host)) {
        return failed(new RefusedAddressError(host).message);
      }
      const timestamp = options.now();
      const headers = {
        'content-type': 'application/json',
        'user-agent': options.userAgent,
        'x-request-id': requestId,
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signatureHeader(delivery, timestamp),
      };
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      try {
        return await new Promise<SendResult>((resolve, reject) => {
          const outgoing = request(url, {
            method: 'POST',
            headers,
            agent: false,
            signal: AbortSignal.timeout(options.timeoutMs),
            ...(!options.allowPrivateNetworks && { lookup: guardedLookup }),
          });
          outgoing.on('response', (response) => {
            void excerptOf(response).then((responseExcerpt) =>
              resolve({
                statusCode: response.statusCode ?? null,
                error: null,
                durationMs: elapsed(),
                responseExcerpt,
              }),
            );
          });
          outgoing.on('error', reject);
          outgoing.end(delivery.body);
        });
      } catch (error) {
        const { name, message } = error as Error;
        return failed(
          name === 'AbortError' || name === 'TimeoutError'
            ? `timed out after ${options.timeoutMs} ms`
            : message,
        );
      }
    },
  };
}
