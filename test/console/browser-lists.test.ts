/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REALM } from '../../src/config.js';
import { newObjectId } from '../../src/domain/ids.js';
import { keyMaterial } from '../../src/domain/keys.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { toTimestamp } from '../../src/domain/time.js';
import { createUser } from '../../src/domain/users.js';
import { openStore } from '../../src/store/open-store.js';
import { accessibilityViolations, launchChromium, SCREENSHOTS } from '../support/browser.js';
import { ServerProcess } from '../support/server-process.js';

const ADMIN = { username: 'admin@example.com', password: 'correct horse battery' };
const DEV = 'dev@example.com';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Runs a command line as a shell would, exactly as given. */
function shell(command: string) {
  return spawnSync('sh', ['-c', `${command} -sS`], { encoding: 'utf8', timeout: 20_000 });
}

// Long lists in a real Chromium against `keyward serve`: a user with 200 keys, an org with
// 60 members, at laptop and phone widths, with and without JavaScript.
describe('the console’s lists, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let devId = '';
  let orgId = '';
  const url = (path: string) => `${server.url}${path}`;
  const devPage = () => url(`/console/users/${devId}`);
  const rows = () => page.locator('#keys tbody tr');
  const shot = (name: string, target: Page = page, fullPage = true) =>
    target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  const generate = async (target: Page, description: string) => {
    await target.goto(devPage());
    await target.getByLabel('Description').fill(description);
    await target.getByRole('button', { name: 'Generate key' }).click();
    await target.waitForURL(/#new-key-panel$/);
  };

  beforeAll(async () => {
    server = await ServerProcess.start(['--max-keys-per-user', '250']);
    const store = await openStore(server.database);
    try {
      const passwordHash = await hashPassword(ADMIN.password);
      await createUser(store, { username: ADMIN.username, globalOwner: true, passwordHash });
      orgId = newObjectId();
      await store.createOrg({ id: orgId, name: 'Acme', createdAt: toTimestamp() });
      const org = { orgId, roleName: 'ORG_MEMBER' } as const;
      const dev = await createUser(store, { username: DEV, firstName: 'Dev', org });
      if (!dev.ok) throw new Error(dev.error);
      devId = dev.value.id;
      for (let i = 0; i < 60; i++) {
        const name = { firstName: 'Member', lastName: `Number ${i}` };
        await createUser(store, { username: `member${i}@example.com`, ...name, org });
      }
      const material = keyMaterial(DEV, DEFAULT_REALM);
      const keys = Array.from({ length: 199 }, (_, i) => ({
        id: newObjectId(),
        userId: devId,
        description: i % 10 === 0 ? `Deploy job ${i}` : `CI runner ${i}`,
        createdAt: toTimestamp(),
        suffix: material.suffix,
        ha1: material.ha1,
      }));
      await store.insertKeys(keys);
    } finally {
      await store.close();
    }
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    await page.goto(url('/console/sign-in'));
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/users$/);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('marks the new key’s row, and its copied curl command works as it stands', async () => {
    await generate(page, 'Release pipeline');
    const key = ((await page.locator('#new-key').textContent()) ?? '').trim();
    expect(key).toMatch(UUID);
    expect(await page.locator('#key-count').textContent()).toBe('200 of 250 keys');
    const marked = page.locator('#keys tbody tr.new');
    expect(await marked.count()).toBe(1);
    expect(await rows().first().getAttribute('class')).toBe('new');
    expect(await marked.locator('.text').textContent()).toBe('Release pipeline');

    await page.getByRole('button', { name: 'Copy command' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(((await page.locator('#new-key-curl').textContent()) ?? '').trim());
    expect(copied).toContain(`${server.url}/api/atlas/v1.0/users/${devId}/keys`);
    const ran = shell(copied);
    expect(ran.status).toBe(0);
    const listed = JSON.parse(ran.stdout) as { totalCount: number };
    expect(listed.totalCount).toBe(200);

    const id = (await marked.getAttribute('data-key-id')) ?? '';
    await marked.getByRole('button', { name: /^Copy/ }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
    await shot('lists-new-key');
  });

  it('pages 200 keys 25 at a time, newest first, and filters them by description and state', async () => {
    await page.goto(devPage());
    expect(await rows().count()).toBe(25);
    expect(await rows().first().locator('.text').textContent()).toBe('Release pipeline');
    expect(await page.locator('.pager span').textContent()).toBe('Page 1 of 8');
    await page.getByRole('link', { name: 'Next →' }).click();
    expect(await rows().first().locator('.text').textContent()).toBe('CI runner 174');

    await page.getByLabel('Search keys').fill('DEPLOY');
    await page.getByLabel('State').selectOption('enabled');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/q=DEPLOY&state=enabled$/);
    expect(await rows().count()).toBe(20);
    expect(await rows().first().locator('.text').textContent()).toBe('Deploy job 190');
    expect(await page.locator('#key-count').textContent()).toBe(
      '200 of 250 keys · 20 match the filter',
    );

    await rows()
      .first()
      .getByRole('button', { name: /^Disable/ })
      .click();
    await page.goto(`${devPage()}?state=disabled`);
    expect(await rows().allTextContents()).toEqual([expect.stringContaining('Deploy job 190')]);
    await page.goto(`${devPage()}?pageNum=40`);
    expect(await page.locator('#past-the-end').textContent()).toContain('There is no page 40');
    await page.getByRole('link', { name: 'Go to the last page' }).click();
    expect(await page.locator('.pager span').textContent()).toBe('Page 8 of 8');
  });

  it('takes "New user" down to the form, whose console password field is optional for anyone', async () => {
    await page.goto(url('/console/users'));
    await page.getByRole('link', { name: 'New user' }).click();
    expect(page.url()).toMatch(/#new-user$/);
    const password = page.getByLabel('Console password', { exact: true });
    expect(await password.isVisible()).toBe(true);
    expect(await password.getAttribute('required')).toBeNull();
  });

  it('shows no Copy button without JavaScript, and the key reveal still works', async () => {
    const plain = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 860 },
      storageState: await context.storageState(),
    });
    try {
      const noScript = await plain.newPage();
      await generate(noScript, 'no script');
      const key = ((await noScript.locator('#new-key').textContent()) ?? '').trim();
      expect(key).toMatch(UUID);
      expect(await noScript.locator('button[data-copy]').count()).toBeGreaterThan(2);
      for (const button of await noScript.locator('button[data-copy]').all()) {
        expect(await button.isVisible()).toBe(false);
      }
      expect(await noScript.getByRole('button', { name: /Copy/ }).count()).toBe(0);
      const command = ((await noScript.locator('#new-key-curl').textContent()) ?? '').trim();
      expect(shell(command).status).toBe(0);
      await shot('lists-no-script', noScript);
    } finally {
      await plain.close();
    }
  });

  it('fits a phone without sideways scrolling: users list, org page, user page as cards', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      for (const path of [
        '/console/users',
        '/console/users?pageNum=2',
        `/console/orgs/${orgId}`,
        `/console/users/${devId}`,
        '/console/orgs',
      ]) {
        await small.goto(url(path));
        const overflow = await small.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      await small.goto(url(`/console/orgs/${orgId}`));
      const remove = await small
        .getByRole('button', { name: /^Remove/ })
        .first()
        .boundingBox();
      expect((remove?.x ?? 999) + (remove?.width ?? 0)).toBeLessThanOrEqual(390);
      const role = small.locator('#members td[data-label="Role"]').first();
      expect(await role.evaluate((cell) => getComputedStyle(cell, '::before').content)).toBe(
        '"Role"',
      );
      await shot('lists-phone-org', small, false);
      await small.goto(url('/console/users'));
      const keys = small.locator('#users td[data-label="Keys"]').first();
      expect(await keys.evaluate((cell) => getComputedStyle(cell, '::before').content)).toBe(
        '"Keys"',
      );
      await small.locator('#users').scrollIntoViewIfNeeded();
      await shot('lists-phone-users', small, false);
    } finally {
      await phone.close();
    }
  });

  it('breaks no WCAG 2.1 A/AA rule that axe-core checks on the changed pages, light or dark', async () => {
    await generate(page, 'accessibility');
    const pages: Record<string, string[]> = {
      'user page with a new key': await accessibilityViolations(page),
    };
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of [
        '/console/users',
        '/console/users?pageNum=99',
        `/console/users/${devId}?q=deploy&state=enabled`,
        `/console/users/${devId}/global-owner/grant`,
        `/console/orgs/${orgId}`,
        `/console/orgs/${orgId}?q=number%201`,
        `/console/orgs/${orgId}/users/new`,
      ]) {
        const response = await page.goto(url(path));
        expect(response?.status(), path).toBe(200);
        pages[`${path} (${scheme})`] = await accessibilityViolations(page);
      }
    }
    expect(Object.keys(pages)).toHaveLength(15);
    expect(
      Object.fromEntries(Object.entries(pages).filter(([, found]) => found.length > 0)),
    ).toEqual({});
    // Fifteen axe runs: longer than one step's default on a busy two-core machine.
  }, 180_000);
});
