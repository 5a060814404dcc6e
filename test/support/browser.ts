import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it with apt); the test tool never downloads one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where tests leave screenshots: inside the ignored test output folder. */
export const SCREENSHOTS = join(new URL('../../test-output/', import.meta.url).pathname, 'console');

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeResults {
  violations: { id: string; help: string; nodes: { target: unknown[] }[] }[];
}
declare const axe: { run(context: Document, options: object): Promise<AxeResults> };

/**
 * What axe-core (Deque's accessibility engine) finds against WCAG 2.x A and AA on the page
 * as it stands, one line per rule broken. Playwright evaluates through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern, so the console's
 * policy stays exactly as users get it.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }),
  );
  return results.violations.map(
    (v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
}

/**
 * Headless Chromium as this machine allows it: no sandbox (tests run as root), no GPU,
 * and none of the background connections the closed network would refuse. Playwright
 * gives every launch a new, empty profile.
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}
