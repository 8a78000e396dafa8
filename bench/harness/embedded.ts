// The embedded run's data (PGlite + memory adapters; bench/seed.ts needs PostgreSQL): one
// organization, two projects, 10,000 tasks (by default) in the first, made through the
// application's own use cases in this process on the PGlite folder the server then opens.
import path from 'node:path';
import { CompiledQuery } from 'kysely';
import { openDatabase } from '../../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import type { MailMessage, Mailer } from '../../src/application/identity/ports.js';
import { register } from '../../src/application/identity/register.js';
import { verifyEmail } from '../../src/application/identity/verify-email.js';
import { resolveAccess } from '../../src/application/access/resolve-access.js';
import { createOrganization } from '../../src/application/organizations/create-organization.js';
import { createProject } from '../../src/application/projects/create-project.js';
import { createLabel } from '../../src/application/labels/create-label.js';
import { createTask } from '../../src/application/tasks/create-task.js';
import type { UserPrincipal } from '../../src/domain/identity/principal.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { compose } from '../../src/bootstrap/compose.js';
import { deepCursor, spreadKeys } from './fixture.js';
import type { Fixture } from './scenarios.js';

const PASSWORD = 'bench-password-1';
const LOGIN_USERS = 20;

function capturingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    send: async (message) => {
      sent.push(message);
    },
    verify: async () => undefined,
    close: async () => undefined,
  };
}

/**
 * Seeds DATA_DIR of `env` (an empty folder) and returns the fixture. `log` reports progress.
 * Closes the database before returning, so the server process can open it.
 */
export async function seedEmbedded(
  env: NodeJS.ProcessEnv,
  tasks: number,
  searchQuery: string,
  log: (message: string) => void,
): Promise<Fixture> {
  const mailer = capturingMailer();
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
  // Where the server's embedded database lives (compose.ts: DATA_DIR/pglite), migrated here as its
  // owner; the server applies no migration then and works as the application role.
  const database = await openDatabase({
    kind: 'pglite',
    dataDir: path.resolve(config.DATA_DIR, 'pglite'),
  });
  await migrateToLatest(database.db);
  const app = await compose(config, { database, mailer });
  const query = async (text: string, values: unknown[]) => ({
    rows: (await database.db.executeQuery(CompiledQuery.raw(text, values))).rows as Record<
      string,
      unknown
    >[],
  });
  try {
    const deps = app.deps;
    const person = async (email: string): Promise<UserPrincipal & { email: string }> => {
      await register(deps, { email, password: PASSWORD, name: email.split('@')[0]! });
      const message = mailer.sent.findLast((m) => m.to === email);
      const token = message && /\?token=([A-Za-z0-9_%-]+)/.exec(message.text)?.[1];
      if (!token) throw new Error(`no verification email for ${email}`);
      const user = await verifyEmail(deps, { token: decodeURIComponent(token) });
      return { kind: 'user', userId: user.id, sessionId: '', email };
    };
    const owner = await person('owner@bench-embedded.bench.test');
    const member = await person('member@bench-embedded.bench.test');
    const loginEmails: string[] = [];
    for (let i = 0; i < LOGIN_USERS; i += 1) {
      loginEmails.push((await person(`login-${i}@bench-embedded.bench.test`)).email);
    }
    const { organization } = await createOrganization(deps, owner, {
      name: 'Bench Embedded',
      slug: 'bench-embedded',
    });
    await deps.uow.run(
      (tx) =>
        tx.memberships.add({
          id: deps.ids.next(),
          organizationId: organization.id,
          userId: member.userId,
          role: 'member',
          now: deps.clock.now(),
        }),
      { organizationId: organization.id },
    );
    const access = await resolveAccess(deps, owner, organization.id);
    const project = await createProject(deps, access, { key: 'BIG', name: 'Big' });
    const other = await createProject(deps, access, { key: 'NEW', name: 'New tasks' });
    const labels = [
      await createLabel(deps, access, { name: 'backend' }),
      await createLabel(deps, access, { name: 'frontend' }),
    ];
    const started = performance.now();
    for (let n = 1; n <= tasks; n += 1) {
      await createTask(deps, access, project.key, {
        title: `Task ${n}: fix the login timeout on the ${n % 2 ? 'web' : 'mobile'} client`,
        description: n % 7 === 0 ? 'Users report a login timeout after an hour.' : '',
        ...(n % 4 === 0 && { assigneeId: member.userId }),
        labels: [labels[n % 3 === 0 ? 0 : 1]!.id],
      });
      if (n % 1000 === 0) {
        const rate = Math.round(n / ((performance.now() - started) / 1000));
        log(
          `embedded seed: ${n.toLocaleString('en')} / ${tasks.toLocaleString('en')} tasks (${rate}/s)`,
        );
      }
    }
    const { rows: statuses } = await query(
      'SELECT id FROM project_statuses WHERE organization_id = $1 AND project_id = $2 ORDER BY position',
      [organization.id, project.id],
    );
    const { rows: movable } = await query(
      `SELECT id FROM tasks WHERE organization_id = $1 AND project_id = $2 AND assignee_id = $3
       ORDER BY id LIMIT 200`,
      [organization.id, project.id, member.userId],
    );
    const row = Math.floor(tasks / 2);
    const cursor = await deepCursor(query, organization.id, project.id, row);
    return {
      organization: { id: organization.id, slug: organization.slug },
      project: { id: project.id, key: project.key, tasks },
      createProject: { id: other.id, key: other.key },
      member: { id: member.userId, email: member.email },
      password: PASSWORD,
      labelId: labels[0]!.id,
      deep: { row, cursor },
      taskKeys: spreadKeys(project.key, tasks, 1_000),
      moveTasks: movable.map((t) => t.id as string),
      moveStatuses: [statuses[0]!.id as string, statuses[1]!.id as string],
      loginEmails,
      searchQuery,
    };
  } finally {
    await app.stop();
    await database.close();
  }
}
