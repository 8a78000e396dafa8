// A webhook receiver on 127.0.0.1 for tests: it verifies each request's Standard Webhooks
// signature against the secrets it is given (with the `standardwebhooks` verifier any receiver
// would use), keeps what arrived, and answers as the test says: a status (with a Location), or
// not at all until released. It can go down (its port refuses) and come back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The secrets (of those the receiver holds) whose signature is valid. */
  readonly validFor: readonly string[];
  /** When its body had arrived (Date.now()). */
  readonly receivedAt: number;
}

export type Answer =
  { readonly status: number; readonly location?: string; readonly body?: string } | 'hold';

export interface WebhookReceiver {
  /** The endpoint's URL (its path `/hook`). */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** The secrets signatures are checked against. */
  secrets: string[];
  /** How the next requests are answered, in turn; then `fallback`. */
  answers: Answer[];
  fallback: Answer;
  /** Answers the requests held so far with 200. */
  release(): void;
  /** Stops listening (connections refused), or listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

function verified(secrets: readonly string[], headers: IncomingMessage['headers'], body: string) {
  return secrets.filter((secret) => {
    try {
      new Webhook(secret).verify(body, headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  });
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;

  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    secrets: [],
    answers: [],
    fallback: { status: 204 },
    release() {
      for (const response of held.splice(0)) response.writeHead(200).end('ok');
    },
    down: () => stop(),
    up: () => listen(),
    close: () => stop(),
  };

  function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.received.push({
        path: request.url ?? '',
        headers: request.headers,
        body,
        validFor: verified(receiver.secrets, request.headers, body),
        receivedAt: Date.now(),
      });
      const answer = receiver.answers.shift() ?? receiver.fallback;
      if (answer === 'hold') return void held.push(response);
      response.writeHead(answer.status, answer.location ? { location: answer.location } : {});
      response.end(answer.body ?? '');
    });
  }

  async function listen() {
    server = createServer(handle);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  async function stop() {
    if (!server) return;
    const closing = server;
    server = undefined;
    held.splice(0);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => closing.close(resolve));
  }

  await listen();
  Object.assign(receiver, { url: `http://127.0.0.1:${port}/hook` });
  return receiver;
}
