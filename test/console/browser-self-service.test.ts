/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueConsoleLink } from '../../src/console/links.js';
import { newObjectId } from '../../src/domain/ids.js';
import { toTimestamp } from '../../src/domain/time.js';
import { openStore } from '../../src/store/open-store.js';
import { curl } from '../e2e/fixture.js';
import { accessibilityViolations, launchChromium, SCREENSHOTS } from '../support/browser.js';
import { ServerProcess } from '../support/server-process.js';

const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;
const ADMIN = { username: 'admin@example.com', password: 'correct horse battery' };
const DEV = { username: 'dev@example.com', password: 'my own console password' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// A console for every key owner, in a real Chromium against a real `keyward serve`: an
// administrator invites a user, who sets a password from the link, generates their own key
// and uses it with curl, while the administrator's pages never show it.
describe('self-service keys and invitations, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let adminContext: BrowserContext;
  let devContext: BrowserContext;
  let admin: Page;
  let dev: Page;
  let link = '';
  let devId = '';
  let key = '';
  /** Pages a non-administrator sees that did not exist before, to check at 390 px and with axe. */
  const newPages: string[] = [];

  const keyward = (args: readonly string[], input?: string) =>
    spawnSync(process.execPath, [BIN, ...args, '--database', server.database], {
      encoding: 'utf8',
      ...(input === undefined ? {} : { input }),
    });

  beforeAll(async () => {
    // At debug, every request is logged with its URL: the links' tokens must not be.
    server = await ServerProcess.start(['--usage-flush-interval', '100', '--log-level', 'debug']);
    const created = keyward(
      ['users', 'create', '--username', ADMIN.username, '--global-owner', '--password-stdin'],
      ADMIN.password,
    );
    expect(created.status, created.stderr).toBe(0);
    browser = await launchChromium();
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    devContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    adminContext.setDefaultTimeout(5000);
    devContext.setDefaultTimeout(5000);
    admin = await adminContext.newPage();
    dev = await devContext.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the administrator create a user, who gets an invitation link shown once', async () => {
    await admin.goto(`${server.url}/console/sign-in`);
    await admin.getByLabel('Username').fill(ADMIN.username);
    await admin.getByLabel('Password').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(/\/console\/users$/);
    await admin.getByLabel('Username').fill(DEV.username);
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.waitForURL(/notice=user-created$/);
    devId = /\/console\/users\/([0-9a-f]{24})/.exec(admin.url())?.[1] ?? '';
    link = (await admin.locator('#new-link').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${server.url}/console/welcome\\?token=[\\w-]{43}$`));
    await admin.reload();
    expect(await admin.locator('#new-link').count()).toBe(0);
    expect(await admin.content()).not.toContain(link);
  });

  it('lets the invited user choose a password and land signed in on My keys', async () => {
    await dev.goto(link);
    expect(await dev.locator('h1').textContent()).toBe(`Welcome to keyward, ${DEV.username}`);
    newPages.push(dev.url());
    await dev.getByLabel('Password', { exact: true }).fill(DEV.password);
    await dev.getByLabel('Password again').fill(DEV.password);
    await dev.getByRole('button', { name: 'Set password and sign in' }).click();
    await dev.waitForURL(/\/console\/keys\?notice=password-chosen$/);
    expect(await dev.locator('h1').textContent()).toBe('My keys');
    // Their own pages only: no administrator's or org owner's links.
    const nav = dev.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['My keys', 'Activity']);
  });

  it('refuses the link a second time, and an expired one', async () => {
    const other = await browser.newPage();
    try {
      const again = await other.goto(link);
      expect(again?.status()).toBe(410);
      expect(await other.locator('h1').textContent()).toBe('Link not valid');
      const store = await openStore(server.database);
      const user = await store.getUserById(devId);
      const expired =
        user &&
        (await issueConsoleLink(store, {
          user,
          purpose: 'reset',
          base: server.url,
          now: Date.now() - 73 * 3_600_000,
        }));
      await store.close();
      const late = await other.goto(expired?.url ?? '');
      expect(late?.status()).toBe(410);
    } finally {
      await other.close();
    }
  });

  it('generates the user’s own key, shown once to them, which works with curl --digest', async () => {
    await dev.getByLabel('Description').fill('my laptop');
    await dev.getByRole('button', { name: 'Generate key' }).click();
    await dev.waitForURL(/\/console\/keys#new-key-panel$/);
    key = (await dev.locator('#new-key').textContent()) ?? '';
    expect(key).toMatch(UUID);
    await dev.screenshot({ path: join(SCREENSHOTS, 'my-keys.png'), fullPage: true });
    const url = `${server.url}/api/atlas/v1.0/users/${devId}/keys`;
    expect(curl(['--digest', '-u', `${DEV.username}:${key}`, url]).status).toBe(200);
    newPages.push(dev.url().replace('#new-key-panel', ''), `${server.url}/console/profile`);
    const deletePath = await dev.locator('#keys a').first().getAttribute('href');
    await dev.getByRole('button', { name: 'Rename key…' }).click();
    await dev.waitForURL(/\/keys\/[0-9a-f]{24}\/edit$/);
    newPages.push(`${server.url}${deletePath}`, dev.url());
    await dev.getByLabel('Description').fill('my work laptop');
    await dev.getByRole('button', { name: 'Save description' }).click();
    await dev.waitForURL(/\/console\/keys\?notice=key-renamed$/);
    expect(await dev.locator('#keys').textContent()).toContain('my work laptop');
  });

  it('shows an ORG_OWNER their organizations, with members to manage and no keys', async () => {
    const store = await openStore(server.database);
    const orgId = newObjectId();
    await store.createOrg({ id: orgId, name: 'Platform team', createdAt: toTimestamp() });
    await store.setMembership(devId, orgId, 'ORG_OWNER');
    await store.close();
    await dev.goto(`${server.url}/console/org-members`);
    await dev.getByRole('link', { name: 'Platform team' }).click();
    await dev.getByLabel('Username').fill('teammate@example.com');
    await dev.getByRole('button', { name: 'Create and invite new user' }).click();
    await dev.waitForURL(/notice=user-invited/);
    expect(await dev.locator('#new-link').textContent()).toMatch(/\/console\/welcome\?token=/);
    expect(await dev.locator('#members').textContent()).toContain('teammate@example.com');
    newPages.push(
      `${server.url}/console/org-members`,
      `${server.url}/console/org-members/${orgId}`,
    );
  });

  it('never shows that key on the administrator’s pages', async () => {
    for (const path of ['/console/users', `/console/users/${devId}`, '/console/keys']) {
      await admin.goto(`${server.url}${path}`);
      expect(await admin.content(), path).not.toContain(key);
    }
    expect(await admin.content()).not.toContain(key.slice(0, 8));
  });

  it('answers 404 to the user on the administrator’s pages', async () => {
    for (const path of ['/console/users', '/console/orgs', `/console/users/${devId}/delete`]) {
      const response = await dev.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(404);
    }
  });

  it('fits every new page into 390 px without sideways scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await devContext.storageState(),
    });
    try {
      const small = await phone.newPage();
      for (const url of [...newPages, link]) {
        await small.goto(url);
        const overflow = await small.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, url).toBeLessThanOrEqual(0);
      }
      await small.goto(`${server.url}/console/profile`);
      await small.screenshot({ path: join(SCREENSHOTS, 'phone-profile.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('breaks no WCAG 2.1 A/AA rule axe-core checks on the new pages, light or dark', async () => {
    // A fresh invitation for the welcome page (the first one is spent), and a new key for
    // My keys with its one-time panel.
    await admin.goto(`${server.url}/console/users/${devId}`);
    await admin.getByRole('button', { name: 'Issue a password reset link' }).click();
    await admin.waitForURL(/notice=link-issued/);
    const found: Record<string, string[]> = {
      'user page with a new link': await accessibilityViolations(admin),
    };
    const reset = (await admin.locator('#new-link').textContent()) ?? '';
    await dev.goto(`${server.url}/console/keys`);
    await dev.getByLabel('Description').fill('accessibility');
    await dev.getByRole('button', { name: 'Generate key' }).click();
    await dev.waitForURL(/#new-key-panel$/);
    found['My keys with a new key'] = await accessibilityViolations(dev);
    for (const scheme of ['light', 'dark'] as const) {
      await dev.emulateMedia({ colorScheme: scheme });
      for (const url of [...newPages, reset]) {
        await dev.goto(url);
        found[`${url} (${scheme})`] = await accessibilityViolations(dev);
      }
    }
    expect(Object.keys(found)).toHaveLength(2 + 2 * (newPages.length + 1));
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });

  it('gives a link from the CLI, on the configured public URL, that works the same way', () => {
    const invited = keyward(['users', 'create', '--username', 'svc@example.com']);
    expect(invited.status, invited.stderr).toBe(0);
    const result = keyward([
      'users',
      'invite',
      '--username',
      'svc@example.com',
      '--json',
      '--public-url',
      server.url,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { link: string; purpose: string };
    expect(document.purpose).toBe('invite');
    expect(document.link).toMatch(new RegExp(`^${server.url}/console/welcome\\?token=[\\w-]{43}$`));
    const page = curl([document.link]);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Welcome to keyward, svc@example.com');
    const output = server.output.join('');
    const token = new URL(document.link).searchParams.get('token') ?? '';
    expect(output).toContain('/console/welcome?token=[redacted]');
    expect(output).not.toContain(token);
    expect(output).not.toContain(new URL(link).searchParams.get('token'));
    expect(output).not.toContain(key);
    expect(output).not.toContain(DEV.password);
  });
});
