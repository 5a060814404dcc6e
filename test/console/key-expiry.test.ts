import { afterEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/domain/keys.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const DAY_MS = 86_400_000;

/** Expiry and staleness flags, where a key was last used, and the Roll button. */
describe('key expiry in the console', () => {
  let api: TestApi;
  let admin: ConsoleClient;
  afterEach(() => api?.close());

  const start = async () => {
    api = await TestApi.start();
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
    await admin.signIn('root', PASSWORD);
  };
  const alicePage = () => `/console/users/${api.alice.user.id}`;
  const row = (body: string, id: string) =>
    body.slice(
      body.indexOf(`<tr id="key-${id}"`),
      body.indexOf('</tr>', body.indexOf(`<tr id="key-${id}"`)),
    );

  it('labels keys expiring within 14 days and keys unused for 90, and shows where a key was used', async () => {
    await start();
    const issued = await issueKey(api.service.store, {
      user: api.alice.user,
      description: 'expiring',
      realm: api.service.realm,
      maxKeysPerUser: 100,
      expiresInMs: 3 * DAY_MS,
    });
    if (!issued.ok) throw new Error(issued.error);
    const expiring = issued.value.record.id;
    await api.service.store.applyUsage([
      {
        keyId: api.alice.keyId,
        count: 1,
        lastUsed: new Date(Date.now() - 100 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
        lastUsedAddress: '192.0.2.7',
        lastUsedUserAgent: 'atlas-cli/1.0',
      },
    ]);
    const page = await admin.get(alicePage());
    expect(row(page.body, expiring)).toContain('data-flag="expiring"');
    expect(row(page.body, expiring)).not.toContain('data-flag="unused"');
    const stale = row(page.body, api.alice.keyId);
    expect(stale).toContain('unused for 90+ days');
    expect(stale).toContain('<code>192.0.2.7</code>');
    expect(stale).toContain('atlas-cli/1.0');
  });

  it('rolls a key from its row: a new key revealed once, the old one expiring in a day', async () => {
    await start();
    await admin.get(alicePage());
    const rolled = await admin.post(`${alicePage()}/keys/${api.alice.keyId}/roll`, {
      _csrf: admin.csrf,
    });
    expect(rolled.statusCode).toBe(303);
    const page = await admin.get(alicePage());
    expect(page.body).toContain('id="new-key-panel"');
    const old = await api.service.store.getKey(api.alice.user.id, api.alice.keyId);
    const left = Date.parse(old?.expiresAt ?? '') - Date.now();
    expect(left).toBeGreaterThan(DAY_MS - 60_000);
    expect(left).toBeLessThanOrEqual(DAY_MS);
    expect(row(page.body, api.alice.keyId)).toContain('data-flag="expiring"');
  });

  it('generates a key with a chosen expiry, and refuses an expiry it did not offer', async () => {
    await start();
    await admin.get(alicePage());
    const generated = await admin.post(`${alicePage()}/keys`, {
      _csrf: admin.csrf,
      description: 'quarterly',
      expiresIn: '90d',
    });
    expect(generated.statusCode).toBe(303);
    const held = await api.service.store.listKeys(api.alice.user.id, {
      limit: 100,
      offset: 0,
      includeCount: false,
    });
    const made = held.items.find((key) => key.description === 'quarterly');
    const left = Date.parse(made?.expiresAt ?? '') - Date.now();
    expect(left).toBeGreaterThan(90 * DAY_MS - 60_000);
    expect(left).toBeLessThanOrEqual(90 * DAY_MS);

    const odd = await admin.post(`${alicePage()}/keys`, {
      _csrf: admin.csrf,
      description: 'odd',
      expiresIn: '5d',
    });
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('Choose one of the offered expiries.');
    expect(odd.body).toContain('value="odd"');
  });
});
