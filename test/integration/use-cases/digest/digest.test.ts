// The digest scheduler's tick on this file's database (PostgreSQL or PGlite), with the clock moved
// by hand: nothing before the digest time, one mail per recipient at it, never a second (two ticks,
// two schedulers at once, two transactions claiming the same record), a worker that was down at
// the digest time catching up the same evening, the next day again, and the mail's content
// delivered through a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../../../src/adapters/mail/smtp-mailer.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import { resolveAccess } from '../../../../src/application/access/resolve-access.js';
import {
  purgeDigestRuns,
  sendDueDigests,
  type DigestDeps,
} from '../../../../src/application/digest/send-digests.js';
import { EMAIL_JOB, emailHandler } from '../../../../src/application/jobs/email.js';
import { runDueJobs } from '../../../../src/application/jobs/run-jobs.js';
import { createTask } from '../../../../src/application/tasks/create-task.js';
import { DEFAULT_RETRY_POLICY } from '../../../../src/domain/jobs/retry.js';
import {
  accessWithRole,
  aProject,
  anOrganization,
  type World,
} from '../../../support/builders/use-cases.js';
import { startSmtpSink, type SmtpSink } from '../../../support/smtp.js';
import { depsOfThisFile, recordingLogger } from '../deps.js';

const deps = depsOfThisFile();
const LINKS = 'https://app.teamflow.test';
const digestDeps = (): DigestDeps => ({ ...deps, linkBase: LINKS, logger: recordingLogger() });
const tick = () => sendDueDigests(digestDeps());

/** Moves the file's clock to `iso` (forward or back). */
const at = (iso: string) => deps.clock.advance(Date.parse(iso) - deps.clock.now().getTime());

interface Digested {
  readonly world: World;
  readonly emails: Map<string, string>;
}

const emailOf = async (userId: string) => (await deps.repos.users.findById(userId))!.email;

/**
 * An organization in Paris whose digest goes at 18:00 (17:00 UTC in December) to owners and
 * admins and to one named requester (who may not read every task, so is skipped), with a viewer
 * who is no recipient. Set the day before `day`.
 */
async function aDigestedOrganization(day: string): Promise<Digested> {
  at(`${day}T08:00:00Z`);
  const world = await anOrganization(deps);
  const admin = await accessWithRole(deps, world, 'admin');
  await accessWithRole(deps, world, 'viewer');
  const requester = await accessWithRole(deps, world, 'requester');
  await updateOrganization(deps, world.owner, {
    digest: {
      enabled: true,
      localTime: '18:00',
      timezone: 'Europe/Paris',
      recipients: { roles: ['owner', 'admin'], members: [requester.grant.actorId] },
    },
  });
  const emails = new Map<string, string>();
  for (const access of [world.owner, admin]) {
    const id = access.grant.actorId;
    emails.set(id, await emailOf(id));
  }
  return { world, emails };
}

const mailsTo = (emails: Map<string, string>) =>
  deps.mailer.sent.filter((m) => [...emails.values()].includes(m.to));

const byRecipientThenSubject = (a: string[], b: string[]) => a.join(' ').localeCompare(b.join(' '));

/** Ticks, runs the mail jobs, and answers every mail the recipients have had so far. */
async function sentAfterTick(emails: Map<string, string>) {
  await tick();
  await deps.runJobs();
  return mailsTo(emails).sort((a, b) =>
    byRecipientThenSubject([a.to, a.subject], [b.to, b.subject]),
  );
}

