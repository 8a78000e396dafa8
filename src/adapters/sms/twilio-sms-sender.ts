// SMS through Twilio's Messages API: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
// form-encoded To, From and Body, Basic auth with the account SID and auth token; a created
// message answers 201 with its `sid`, a refusal 4xx/5xx with `{code, message}`. Plain fetch with
// a deadline: the SDK would add a dependency for one request.
import { maskPhone } from '../../domain/identity/phone-number.js';
import { SmsError, type SmsSender } from '../../application/shared/sms.js';

export interface TwilioOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** The sending number, E.164. */
  readonly from: string;
  /** https://api.twilio.com, or a local fake in tests. */
  readonly baseUrl: string;
  /** How long a send may take, answer included, before it fails as retryable. */
  readonly timeoutMs: number;
}

interface TwilioAnswer {
  readonly sid?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

export function twilioSmsSender(options: TwilioOptions): SmsSender {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const credentials = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  const headers = {
    authorization: `Basic ${credentials}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };

  /** The answer's status and JSON body; SmsError (retryable) when none came in time. */
  async function post(form: URLSearchParams): Promise<{ status: number; answer: TwilioAnswer }> {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, answer: parseAnswer(text) };
    } catch (error) {
      // Unreachable, cut off or too slow: the same message may well go through later.
      const why =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${options.timeoutMs} ms`
          : describe(error);
      throw new SmsError(`Twilio not reached: ${why}`, true);
    }
  }

  return {
    async send(message) {
      const { status, answer } = await post(
        new URLSearchParams({ To: message.to, From: options.from, Body: message.body }),
      );
      if (status >= 200 && status < 300 && typeof answer.sid === 'string')
        return { id: answer.sid };
      // Twilio's messages quote the number (“The 'To' number +3161… is not valid”): masked for logs.
      const said = typeof answer.message === 'string' ? answer.message : 'no message';
      const code =
        typeof answer.code === 'number' || typeof answer.code === 'string'
          ? String(answer.code)
          : undefined;
      throw new SmsError(
        `Twilio answered ${status}${code === undefined ? '' : ` (code ${code})`}: ${said.replaceAll(message.to, maskPhone(message.to))}`,
        // Its side failed or it throttles us (429): later may work. Any other refusal (a bad
        // number, bad credentials, an answer without a sid) would be refused again.
        status >= 500 || status === 429,
        code,
      );
    },
  };
}

function parseAnswer(text: string): TwilioAnswer {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a reset) is its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
