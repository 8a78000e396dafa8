// Headless Chromium for tests of the HTML pages: Debian's `chromium` package, driven by
// playwright-core (the driver only; no browser download). A missing browser fails the tests with
// the command that installs it, never skips them.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; the browser tests need it. ` +
        'Install it with `apt-get install -y chromium` (as root; `apt-get update` first if apt asks).',
    );
  }
  // launch() gives every run a fresh temporary profile and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page did that a strict CSP page must never do: violations and uncaught errors. */
export interface PageProblems {
  readonly violations: string[];
  readonly errors: string[];
}

/**
 * Records every CSP violation (the browser's `securitypolicyviolation` events, reported through
 * a binding, and the console lines Chromium writes for them) and every uncaught page error.
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { violations: [], errors: [] };
  await page.exposeBinding('__reportViolation', (_source, directive: string) => {
    problems.violations.push(directive);
  });
  // A string: the tests compile without the DOM's types. Init scripts run despite the CSP.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`,
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.violations.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  return problems;
}
