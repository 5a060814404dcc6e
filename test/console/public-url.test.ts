import { Command } from 'commander';
import { afterEach, expect, it } from 'vitest';
import { serverOptions, toServerConfig } from '../../src/config.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { ATLAS, TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

/** The configuration `keyward serve` would run with, from these flags. */
function serveConfig(args: string[]) {
  const serve = new Command().exitOverride();
  for (const option of serverOptions()) serve.addOption(option);
  return toServerConfig(serve.parse(args, { from: 'user' }).opts());
}

let api: TestApi | undefined;
afterEach(() => api?.close());

// URL schemes and hosts are case-insensitive: an operator's capitals must not turn https off.
it('gives `--public-url HTTPS://Example.COM/…` Secure __Host- cookies and normalized links', async () => {
  const config = serveConfig(['--public-url', 'HTTPS://Example.COM/Keys/']);
  api = await TestApi.start({ publicUrl: config.publicUrl });
  await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
  const admin = new ConsoleClient(api.app);

  const signedIn = await admin.signIn('root', PASSWORD);
  expect(signedIn.statusCode).toBe(303);
  const session = signedIn.cookies.find((c) => c.name === '__Host-keyward-session');
  expect(session).toMatchObject({ secure: true, httpOnly: true, path: '/' });

  const user = await api.request({ url: `${ATLAS}/users/${api.alice.user.id}`, as: api.alice });
  const links = user.json().links as { href: string; rel: string }[];
  expect(links.find((link) => link.rel === 'self')?.href).toBe(
    `https://example.com/Keys${ATLAS}/users/${api.alice.user.id}`,
  );
});
