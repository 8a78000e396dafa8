// The pages the links in emails open, in headless Chromium against the real listening app: a
// link from a captured email verifies the address, resets the password, accepts an invitation,
// asks for a reset link (/forgot-password, from the "you already have an account" email);
// the pages carry a strict CSP that nothing on them violates; a bad or used token shows the
// API's own error message; the token leaves the address bar as soon as the script read it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerVerified, signIn } from '../support/actors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, watchPage, type PageProblems } from '../support/browser.js';
import { client, type Client } from '../support/client.js';
import { eventually } from '../support/async.js';
import { uniqueTag } from '../support/env.js';
import { createOrganization } from '../support/tenancy.js';

let t: TestApp;
let api: Client;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp();
  api = client(t.baseUrl);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  problems = await watchPage(page);
});
afterEach(async () => {
  await context.close();
});

const newEmail = () => `page-${uniqueTag()}@example.com`;

/** The link of `kind` in an email to `to`, moved onto the test server's address. */
function findLink(to: string, kind: string): string | undefined {
  const pattern = new RegExp(`https?://\\S+/${kind}\\?token=\\S+`);
  const message = [...t.mail].reverse().find((m) => m.to === to && pattern.test(m.text));
  const link = message && pattern.exec(message.text)?.[0];
  if (!link) return undefined;
  const url = new URL(link);
  return `${t.baseUrl}${url.pathname}${url.search}`;
}

/** Waits for the mail: some are sent in the background, after the answer. */
async function linkFromMail(to: string, kind: string): Promise<string> {
  await eventually(async () => findLink(to, kind) !== undefined, 10_000);
  return findLink(to, kind)!;
}

async function statusText(kind: 'info' | 'success' | 'error'): Promise<string> {
  return (await page.waitForSelector(`#status.${kind}`)).innerText();
}

function expectCleanPage() {
  expect(problems.violations).toEqual([]);
  expect(problems.errors).toEqual([]);
  // The script replaced the address: the token is in neither the URL nor the history entry.
  expect(page.url()).not.toContain('token');
}

const login = (email: string, password: string) =>
  api.post('/api/v1/auth/login', { email, password });

describe('/verify-email', () => {
  it('confirms the address from the emailed link; the API then shows the user verified', async () => {
    const email = newEmail();
    const password = 'correct-horse-battery';
    expect(
      (await api.post('/api/v1/auth/register', { email, password, name: 'Page User' })).status,
    ).toBe(201);
    expect((await login(email, password)).status).toBe(403);

    const response = await page.goto(await linkFromMail(email, 'verify-email'));
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await page.click('#confirm');
    expect(await statusText('success')).toContain(`Your email address ${email} is confirmed`);

    const signedIn = await login(email, password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.user.email_verified).toBe(true);
    expectCleanPage();
  });

  it('shows the API error for a used link', async () => {
    const email = newEmail();
    await registerVerified(t, api, { email });
    await page.goto(await linkFromMail(email, 'verify-email'));
    await page.click('#confirm');
    const verified = await api.post('/api/v1/auth/verify-email', { token: 'not-a-token' });
    expect(verified.status).toBe(422);
    const text = await statusText('error');
    expect(text).toContain(verified.body.error.message);
    expectCleanPage();
  });

  it('says so when the link has no token', async () => {
    await page.goto(`${t.baseUrl}/verify-email`);
    expect(await statusText('error')).toContain('This link has no token');
  });
});

