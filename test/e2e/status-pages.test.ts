// The public status pages in headless Chromium with JavaScript turned off: the form at /status
// leads to /status/{code}, rendered on the server, which shows the task's title and status; an
// unknown code shows the same form again with an alert. Nothing violates the pages' CSP, no script
// is on them, the form's field has its label, and the status is really painted: a screenshot of it
// holds the text's pixels (counted in a canvas), which vanish when the text is made transparent.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, watchPage, type PageProblems } from '../support/browser.js';
import {
  createOrganization,
  httpBuilders,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../support/builders/http.js';
import { client, type Client } from '../support/client.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;
const kit = httpBuilders<{ id: string; tracking_code: string }>(() => ({ api, owner, org }));

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ javaScriptEnabled: false });
  page = await context.newPage();
  problems = await watchPage(page);
});
afterEach(async () => {
  await context.close();
});

async function aPublicTask(title: string) {
  const project = await kit.aProject();
  const patched = await api.patch(
    `/api/v1/organizations/${org.id}/projects/${project.id}`,
    { public_lookup: true },
    { token: owner.accessToken },
  );
  expect(patched.status).toBe(200);
  return { project, task: await kit.aTask(project, { title }) };
}

/**
 * How many pixels of a PNG differ clearly from its most common colour (the background), counted
 * in a canvas of a blank page of its own (the status pages' CSP allows no data: images).
 */
async function inkedPixels(png: Buffer): Promise<number> {
  const scratch = await browser.newPage();
  try {
    // A string: the tests compile without the DOM's types.
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    return await scratch.evaluate<number>(`(async () => {
      const image = new Image();
      image.src = ${JSON.stringify(dataUrl)};
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context2d = canvas.getContext('2d');
      context2d.drawImage(image, 0, 0);
      const { data } = context2d.getImageData(0, 0, image.width, image.height);
      const counts = new Map();
      for (let i = 0; i < data.length; i += 4) {
        const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
      }
      const background = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      const channels = [background >> 16, (background >> 8) & 255, background & 255];
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        const distance =
          Math.abs(data[i] - channels[0]) +
          Math.abs(data[i + 1] - channels[1]) +
          Math.abs(data[i + 2] - channels[2]);
        if (distance > 96) inked++;
      }
      return inked;
    })()`);
  } finally {
    await scratch.close();
  }
}

describe('/status', () => {
  it('leads from the form to the task status, without JavaScript, and paints it', async () => {
    const { project, task } = await aPublicTask('Broken projector in room 4');
    await page.goto(`${t.baseUrl}/status`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Tracking code').fill(task.tracking_code.toLowerCase());
    await page.getByRole('button', { name: 'Check the status' }).click();
    await page.waitForURL(/\/status\/[^/?]+$/);

    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Broken projector in room 4',
    );
    const status = page.getByRole('status');
    expect(await status.innerText()).toContain(project.statuses[0]!.name);
    expect(await page.innerText('dl')).toContain(task.tracking_code);
    expect(await page.locator('script').count()).toBe(0);
    expect(problems.violations).toEqual([]);
    expect(problems.errors).toEqual([]);

    const painted = await inkedPixels(await status.screenshot());
    // The same box with its text transparent: what was inked was the text.
    await context.close();
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${t.baseUrl}/status/${task.tracking_code}`);
    await page.evaluate(`for (const element of document.querySelectorAll('#status, #status *'))
      element.style.color = 'transparent';`);
    const blank = await inkedPixels(await page.getByRole('status').screenshot());
    expect(painted).toBeGreaterThan(200);
    expect(blank).toBeLessThan(painted / 20);
  });

  it('shows the form again with an alert for a code that shows nothing (404)', async () => {
    const response = await page.goto(`${t.baseUrl}/status/RE-0000000000`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('alert').innerText()).toContain('No request shows under this code');
    expect(await page.getByLabel('Tracking code').inputValue()).toBe('RE-0000000000');
    expect(problems.violations).toEqual([]);
  });

  it('escapes what it shows: a title with markup is text', async () => {
    const { task } = await aPublicTask('<img src=x onerror=alert(1)> & co');
    await page.goto(`${t.baseUrl}/status/${task.tracking_code}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      '<img src=x onerror=alert(1)> & co',
    );
    expect(await page.locator('img').count()).toBe(0);
  });
});
