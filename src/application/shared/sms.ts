// The SmsSender port: text messages to phone numbers (verification codes; notifications).

export interface SmsMessage {
  /** The recipient in E.164, e.g. +31612345678. */
  readonly to: string;
  readonly body: string;
}

export interface SmsSender {
  /** Hands the message to the provider; resolves with the provider's id for it. Throws SmsError. */
  send(message: SmsMessage): Promise<{ readonly id: string }>;
}

/**
 * A message the provider did not take. `retryable` says whether sending the same message again
 * later may work (the provider failed, was unreachable or slow, or throttled us) or never will
 * (a number it refuses, credentials it refuses): a job queue retries the first kind only.
 */
export class SmsError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The provider's error code, when it gave one (Twilio: 21211 for an invalid To number). */
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'SmsError';
  }
}
