/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl } from '../e2e/fixture.js';
import { accessibilityViolations, launchChromium, SCREENSHOTS } from '../support/browser.js';
import { ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'admin@example.com', password: 'correct horse battery' };
const DEV = 'dev@example.com';
const XSS = '<img src=x onerror=alert(1)>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// One administrator's session, start to finish, in a real Chromium against a real
// `keyward serve`; each step builds on the one before, as a person would go.
describe('the web console, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const dialogs: string[] = [];
  let userId = '';
  let key = '';
  let keyId = '';

  const shot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const keysUrl = () => `${server.url}/api/atlas/v1.0/users/${userId}/keys`;
  const curlWithKey = () => curl(['--digest', '-u', `${DEV}:${key}`, keysUrl()]);
  const userPage = () => `${server.url}/console/users/${userId}`;
  /** Clicks a form's button and returns the answer to its POST (a refusal stays on the page). */
  const submit = async (button: string) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button }).click(),
    ]);
    return response;
  };
  const watch = (target: Page) => {
    target.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    target.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  };

  beforeAll(async () => {
    server = await ServerProcess.start(['--usage-flush-interval', '100']);
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    // Fail a step in seconds, not at the test's timeout, so the report names the step.
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates the first administrator from the setup link that keyward serve printed', async () => {
    const link = /(http:\/\/\S+\/console\/setup\?token=[\w-]+)/.exec(server.output.join(''))?.[1];
    expect(link).toBeDefined();
    await page.goto(`${server.url}/console/setup?token=wrong`);
    expect(await page.locator('h1').textContent()).toBe('Setup link not valid');

    await page.goto(link as string);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password again').fill('something else entirely');
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    expect(await page.locator('#f-confirm-error').textContent()).toBe('The two passwords differ.');
    expect(await page.getByLabel('Username').inputValue()).toBe(ADMIN.username);

    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await page.waitForURL(/\/console\/users\?notice=welcome$/);
    expect(await page.getByRole('status').first().textContent()).toContain('Welcome');
    await shot('setup-done');

    // The link is spent once someone can sign in.
    await page.goto(link as string);
    expect(page.url()).toMatch(/\/console\/users$/);
  });

  it('signs out, refuses a wrong password (keeping the username), and signs in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
    await page.goto(`${server.url}/console/users`);
    expect(page.url()).toMatch(/\/console\/sign-in\?next=%2Fconsole%2Fusers$/);

    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not the password');
    const refused = await submit('Sign in');
    expect(refused.status()).toBe(401);
    expect(await page.getByRole('alert').textContent()).toContain('Wrong username or password');
    expect(await page.getByLabel('Username').inputValue()).toBe(ADMIN.username);
    expect(await page.getByLabel('Password').inputValue()).toBe('');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/users$/);
    const session = (await context.cookies()).find((c) => c.name === 'keyward-session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });

    // A console password is for the console: the Digest API knows only keys.
    const api = `${server.url}/api/atlas/v1.0/users/byName/${ADMIN.username}`;
    expect(curl(['--digest', '-u', `${ADMIN.username}:${ADMIN.password}`, api]).status).toBe(401);
  });

  it('creates an organization, and a user in it; a taken username keeps what was typed', async () => {
    await page.goto(`${server.url}/console/orgs`);
    await page.getByLabel('Name').fill('Acme');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL(/\/console\/orgs\/[0-9a-f]{24}\?notice=org-created$/);
    expect(await page.locator('h1').textContent()).toBe('Acme');

    await page.goto(`${server.url}/console/users`);
    await page.getByLabel('Username').fill(DEV);
    await page.getByLabel('First name').fill('Dev');
    await page.getByLabel('Email').fill('dev@example.com');
    await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Acme' });
    await page.getByLabel('Role in the organization').selectOption('ORG_OWNER');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.waitForURL(/\/console\/users\/[0-9a-f]{24}\?notice=user-created$/);
    userId = /users\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? '';
    expect(await page.locator('h1').textContent()).toBe(DEV);
    expect(await page.locator('#roles').textContent()).toContain('Acme: ORG_OWNER');

    await page.goto(`${server.url}/console/users`);
    await page.getByLabel('Username').fill(DEV);
    await page.getByLabel('First name').fill('Second');
    const taken = await submit('Create user');
    expect(taken.status()).toBe(409);
    expect(await page.locator('#f-username-error').textContent()).toBe('That username is taken.');
    expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('First name').inputValue()).toBe('Second');

    await page.getByLabel('Search').fill('DEV@');
    await page.getByRole('button', { name: 'Search' }).click();
    const listed = await page.locator('#users tbody tr').allTextContents();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain(DEV);
    await shot('users');
  });

  it('generates a key shown once, which works with curl --digest; a reload shows only its obfuscated form', async () => {
    await page.goto(userPage());
    await page.getByLabel('Description').fill(XSS);
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.waitForURL(new RegExp(`/console/users/${userId}#new-key-panel$`));
    key = ((await page.locator('#new-key').textContent()) ?? '').trim();
    expect(key).toMatch(UUID);
    expect(await page.locator('#new-key-panel').textContent()).toContain(
      'This is the only time the full key is shown.',
    );
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect
      .poll(() => page.locator('#new-key-status').textContent())
      .toBe('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await shot('key-generated');

    // The description is text, not markup: no image, no script, no alert.
    const row = page.locator('#keys tbody tr');
    expect(await row.locator('td.description .text').textContent()).toBe(XSS);
    expect(await page.locator('#keys img').count()).toBe(0);
    keyId = (await row.getAttribute('data-key-id')) ?? '';

    for (let i = 0; i < 3; i++) {
      const response = curlWithKey();
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).results[0].description).toBe(XSS);
    }

    await page.reload();
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(await row.locator('code.key').textContent()).toBe(
      `********-****-****-${key.slice(-12)}`,
    );
  });

  it('shows the used count and the requests-per-day chart from those requests', async () => {
    await page.goto(userPage());
    const row = page.locator('#keys tbody tr');
    expect(await row.locator('td[data-used-count]').getAttribute('data-used-count')).toBe('3');
    expect(await row.locator('svg.spark').getAttribute('data-total')).toBe('3');
    expect(await row.locator('svg.spark').getAttribute('aria-label')).toMatch(
      /^3 requests in the last 30 days; busiest \d{4}-\d\d-\d\d with 3$/,
    );
    expect(await row.locator('svg.spark rect').count()).toBe(1);
    expect(await row.locator('svg.spark rect title').textContent()).toMatch(/^\d{4}-\d\d-\d\d: 3$/);
    // At laptop width the whole row, actions included, fits without scrolling the table.
    const hidden = await page
      .locator('#keys')
      .evaluate((table) => table.scrollWidth - (table.parentElement?.clientWidth ?? 0));
    expect(hidden).toBeLessThanOrEqual(0);
    await shot('user-keys');

    // The org page reads flushed daily counts (flushed every 100 ms here).
    await page.getByRole('link', { name: 'Acme' }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('#busiest-keys tbody tr').allTextContents();
        },
        { timeout: 5000 },
      )
      .toEqual([expect.stringContaining(key.slice(-12))]);
    expect(await page.locator('#busiest-keys td.num').textContent()).toBe('3');
    await shot('org');
  });

  it('refuses a forged POST without the CSRF token, and a form posted from another site', async () => {
    const disable = `${userPage()}/keys/${keyId}/disable`;
    // With the session cookie but without the token: refused, and nothing changes.
    const forged = await page.request.post(disable, {
      form: { enabled: 'false' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(curlWithKey().status).toBe(200);

    // A page on another site (localhost is not 127.0.0.1) posts a form to the console: the
    // SameSite=Strict cookie stays home, so the console sees no session at all.
    const attacker: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(
        `<form id="f" method="post" action="${disable}"><input name="_csrf" value="guess"></form>` +
          `<script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, 'localhost', resolve));
    try {
      const port = (attacker.address() as AddressInfo).port;
      await page.goto(`http://localhost:${port}/`);
      await page.waitForURL(/\/console\/sign-in/);
    } finally {
      attacker.close();
    }
    expect(curlWithKey().status).toBe(200);
  });

  it('disables the key (curl gets 401), enables it again, and deletes it after confirming', async () => {
    await page.goto(userPage());
    await page.getByRole('button', { name: /^Disable/ }).click();
    await page.waitForURL(/notice=key-disabled$/);
    expect(await page.locator('#keys .badge').textContent()).toBe('disabled');
    expect(curlWithKey().status).toBe(401);

    await page.getByRole('button', { name: /^Enable/ }).click();
    await page.waitForURL(/notice=key-enabled$/);
    expect(curlWithKey().status).toBe(200);

    await page
      .locator('#keys')
      .getByRole('link', { name: /^Delete/ })
      .click();
    expect(await page.locator('h1').textContent()).toBe('Delete this key?');
    await page.getByRole('button', { name: 'Delete key' }).click();
    await page.waitForURL(/notice=key-deleted$/);
    expect(await page.locator('#keys').count()).toBe(0);
    expect(await page.getByText('No API keys yet.').count()).toBe(1);
    expect(curlWithKey().status).toBe(401);
  });

  it('fits a phone screen without sideways scrolling, and shows keyboard focus', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      watch(small);
      await small.goto(userPage());
      await small.getByLabel('Description').fill('phone key');
      await small.getByRole('button', { name: 'Generate key' }).click();
      await small.waitForURL(/#new-key-panel$/);
      for (const path of ['/console/users', '/console/orgs', `/console/users/${userId}`]) {
        await small.goto(`${server.url}${path}`);
        const overflow = await small.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      await shot('phone-user', small);
      // Each key is a card there: its actions are on screen, not behind a sideways scroll.
      await small.goto(userPage());
      const disable = await small.getByRole('button', { name: /^Disable/ }).boundingBox();
      expect(disable?.x).toBeGreaterThanOrEqual(0);
      expect((disable?.x ?? 999) + (disable?.width ?? 0)).toBeLessThanOrEqual(390);

      await small.keyboard.press('Tab');
      expect(await small.evaluate(() => document.activeElement?.textContent)).toBe(
        'Skip to content',
      );
      await small.keyboard.press('Tab');
      const outline = await small.evaluate(() => {
        const element = document.activeElement;
        return element ? getComputedStyle(element).outlineStyle : 'none';
      });
      expect(outline).toBe('solid');
    } finally {
      await phone.close();
    }
  });

  it('breaks no WCAG 2.1 A/AA rule that axe-core checks, on any page, light or dark', async () => {
    await page.goto(userPage());
    await page.getByLabel('Description').fill('accessibility');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.waitForURL(/#new-key-panel$/);
    const pages: Record<string, string[]> = {
      'user page with a new key': await accessibilityViolations(page),
    };
    const orgPath = (await page.locator('#roles a').first().getAttribute('href')) ?? '';
    const deletePath = (await page.locator('#keys a').first().getAttribute('href')) ?? '';
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of [
        '/console/users',
        '/console/orgs',
        orgPath,
        `/console/users/${userId}`,
        deletePath,
      ]) {
        await page.goto(`${server.url}${path}`);
        pages[`${path} (${scheme})`] = await accessibilityViolations(page);
      }
    }
    const anonymous = await browser.newPage();
    try {
      await anonymous.goto(`${server.url}/console/sign-in`);
      pages['sign-in'] = await accessibilityViolations(anonymous);
    } finally {
      await anonymous.close();
    }
    expect(Object.keys(pages)).toHaveLength(12);
    expect(
      Object.fromEntries(Object.entries(pages).filter(([, found]) => found.length > 0)),
    ).toEqual({});
  });

  it('logged every change with its administrator, and never a key or a password', () => {
    const lines = server.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const changes = lines.filter((line) => line.msg === 'console change');
    expect(changes).toContainEqual(
      expect.objectContaining({
        admin: ADMIN.username,
        action: '/console/users/:userId/keys',
        params: { userId },
        status: 303,
      }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({
        action: '/console/users/:userId/keys/:keyId/disable',
        status: 403,
      }),
    );
    const output = server.output.join('');
    expect(output).not.toContain(key);
    expect(output).not.toContain(ADMIN.password);
  });

  it('ran without a Content-Security-Policy violation or a dialog', () => {
    expect(cspViolations).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
