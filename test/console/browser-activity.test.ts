/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { createUser } from '../../src/domain/users.js';
import { createService, type Service } from '../../src/service.js';
import { testConfig } from '../support/api.js';
import { accessibilityViolations, launchChromium, SCREENSHOTS } from '../support/browser.js';

const ADMIN = { username: 'admin@example.com', password: 'correct horse battery' };

// The Activity page in a real Chromium: reached from the navigation, filtered with its form,
// and accessible (axe, WCAG 2.1 AA).
describe('the console’s Activity page, in Chromium', () => {
  let folder: string;
  let service: Service;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'keyward-activity-'));
    service = await createService(
      testConfig(join(folder, 'keyward.db')),
      pino({ level: 'silent' }),
    );
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const passwordHash = await hashPassword(ADMIN.password);
    await createUser(service.store, { username: ADMIN.username, globalOwner: true, passwordHash });
    await createUser(service.store, { username: 'dev@example.com' });
    browser = await launchChromium();
    page = await browser.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lists the sign-in, filters by action, and has no accessibility violations', async () => {
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.waitForURL(/\/console\/activity$/);
    const rows = page.locator('#activity tbody tr');
    expect(await rows.count()).toBe(3);
    await expect.poll(() => rows.first().textContent()).toContain('console.signIn');
    await page.getByLabel('Action').selectOption('user.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=user\.create/);
    expect(await rows.count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'activity.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);
});
