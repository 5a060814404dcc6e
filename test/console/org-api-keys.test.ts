import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { issueOrgApiKey } from '../../src/domain/org-api-keys.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { toTimestamp } from '../../src/domain/time.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const UUID = /<code id="new-key">([0-9a-f-]{36})<\/code>/;

// An org's programmatic keys in the console: its ORG_OWNERs and GLOBAL_OWNERs manage them
// under the API's own rules and checks; the private key is shown once.
describe('programmatic API keys in the console', () => {
  let api: TestApi;
  let alice: ConsoleClient;
  let keys: string;

  const signedIn = async (username: string) => {
    const client = new ConsoleClient(api.app);
    await client.signIn(username, PASSWORD);
    return client;
  };
  const createWithRoles = (
    client: ConsoleClient,
    desc: string,
    roles: readonly string[],
    expiresIn = '',
  ) => {
    const form = new URLSearchParams({ _csrf: client.csrf, desc, expiresIn });
    for (const role of roles) form.append('roles', role);
    return client.send('POST', keys, {
      contentType: 'application/x-www-form-urlencoded',
      payload: form.toString(),
    });
  };

  beforeEach(async () => {
    api = await TestApi.start();
    const hash = await hashPassword(PASSWORD);
    for (const name of ['root', api.alice.username, api.bob.username]) {
      await api.service.store.setPasswordHash(name, hash);
    }
    await api.service.store.setMembership(api.alice.user.id, api.orgId, 'ORG_OWNER');
    alice = await signedIn(api.alice.username);
    keys = `/console/orgs/${api.orgId}/api-keys`;
    await alice.get(keys);
  });
  afterEach(() => api?.close());

  it('creates a key, shows its private key once, and the key authenticates', async () => {
    const created = await createWithRoles(alice, 'ci deploys', ['ORG_MEMBER', 'ORG_OWNER']);
    expect(created.statusCode).toBe(303);
    const location = String(created.headers.location).replace('#new-key-panel', '');
    const [stored] = (
      await api.service.store.listOrgApiKeys(api.orgId, {
        offset: 0,
        limit: 10,
        includeCount: false,
      })
    ).items;
    expect(stored?.roles).toEqual(['ORG_MEMBER', 'ORG_OWNER']);
    expect(location).toBe(`${keys}/${stored?.id}`);
    const page = await alice.get(location);
    const privateKey = UUID.exec(page.body)?.[1] ?? '';
    expect(privateKey).not.toBe('');
    expect(page.body).toContain(stored?.publicKey);
    const again = await alice.get(location);
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(privateKey);
    expect(again.body).toContain(`********-****-****-${privateKey.slice(-12)}`);
    const list = await alice.get(keys);
    expect(list.body).toContain(stored?.publicKey);
    expect(list.body).toContain(`********-****-****-${privateKey.slice(-12)}`);
    expect(list.body).not.toContain(privateKey);
    const used = await api.request({
      url: `/api/atlas/v1.0/orgs/${api.orgId}/apiKeys`,
      as: { username: stored?.publicKey ?? '', key: privateKey },
    });
    expect(used.statusCode).toBe(200);
  });

  it('refuses what the API refuses, with its codes and words', async () => {
    const blank = await createWithRoles(alice, ' ', ['ORG_MEMBER']);
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain(
      'INVALID_API_KEY_DESC: The API key description is required, and must be between 1 and 250 characters long.',
    );
    const noRoles = await createWithRoles(alice, 'no roles', []);
    expect(noRoles.statusCode).toBe(400);
    expect(noRoles.body).toContain('MISSING_API_KEY_ROLES');
    expect(noRoles.body).toContain('value="no roles"');
    const unknown = await createWithRoles(alice, 'bad role', ['GLOBAL_OWNER']);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('INVALID_ENUM_VALUE');
    const page = await api.service.store.listOrgApiKeys(api.orgId, {
      offset: 0,
      limit: 10,
      includeCount: false,
    });
    expect(page.items).toEqual([]);
    const forged = await alice.post(keys, { _csrf: 'forged', desc: 'x', roles: 'ORG_MEMBER' });
    expect(forged.statusCode).toBe(403);
  });

  it('edits the description and roles, then deletes after confirming', async () => {
    const created = await createWithRoles(alice, 'first', ['ORG_MEMBER']);
    const page = String(created.headers.location).replace('#new-key-panel', '');
    await alice.get(page);
    const form = new URLSearchParams({ _csrf: alice.csrf, desc: 'renamed' });
    form.append('roles', 'ORG_READ_ONLY');
    const saved = await alice.send('POST', page, {
      contentType: 'application/x-www-form-urlencoded',
      payload: form.toString(),
    });
    expect(saved.headers.location).toBe(`${page}?notice=api-key-saved`);
    const keyId = page.split('/').at(-1) ?? '';
    const stored = await api.service.store.getOrgApiKey(api.orgId, keyId);
    expect(stored).toMatchObject({ description: 'renamed', roles: ['ORG_READ_ONLY'] });
    const confirm = await alice.get(`${page}/delete`);
    expect(confirm.body).toContain('Delete this API key?');
    const deleted = await alice.post(`${page}/delete`, { _csrf: alice.csrf });
    expect(deleted.headers.location).toBe(`${keys}?notice=api-key-deleted`);
    expect(await api.service.store.getOrgApiKey(api.orgId, keyId)).toBeUndefined();
  });

  it('is not found for an ORG_MEMBER, nor for an owner of another org', async () => {
    const created = await createWithRoles(alice, 'owned', ['ORG_MEMBER']);
    const page = String(created.headers.location).replace('#new-key-panel', '');
    const bob = await signedIn(api.bob.username);
    await bob.get('/console/keys');
    expect((await bob.get(keys)).statusCode).toBe(404);
    expect((await bob.get(page)).statusCode).toBe(404);
    expect((await createWithRoles(bob, 'mine', ['ORG_MEMBER'])).statusCode).toBe(404);
    expect((await bob.post(`${page}/delete`, { _csrf: bob.csrf })).statusCode).toBe(404);
    const other = newObjectId();
    await api.service.store.createOrg({ id: other, name: 'Other', createdAt: toTimestamp() });
    expect((await alice.get(`/console/orgs/${other}/api-keys`)).statusCode).toBe(404);
    const listed = await api.service.store.listOrgApiKeys(api.orgId, {
      offset: 0,
      limit: 10,
      includeCount: false,
    });
    expect(listed.items.map((k) => k.description)).toEqual(['owned']);
  });

  it('lets a GLOBAL_OWNER manage any org’s keys, linked from the org page', async () => {
    const root = await signedIn('root');
    const orgPage = await root.get(`/console/orgs/${api.orgId}`);
    expect(orgPage.body).toContain(`href="${keys}"`);
    await root.get(keys);
    const created = await createWithRoles(root, 'by root', ['ORG_MEMBER']);
    expect(created.statusCode).toBe(303);
    expect((await alice.get(keys)).body).toContain('by root');
  });

  it('keeps a new private key for its own page: My keys does not show it', async () => {
    const created = await createWithRoles(alice, 'elsewhere', ['ORG_MEMBER']);
    const mine = await alice.get('/console/keys');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).not.toContain('id="new-key"');
    // Taken by the other page, it is gone, as a reveal nobody collected.
    const page = await alice.get(String(created.headers.location).replace('#new-key-panel', ''));
    expect(page.body).not.toContain('id="new-key"');
  });

  it('pages the org’s keys 50 at a time', async () => {
    for (let i = 0; i < 51; i++) {
      const description = `key ${String(i).padStart(2, '0')}`;
      const roles = ['ORG_MEMBER'] as const;
      await issueOrgApiKey(api.service.store, {
        orgId: api.orgId,
        description,
        roles,
        realm: api.service.realm,
      });
    }
    const first = await alice.get(keys);
    expect(first.body.match(/<tr><td class="title">/g)).toHaveLength(50);
    expect(first.body).toContain(`href="${keys}?pageNum=2" rel="next"`);
    const second = await alice.get(`${keys}?pageNum=2`);
    expect(second.body.match(/<tr><td class="title">/g)).toHaveLength(1);
    expect((await alice.get(`${keys}?pageNum=3`)).body).toContain('id="past-the-end"');
  });

  it('gives a key the expiry chosen from the offered ones, and refuses any other', async () => {
    const created = await createWithRoles(alice, 'monthly', ['ORG_MEMBER'], '30d');
    expect(created.statusCode).toBe(303);
    const page = { offset: 0, limit: 10, includeCount: false };
    const [stored] = (await api.service.store.listOrgApiKeys(api.orgId, page)).items;
    const days = (Date.parse(stored?.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeCloseTo(30, 2);
    const listed = await alice.get(keys);
    expect(listed.body).toContain('data-label="Expires"><time');

    const odd = await createWithRoles(alice, 'odd', ['ORG_MEMBER'], '5d');
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('Choose one of the offered expiries.');
    expect((await api.service.store.listOrgApiKeys(api.orgId, page)).items).toHaveLength(1);
  });
});
