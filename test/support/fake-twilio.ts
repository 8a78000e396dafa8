// A local stand-in for Twilio's Messages API, answering as Twilio does: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json with Basic auth (the account SID and auth token)
// and a form-encoded To, From and Body → 201 `{sid, status: 'queued', …}`; a refusal → its status
// with `{code, message, more_info, status}` (20003 bad credentials, 21211 an invalid To, 21602 no
// Body). A test may queue answers of its own (`failNext`) or hold requests unanswered (`hang`).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_TWILIO_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const FAKE_TWILIO_TOKEN = 'fake-twilio-auth-token';
export const FAKE_TWILIO_FROM = '+15005550006';

export interface ReceivedSms {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly sid: string;
}

export interface FakeTwilio {
  readonly baseUrl: string;
  /** The messages it accepted, oldest first. */
  readonly messages: ReceivedSms[];
  /** Every request it got, accepted or not. */
  readonly requests: () => number;
  /** The next request gets this answer instead (then back to normal). */
  failNext(status: number, code: number, message: string): void;
  /** From now on requests are read and never answered (a deadline test). */
  hang(): void;
  close(): Promise<void>;
}

/** The env a test app needs to send through this fake. */
export function fakeTwilioEnv(twilio: FakeTwilio): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: FAKE_TWILIO_SID,
    TWILIO_AUTH_TOKEN: FAKE_TWILIO_TOKEN,
    TWILIO_FROM_NUMBER: FAKE_TWILIO_FROM,
    TWILIO_BASE_URL: twilio.baseUrl,
  };
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: ReceivedSms[] = [];
  const queued: { status: number; code: number; message: string }[] = [];
  let requests = 0;
  let hanging = false;

  const server = createServer((req, res) => {
    requests += 1;
    void readBody(req).then((raw) => {
      if (hanging) return;
      const refusal = queued.shift() ?? refusalOf(req, raw);
      if (refusal) return answerError(res, refusal.status, refusal.code, refusal.message);
      const form = new URLSearchParams(raw);
      const sms = {
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
        sid: `SM${randomBytes(16).toString('hex')}`,
      };
      messages.push(sms);
      answer(res, 201, {
        sid: sms.sid,
        account_sid: FAKE_TWILIO_SID,
        to: sms.to,
        from: sms.from,
        body: sms.body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${FAKE_TWILIO_SID}/Messages/${sms.sid}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    messages,
    requests: () => requests,
    failNext: (status, code, message) => void queued.push({ status, code, message }),
    hang: () => void (hanging = true),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What Twilio would refuse this request for, if anything. */
function refusalOf(req: IncomingMessage, raw: string) {
  const expectedAuth = `Basic ${Buffer.from(`${FAKE_TWILIO_SID}:${FAKE_TWILIO_TOKEN}`).toString('base64')}`;
  if (
    req.method !== 'POST' ||
    req.url !== `/2010-04-01/Accounts/${FAKE_TWILIO_SID}/Messages.json`
  ) {
    return { status: 404, code: 20404, message: 'The requested resource was not found' };
  }
  if (req.headers.authorization !== expectedAuth) {
    return { status: 401, code: 20003, message: 'Authenticate' };
  }
  if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    return { status: 400, code: 21602, message: 'Message body is required.' };
  }
  const form = new URLSearchParams(raw);
  const to = form.get('To') ?? '';
  if (!/^\+[1-9][0-9]{6,14}$/.test(to)) {
    return {
      status: 400,
      code: 21211,
      message: `The 'To' number ${to} is not a valid phone number.`,
    };
  }
  if (form.get('From') !== FAKE_TWILIO_FROM) {
    return {
      status: 400,
      code: 21212,
      message: `The 'From' number ${form.get('From')} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    };
  }
  if (!form.get('Body')) return { status: 400, code: 21602, message: 'Message body is required.' };
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answerError(res: ServerResponse, status: number, code: number, message: string): void {
  answer(res, status, {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

function answer(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
