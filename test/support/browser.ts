import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it with apt); the test tool never downloads one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where tests leave screenshots: inside the ignored test output folder. */
export const SCREENSHOTS = join(new URL('../../test-output/', import.meta.url).pathname, 'console');

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