describe('/reset-password', () => {
  it('sets the new password from the emailed link: it signs in, the old one does not', async () => {
    const user = await registerVerified(t, api);
    const forgot = await api.post('/api/v1/auth/password/forgot', { email: user.email });
    expect(forgot.status).toBe(202);

    await page.goto(await linkFromMail(user.email, 'reset-password'));
    await page.fill('#password', 'a-brand-new-passphrase');
    await page.fill('#confirm-password', 'a-brand-new-passphrase');
    const answered = page.waitForResponse('**/api/v1/auth/password/reset');
    await page.click('#submit');
    expect((await answered).status()).toBe(204);
    expect(await statusText('success')).toContain('Your password has been changed');

    expect((await login(user.email, 'a-brand-new-passphrase')).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(401);
    expectCleanPage();
  });

  it("shows the API's reason for a password it refuses, and for a bad token", async () => {
    const user = await registerVerified(t, api);
    await api.post('/api/v1/auth/password/forgot', { email: user.email });
    await page.goto(await linkFromMail(user.email, 'reset-password'));
    await page.fill('#password', 'short');
    await page.fill('#confirm-password', 'short');
    await page.click('#submit');
    const refused = await api.post('/api/v1/auth/password/reset', {
      token: 'x'.repeat(43),
      password: 'short',
    });
    expect(refused.status).toBe(422);
    const shown = await statusText('error');
    expect(shown).toContain(refused.body.error.message);
    expect((await login(user.email, user.password)).status).toBe(200);

    await page.goto(`${t.baseUrl}/reset-password?token=not-a-real-token`);
    await page.fill('#password', 'a-brand-new-passphrase');
    await page.fill('#confirm-password', 'a-brand-new-passphrase');
    await page.click('#submit');
    const bad = await api.post('/api/v1/auth/password/reset', {
      token: 'not-a-real-token',
      password: 'a-brand-new-passphrase',
    });
    expect(bad.status).toBe(422);
    expect(await statusText('error')).toContain(bad.body.error.message);
    expectCleanPage();
  });
});

describe('/forgot-password', () => {
  const ACCOUNT_EXISTS = 'You already have a TeamFlow account';

  it('is the link of the "already have an account" email, and asks for a reset link that works', async () => {
    const user = await registerVerified(t, api);
    const again = { email: user.email, password: 'another-passphrase', name: 'Again' };
    expect((await api.post('/api/v1/auth/register', again)).status).toBe(201);
    await eventually(
      async () => t.mail.some((m) => m.to === user.email && m.subject === ACCOUNT_EXISTS),
      10_000,
    );
    const notice = t.mail.find((m) => m.to === user.email && m.subject === ACCOUNT_EXISTS)!;
    const links = notice.text.match(/https?:\/\/\S+/g);
    expect(links).toEqual([`${t.app.config.PUBLIC_URL}/forgot-password`]);

    const response = await page.goto(`${t.baseUrl}/forgot-password`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.waitForSelector('#form:not([hidden])');
    expect(await statusText('info')).toContain('Enter the email address');
    await page.fill('#email', user.email);
    const answered = page.waitForResponse('**/api/v1/auth/password/forgot');
    await page.click('#submit');
    expect((await answered).status()).toBe(202);
    expect(await statusText('success')).toContain(
      `If ${user.email} has a TeamFlow account, an email with a link to choose a new password is on its way.`,
    );
    expect(await page.isHidden('#form')).toBe(true);
    expectCleanPage();

    // The link it asked for: the rest of the way back in.
    await page.goto(await linkFromMail(user.email, 'reset-password'));
    await page.fill('#password', 'a-brand-new-passphrase');
    await page.fill('#confirm-password', 'a-brand-new-passphrase');
    await page.click('#submit');
    expect(await statusText('success')).toContain('Your password has been changed');
    expect((await login(user.email, 'a-brand-new-passphrase')).status).toBe(200);
    expectCleanPage();
  });

  it("shows the API's refusal and keeps the form for another try", async () => {
    await page.goto(`${t.baseUrl}/forgot-password`);
    await page.waitForSelector('#form:not([hidden])');
    // An address the browser's own check lets through and the API does not.
    await page.fill('#email', 'someone@localhost');
    await page.click('#submit');
    const refused = await api.post('/api/v1/auth/password/forgot', { email: 'someone@localhost' });
    expect(refused.status).toBe(422);
    expect(await statusText('error')).toContain(refused.body.error.message);
    expect(await page.isVisible('#form')).toBe(true);
    expect(await page.isEnabled('#submit')).toBe(true);
    expectCleanPage();
  });
});

describe('/accept-invitation', () => {
  it('shows who invited whom to what, signs in and accepts: the membership exists', async () => {
    const owner = await signIn(t, api);
    const org = await createOrganization(api, owner);
    const invitee = await registerVerified(t, api, { email: newEmail() });
    const invited = await api.post(
      `/api/v1/organizations/${org.id}/invitations`,
      { email: invitee.email, role: 'admin' },
      { token: owner.accessToken },
    );
    expect(invited.status).toBe(201);

    await page.goto(await linkFromMail(invitee.email, 'accept-invitation'));
    const summary = await page.waitForSelector('#summary:not(:empty)');
    expect(await summary.innerText()).toBe('Test User invited you to join Test Org as admin.');
    expect(await page.inputValue('#email')).toBe(invitee.email);
    await page.fill('#password', invitee.password);
    await page.click('#submit');
    expect(await statusText('success')).toBe('You are now a member of Test Org as admin.');

    const member = await login(invitee.email, invitee.password);
    const members = await api.get(`/api/v1/organizations/${org.id}/members`, {
      token: member.body.data.access_token,
    });
    expect(members.status).toBe(200);
    expect(members.body.data).toContainEqual(
      expect.objectContaining({ user_id: invitee.id, role: 'admin' }),
    );
    expectCleanPage();

    // The link again: the used token shows the API's message, and nothing else.
    await page.goto(await linkFromMail(invitee.email, 'accept-invitation'));
    const used = await api.post('/api/v1/invitations/preview', { token: 'unknown' });
    expect(used.status).toBe(422);
    expect(await statusText('error')).toContain(used.body.error.message);
    expect(await page.isHidden('#invitation')).toBe(true);
  });

  it('shows the API error when signed in as someone else', async () => {
    const owner = await signIn(t, api);
    const org = await createOrganization(api, owner);
    const other = await registerVerified(t, api);
    const invitedEmail = newEmail();
    await api.post(
      `/api/v1/organizations/${org.id}/invitations`,
      { email: invitedEmail, role: 'member' },
      { token: owner.accessToken },
    );
    await page.goto(await linkFromMail(invitedEmail, 'accept-invitation'));
    await page.waitForSelector('#form');
    await page.fill('#email', other.email);
    await page.fill('#password', other.password);
    await page.click('#submit');
    expect(await statusText('error')).toContain(
      'This invitation was sent to another email address',
    );
    expectCleanPage();
  });
});

describe('where email links point', () => {
  it("at the API's PUBLIC_URL without APP_URL, at APP_URL when set", async () => {
    const email = newEmail();
    await api.post('/api/v1/auth/register', { email, password: 'pw-0123456789', name: 'A' });
    const ours = await linkFromMail(email, 'verify-email');
    const mailed = t.mail.find((m) => m.to === email)!.text;
    expect(mailed).toContain(`${t.app.config.PUBLIC_URL}/verify-email?token=`);
    expect(ours.startsWith(`${t.baseUrl}/verify-email?token=`)).toBe(true);

    const front = await startTestApp({ APP_URL: 'https://app.example.com/' });
    try {
      const frontApi = client(front.baseUrl);
      const other = newEmail();
      await frontApi.post('/api/v1/auth/register', {
        email: other,
        password: 'pw-0123456789',
        name: 'B',
      });
      await eventually(async () => front.mail.some((m) => m.to === other), 10_000);
      const text = front.mail.find((m) => m.to === other)!.text;
      expect(text).toContain('https://app.example.com/verify-email?token=');
      expect(text).not.toContain(front.app.config.PUBLIC_URL);

      // The "already have an account" email sends its owner to the front end's page too.
      await frontApi.post('/api/v1/auth/register', {
        email: other,
        password: 'pw-0123456789',
        name: 'C',
      });
      await eventually(async () => front.mail.filter((m) => m.to === other).length === 2, 10_000);
      const notice = front.mail.filter((m) => m.to === other)[1]!.text;
      expect(notice.match(/https?:\/\/\S+/g)).toEqual(['https://app.example.com/forgot-password']);
    } finally {
      await front.close();
    }
  });
});

describe('the pages', () => {
  it('load their assets from the API and see a CSP violation when one happens', async () => {
    await page.goto(`${t.baseUrl}/verify-email?token=abc`);
    await page.waitForSelector('#actions:not([hidden])');
    expect(problems.violations).toEqual([]);
    // The watcher itself: an inline script is refused and reported.
    await page.evaluate(
      "document.body.append(Object.assign(document.createElement('script'), { textContent: '1' }))",
    );
    await expect.poll(() => problems.violations.length).toBeGreaterThan(0);
    expect(problems.violations.join(' ')).toContain('script-src');
  });

  it('are not operations of the OpenAPI document', async () => {
    const document = await api.get('/api/v1/openapi.json');
    const paths = Object.keys(document.body.paths);
    expect(paths).toContain('/api/v1/invitations/preview');
    for (const path of [
      '/verify-email',
      '/reset-password',
      '/accept-invitation',
      '/forgot-password',
    ]) {
      expect(paths).not.toContain(path);
    }
    expect(paths.filter((path) => path.startsWith('/pages/'))).toEqual([]);
  });
});
