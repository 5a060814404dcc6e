/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { toTimestamp } from '../../src/domain/time.js';
import { createUser } from '../../src/domain/users.js';
import { openStore } from '../../src/store/open-store.js';
import { curl } from '../e2e/fixture.js';
import { accessibilityViolations, launchChromium, SCREENSHOTS } from '../support/browser.js';
import { ServerProcess } from '../support/server-process.js';

const OWNER = { username: 'owner@example.com', password: 'an owner’s console password' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// An ORG_OWNER in a real Chromium against `keyward serve`: creates a programmatic key,
// copies its private key from the one-time panel, uses it with curl, then limits it to one
// address in the console, after which curl from another loopback address gets the 403.
describe('programmatic API keys and their access list, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let orgId = '';

  beforeAll(async () => {
    server = await ServerProcess.start();
    const store = await openStore(server.database);
    try {
      orgId = newObjectId();
      await store.createOrg({ id: orgId, name: 'Robots', createdAt: toTimestamp() });
      const passwordHash = await hashPassword(OWNER.password);
      const org = { orgId, roleName: 'ORG_OWNER' } as const;
      const owner = await createUser(store, { username: OWNER.username, org, passwordHash });
      if (!owner.ok) throw new Error(owner.error);
      // With no GLOBAL_OWNER the console offers only its first-run set-up.
      await createUser(store, { username: 'admin@example.com', globalOwner: true, passwordHash });
    } finally {
      await store.close();
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a key, reveals it once, and its access list refuses other addresses', async () => {
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${server.url}/console/org-members/${orgId}`);
    await page.getByRole('link', { name: 'API keys of Robots' }).click();
    await page.getByLabel('Description').fill('deploy robot');
    await page.getByLabel('ORG_OWNER').check();
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.waitForURL(/\/api-keys\/[0-9a-f]{24}#new-key-panel$/);
    const privateKey = (await page.locator('#new-key').textContent()) ?? '';
    const publicKey = (await page.locator('#public-key').textContent()) ?? '';
    expect(privateKey).toMatch(UUID);
    expect(publicKey).toMatch(/^[a-z]{8}$/);
    const found: Record<string, string[]> = {
      'key page with its private key': await accessibilityViolations(page),
    };
    await page.screenshot({ path: join(SCREENSHOTS, 'org-api-key-new.png'), fullPage: true });

    const keys = `${server.url}/api/atlas/v1.0/orgs/${orgId}/apiKeys`;
    const from = (address: string) =>
      curl(['--interface', address, '--digest', '-u', `${publicKey}:${privateKey}`, keys]);
    const open = from('127.0.0.3');
    expect(open.status, open.body).toBe(200);
    expect(JSON.parse(open.body).results[0]).toMatchObject({ publicKey, desc: 'deploy robot' });

    await page.reload();
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(privateKey);

    await page.getByLabel('IP address or CIDR block').fill('127.0.0.2');
    await page.getByLabel('Comment').fill('the runner');
    await page.getByRole('button', { name: 'Add to access list' }).click();
    await page.waitForURL(/notice=access-entry-added#access-list$/);
    const refused = from('127.0.0.3');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST' });
    expect(from('127.0.0.2').status).toBe(200);

    await page.reload();
    const row = page.locator('#access-entries tbody tr');
    await expect.poll(() => row.locator('[data-label="Uses"]').textContent()).toBe('1');
    expect(await row.locator('[data-label="Last used from"]').textContent()).toBe('127.0.0.2');
    found['key page with its access list'] = await accessibilityViolations(page);
    await page.goto(`${server.url}/console/orgs/${orgId}/api-keys`);
    expect(await page.locator('#api-keys').textContent()).toContain(publicKey);
    found['an org’s keys'] = await accessibilityViolations(page);
    expect(found).toEqual({
      'key page with its private key': [],
      'key page with its access list': [],
      'an org’s keys': [],
    });
  });
});
