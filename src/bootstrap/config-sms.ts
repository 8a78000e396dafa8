// The settings of SMS (Twilio, or the log when Twilio is not configured), of phone-number codes,
// and the notification switches; documented in README "Configuration".
import { z } from 'zod';
import { isE164 } from '../domain/identity/phone-number.js';
import { boolean, positive, url } from './config-values.js';

export const smsSettings = {
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(
      /^AC[0-9a-fA-F]{32}$/,
      'must be AC and 32 hex digits (the Account SID in Twilio’s console)',
    )
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM_NUMBER: z
    .string()
    .refine(isE164, 'must be an E.164 number, e.g. +15005550006')
    .optional(),
  /** Twilio's API; a local fake in tests. */
  TWILIO_BASE_URL: url(['http', 'https']).default('https://api.twilio.com'),
  /** A send Twilio has not answered this long fails (retryable). */
  TWILIO_TIMEOUT_MS: positive.max(120_000).default(10_000),
  /** Switches read by the notification senders (not by account mail or phone codes). */
  ENABLE_EMAIL_NOTIFICATIONS: boolean.default(true),
  ENABLE_SMS_NOTIFICATIONS: boolean.default(false),
  /** Verification codes one user may have sent per window (setting a number, resending). */
  PHONE_CODES_PER_USER: positive.default(5),
  /** Verification codes one number may be sent per window, whoever asks. */
  PHONE_CODES_PER_NUMBER: positive.default(5),
  PHONE_CODE_WINDOW_SECONDS: positive.default(3600),
};

const TWILIO_REQUIRED = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const;

type SmsEnv = z.infer<z.ZodObject<typeof smsSettings>> & { readonly NODE_ENV: string };

export interface TwilioSettings {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

/** Twilio's settings when all three are given (loadConfig refuses some without the others). */
export function twilioOf(env: SmsEnv): TwilioSettings | undefined {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken } = env;
  if (accountSid === undefined || authToken === undefined || env.TWILIO_FROM_NUMBER === undefined) {
    return undefined;
  }
  return {
    accountSid,
    authToken,
    from: env.TWILIO_FROM_NUMBER,
    baseUrl: env.TWILIO_BASE_URL,
    timeoutMs: env.TWILIO_TIMEOUT_MS,
  };
}

/** Half a Twilio setup, and SMS notifications in production that would only be logged. */
export function smsProblems(env: SmsEnv): string[] {
  const given = TWILIO_REQUIRED.filter((name) => env[name] !== undefined);
  const missing = TWILIO_REQUIRED.filter((name) => env[name] === undefined);
  if (given.length > 0 && missing.length > 0) {
    return [
      `${missing.join(', ')}: missing while ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set; Twilio needs all three of ${TWILIO_REQUIRED.join(', ')} (or none: SMS is then logged, not sent)`,
    ];
  }
  if (env.NODE_ENV === 'production' && env.ENABLE_SMS_NOTIFICATIONS && given.length === 0) {
    return [
      `ENABLE_SMS_NOTIFICATIONS: true needs Twilio (${TWILIO_REQUIRED.join(', ')}) when NODE_ENV=production; without it SMS would only be logged`,
    ];
  }
  return [];
}