describe('the digest schedule', () => {
  it('sends nothing at 17:59 and one mail to each recipient at 18:00, never a second', async () => {
    const { emails } = await aDigestedOrganization('2026-12-07');
    at('2026-12-07T16:59:59Z');
    expect(await sentAfterTick(emails)).toEqual([]);
    at('2026-12-07T17:00:00Z');
    const sent = await sentAfterTick(emails);
    expect(sent.map((m) => m.to).sort()).toEqual([...emails.values()].sort());
    expect(sent.every((m) => m.subject === 'Acme: your TeamFlow digest for 2026-12-07')).toBe(true);
    expect(await sentAfterTick(emails)).toHaveLength(2);
    at('2026-12-07T22:59:00Z');
    expect(await sentAfterTick(emails)).toHaveLength(2);
  });

  it('sends each recipient one mail when three schedulers tick at once', async () => {
    const { emails } = await aDigestedOrganization('2026-12-08');
    at('2026-12-08T17:00:00Z');
    await Promise.all([tick(), tick(), tick()]);
    await deps.runJobs();
    expect(mailsTo(emails)).toHaveLength(2);
  });

  it('lets one of two transactions record a digest, without the lock', async () => {
    const { world } = await aDigestedOrganization('2026-12-09');
    const userId = world.owner.grant.actorId;
    const claim = () =>
      deps.uow.run(
        (tx) => tx.digests.claim(world.organizationId, '2026-12-09', [userId], deps.clock.now()),
        { organizationId: world.organizationId },
      );
    const claimed = await Promise.all([claim(), claim()]);
    expect(claimed.flat()).toEqual([userId]);
  });

  it('forgets the records of digests sent longer ago than the retention, and only those', async () => {
    const { world } = await aDigestedOrganization('2026-12-12');
    const userId = world.owner.grant.actorId;
    const claim = (localDate: string) =>
      deps.uow.run(
        (tx) => tx.digests.claim(world.organizationId, localDate, [userId], deps.clock.now()),
        { organizationId: world.organizationId },
      );
    at('2026-12-12T17:00:00Z');
    expect(await claim('2026-12-12')).toEqual([userId]);
    at('2027-01-20T17:00:00Z');
    expect(await claim('2027-01-20')).toEqual([userId]);
    // 35 days on from 2027-01-20's run: 2026-12-12's record (39 days old) goes, the other stays.
    at('2027-01-21T17:00:00Z');
    expect(await purgeDigestRuns(deps, 35)).toBeGreaterThanOrEqual(1);
    expect(await claim('2026-12-12')).toEqual([userId]);
    expect(await claim('2027-01-20')).toEqual([]);
  });

  it('catches up the same evening after a worker down at 18:00, and sends the next day again', async () => {
    const { world, emails } = await aDigestedOrganization('2026-12-10');
    at('2026-12-10T20:00:00Z'); // 21:00 in Paris: nothing ticked at 18:00
    expect(await sentAfterTick(emails)).toHaveLength(2);
    at('2026-12-11T16:59:00Z');
    expect(await sentAfterTick(emails)).toHaveLength(2);

    // A member who leaves gets no more digests.
    const admin = [...emails.keys()].find((id) => id !== world.owner.grant.actorId)!;
    await deps.uow.run((tx) => tx.memberships.remove(world.organizationId, admin), {
      organizationId: world.organizationId,
    });
    at('2026-12-11T17:00:00Z');
    expect((await sentAfterTick(emails)).map((m) => [m.to, m.subject])).toEqual(
      [
        [emails.get(world.owner.grant.actorId)!, 'Acme: your TeamFlow digest for 2026-12-10'],
        [emails.get(admin)!, 'Acme: your TeamFlow digest for 2026-12-10'],
        [emails.get(world.owner.grant.actorId)!, 'Acme: your TeamFlow digest for 2026-12-11'],
      ].sort(byRecipientThenSubject),
    );
  });

  it('sends nothing for a day whose time had passed when the digest was switched on', async () => {
    at('2026-12-12T19:00:00Z');
    const world = await anOrganization(deps);
    const emails = new Map([[world.owner.grant.actorId, await emailOf(world.owner.grant.actorId)]]);
    await updateOrganization(deps, world.owner, {
      digest: { enabled: true, timezone: 'Europe/Paris', recipients: { roles: ['owner'] } },
    });
    expect(await sentAfterTick(emails)).toEqual([]);
    at('2026-12-13T17:00:00Z');
    expect(await sentAfterTick(emails)).toHaveLength(1);
  });
});

describe('the digest mail, through a real SMTP server', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('counts each project’s day, links to it and escapes its name', async () => {
    at('2026-12-12T08:00:00Z');
    const world = await anOrganization(deps);
    const owner = world.owner;
    const project = await aProject(deps, world, { name: '<script>alert(1)</script>' });
    await aProject(deps, world, { name: 'Quiet' });
    // Created two days before, due the day before the digest: overdue, not created that day.
    await createTask(deps, owner, project.id, {
      title: 'Late',
      dueAt: new Date('2026-12-13T11:00:00Z'),
    });
    at('2026-12-14T08:00:00Z');
    const tomorrowNoon = new Date('2026-12-15T11:00:00Z');
    await createTask(deps, owner, project.id, { title: 'Due tomorrow', dueAt: tomorrowNoon });
    await createTask(deps, owner, project.id, { title: 'Done', statusId: 'Done' });
    await updateOrganization(
      deps,
      await resolveAccess(deps, owner.principal, world.organizationId),
      {
        digest: { enabled: true, timezone: 'Europe/Paris', recipients: { roles: ['owner'] } },
      },
    );
    at('2026-12-14T17:00:00Z');
    await tick();

    const runner = {
      jobs: deps.jobs,
      handlers: {
        [EMAIL_JOB]: emailHandler(
          smtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: 'no-reply@teamflow.test' }),
          'teamflow.test',
        ),
      },
      clock: deps.clock,
      random: () => 0.5,
      retry: DEFAULT_RETRY_POLICY,
      logger: recordingLogger(),
    };
    const options = { worker: 'digest-test', leaseMs: 60_000, batchSize: 50 };
    while ((await runDueJobs(runner, options)) > 0);

    const to = await emailOf(owner.grant.actorId);
    const [mail] = sink.messages.filter((m) => m.to === to);
    expect(mail?.subject).toBe('Acme: your TeamFlow digest for 2026-12-14');
    const body = mail!.raw.replace(/=\r\n/g, '').replace(/=3D/g, '=');
    const link = `${LINKS}/organizations/${owner.organization.slug}/projects/${project.id}`;
    expect(body).toContain(
      `<script>alert(1)</script> (${project.key}): 2 created, 1 completed, 1 overdue, 1 due tomorrow`,
    );
    expect(body).toContain(link);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toMatch(/<a href="[^"]*">\s*<script>/);
    expect(body).not.toContain('Quiet');
  });
});
