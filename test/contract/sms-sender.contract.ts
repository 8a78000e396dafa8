// The SmsSender contract: every adapter delivers what it is given, intact and in order, answers
// an id for each message, and refuses a number that cannot be one with an error that says a
// retry will not help.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsError, type SmsMessage, type SmsSender } from '../../src/application/shared/sms.js';

export interface SmsSenderHarness {
  readonly sender: SmsSender;
  /** What has arrived so far, oldest first. */
  readonly received: () => Promise<SmsMessage[]>;
  readonly cleanup: () => Promise<void>;
}

export function smsSenderContract(name: string, make: () => Promise<SmsSenderHarness>): void {
  describe(`SmsSender contract: ${name}`, () => {
    let harness: SmsSenderHarness;

    beforeEach(async () => {
      harness = await make();
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('delivers a message to its number, the text intact, and answers an id', async () => {
      const body = 'Your TeamFlow code is 012345 — it expires in 10 minutes. a=b&c=d+e 🚀';

      const { id } = await harness.sender.send({ to: '+31612345678', body });

      expect(id).toEqual(expect.any(String));
      expect(id.length).toBeGreaterThan(0);
      expect(await harness.received()).toEqual([{ to: '+31612345678', body }]);
    });

    it('delivers several messages in the order they were sent, each with an id of its own', async () => {
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        ids.push((await harness.sender.send({ to: `+3161234567${n}`, body: `Body ${n}` })).id);
      }

      expect(new Set(ids).size).toBe(3);
      expect(await harness.received()).toEqual([
        { to: '+31612345671', body: 'Body 1' },
        { to: '+31612345672', body: 'Body 2' },
        { to: '+31612345673', body: 'Body 3' },
      ]);
    });

    it('refuses a number that is not E.164 for good, and delivers nothing', async () => {
      const sent = harness.sender.send({ to: '0612345678', body: 'Hello' });

      await expect(sent).rejects.toBeInstanceOf(SmsError);
      await expect(sent).rejects.toMatchObject({ retryable: false });
      expect(await harness.received()).toEqual([]);
    });
  });
}
