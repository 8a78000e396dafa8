// The requests that send identity mail: throttled per client address (429) and per recipient
// (dropped, same answer), and answering before the lookup and the mail, which run afterwards (the
// mail as a job, sent by the worker: deps.runJobs does its part here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgotPassword } from '../../../../src/application/identity/password-reset.js';
import { register } from '../../../../src/application/identity/register.js';
import {
  resendVerification,
  verifyEmail,
} from '../../../../src/application/identity/verify-email.js';
import type { Repositories } from '../../../../src/application/shared/unit-of-work.js';
import type { User } from '../../../../src/domain/identity/user.js';
import { RateLimitedError } from '../../../../src/domain/shared/errors.js';
import { deferred, waitFor } from '../../../support/async.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { newEmail, PASSWORD, rejectionOf, tokenMailedTo } from '../actors.js';
import { buildDeps, MAILS_PER_RECIPIENT, type TestDeps } from '../deps.js';

const REQUESTS_PER_IP = 4;

let database: TestDatabase;
let deps: TestDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = await buildDeps(database.handle.db, { mailRequestsPerIp: REQUESTS_PER_IP });
});
afterAll(async () => {
  await database.close();
});

let addresses = 0;
const newIp = () => `192.0.2.${++addresses}`;
const mailsTo = (email: string) => deps.mailer.sent.filter((m) => m.to === email);

/** A verified account registered from an address of its own (the builders use no address). */
async function knownAddress(): Promise<string> {
  const email = newEmail();
  await register(deps, { email, password: PASSWORD, name: 'Ada', ip: newIp() });
  await verifyEmail(deps, { token: await tokenMailedTo(deps, email) });
  return email;
}

describe('mail sent off the request path', () => {
  it('answers register, new or taken address, having sent nothing: its mail is a job', async () => {
    const email = newEmail();
    const created = await register(deps, { email, password: PASSWORD, name: 'New' });
    const taken = await register(deps, { email, password: PASSWORD, name: 'Again' });
    expect(Object.keys(taken).sort()).toEqual(Object.keys(created).sort());
    await deps.background.idle();
    expect(mailsTo(email)).toEqual([]);

    await deps.runJobs();
    expect(mailsTo(email).map((m) => m.subject)).toEqual([
      'Verify your TeamFlow email address',
      'You already have a TeamFlow account',
    ]);
  });

  it('answers forgot-password and resend-verification before even looking the address up', async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada' });
    await deps.runJobs();
    const lookup = deferred();
    let looked = 0;
    const users = {
      ...deps.repos.users,
      findByEmail: async (address: string): Promise<User | undefined> => {
        looked += 1;
        await lookup.promise;
        return deps.repos.users.findByEmail(address);
      },
    };
    // The repositories' getters are on their prototype: the override goes on an object over them.
    const slow = {
      ...deps,
      repos: Object.create(deps.repos, { users: { value: users } }) as Repositories,
    };

    await expect(forgotPassword(slow, { email, ip: newIp() })).resolves.toBeUndefined();
    await expect(resendVerification(slow, { email, ip: newIp() })).resolves.toBeUndefined();
    await waitFor(() => looked === 2);
    expect(mailsTo(email)).toHaveLength(1); // the registration's, nothing more yet

    lookup.resolve();
    await deps.runJobs();
    // The two lookups run side by side: their mails may be enqueued in either order.
    const [registration, ...asked] = mailsTo(email).map((m) => m.subject);
    expect(registration).toBe('Verify your TeamFlow email address');
    expect(asked.sort()).toEqual([
      'Reset your TeamFlow password',
      'Verify your TeamFlow email address',
    ]);
  });
});

describe('per client address', () => {
  it(`refuses the request after ${REQUESTS_PER_IP} from one address with RateLimitedError, known or unknown alike`, async () => {
    const ip = newIp();
    const known = await knownAddress();
    await forgotPassword(deps, { email: newEmail(), ip });
    await resendVerification(deps, { email: newEmail(), ip });
    await register(deps, { email: newEmail(), password: PASSWORD, name: 'Ada', ip });
    await forgotPassword(deps, { email: known, ip });

    for (const email of [known, newEmail()]) {
      const refused = await rejectionOf(forgotPassword(deps, { email, ip }));
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    await expect(
      register(deps, { email: newEmail(), password: PASSWORD, name: 'Ada', ip }),
    ).rejects.toBeInstanceOf(RateLimitedError);
    await expect(resendVerification(deps, { email: known, ip })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await expect(forgotPassword(deps, { email: known, ip: newIp() })).resolves.toBeUndefined();
  });
});

describe('per recipient', () => {
  it(`sends at most ${MAILS_PER_RECIPIENT} mails to one address; beyond, the same answer, no mail, a log line`, async () => {
    const email = newEmail();
    await register(deps, { email, password: PASSWORD, name: 'Ada', ip: newIp() });
    // One mail for the registration, three more than its share from the rest.
    for (let i = 1; i <= MAILS_PER_RECIPIENT + 1; i++) {
      const ask = i % 2 === 0 ? forgotPassword : resendVerification;
      await expect(ask(deps, { email, ip: newIp() })).resolves.toBeUndefined();
    }
    await expect(
      register(deps, { email, password: PASSWORD, name: 'Again', ip: newIp() }),
    ).resolves.toMatchObject({ email });
    await deps.runJobs();

    expect(mailsTo(email)).toHaveLength(MAILS_PER_RECIPIENT);
    expect(
      deps.logs.filter(
        (e) => e.msg?.startsWith('mail dropped') && (e.fields as { to?: string }).to === email,
      ),
    ).toHaveLength(3);
  });

  it('counts each recipient on its own', async () => {
    const spent = newEmail();
    for (let i = 0; i <= MAILS_PER_RECIPIENT; i++) {
      await register(deps, { email: spent, password: PASSWORD, name: 'Ada', ip: newIp() });
    }
    const other = newEmail();
    await register(deps, { email: other, password: PASSWORD, name: 'Bea', ip: newIp() });
    await deps.runJobs();
    expect(mailsTo(spent)).toHaveLength(MAILS_PER_RECIPIENT);
    expect(mailsTo(other)).toHaveLength(1);
  });
});
