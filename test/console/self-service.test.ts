import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { ATLAS, TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;
const MISSING = 'f'.repeat(24);

// A console for every key owner: what a user who is not an administrator may do, and
// everything they may not, request by request through the real app and SQLite.
describe('the console for a user who is not an administrator', () => {
  let api: TestApi;
  let alice: ConsoleClient;

  beforeEach(async () => {
    api = await TestApi.start();
    const hash = await hashPassword(PASSWORD);
    await api.service.store.setPasswordHash('root', hash);
    await api.service.store.setPasswordHash(api.alice.username, hash);
    alice = new ConsoleClient(api.app);
    const signedIn = await alice.signIn(api.alice.username, PASSWORD);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console/keys');
    await alice.get('/console/keys');
  });
  afterEach(() => api?.close());

  it('lands on "My keys", with a navigation offering only what they may open', async () => {
    const page = await alice.get('/console/keys');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>My keys</h1>');
    expect(page.body).toContain(`data-key-id="${api.alice.keyId}"`);
    expect(page.body).toContain('href="/console/keys" aria-current="page"');
    expect(page.body).not.toContain('href="/console/users"');
    expect(page.body).not.toContain('href="/console/orgs"');
    expect((await alice.get('/console')).headers.location).toBe('/console/keys');
  });

  it('generates a key shown once, to them, that authenticates; disables and deletes it', async () => {
    const base = `/console/users/${api.alice.user.id}/keys`;
    const generated = await alice.post(base, { _csrf: alice.csrf, description: 'laptop' });
    expect(generated.statusCode).toBe(303);
    expect(generated.headers.location).toBe('/console/keys#new-key-panel');
    const shown = await alice.get('/console/keys');
    const key = UUID.exec(/<code id="new-key">([^<]+)</.exec(shown.body)?.[1] ?? '')?.[0];
    expect(key).toBeDefined();
    const asKey = { username: api.alice.username, key: key as string };
    const url = `${ATLAS}/users/${api.alice.user.id}/keys`;
    expect((await api.request({ url, as: asKey })).statusCode).toBe(200);
    expect((await alice.get('/console/keys')).body).not.toContain(key);

    const keys = await api.service.store.listKeys(api.alice.user.id, {
      offset: 0,
      limit: 9,
      includeCount: false,
    });
    const id = keys.items.find((k) => k.description === 'laptop')?.id;
    const disabled = await alice.post(`${base}/${id}/disable`, { _csrf: alice.csrf });
    expect(disabled.headers.location).toBe('/console/keys?notice=key-disabled');
    const confirm = await alice.get(`${base}/${id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Delete this key?');
    const deleted = await alice.post(`${base}/${id}/delete`, { _csrf: alice.csrf });
    expect(deleted.headers.location).toBe('/console/keys?notice=key-deleted');
    expect(await api.service.store.getKey(api.alice.user.id, id as string)).toBeUndefined();
  });

  it('edits a key’s description on its own page, refusing an empty one', async () => {
    const key = `/console/users/${api.alice.user.id}/keys/${api.alice.keyId}`;
    expect((await alice.get('/console/keys')).body).toContain(
      `<option value="${api.alice.keyId}">`,
    );
    const picked = await alice.get(`/console/keys/edit?key=${api.alice.keyId}`);
    expect(picked.headers.location).toBe(`${key}/edit`);
    const page = await alice.get(`${key}/edit`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Edit key description');
    const empty = await alice.post(`${key}/description`, { _csrf: alice.csrf, description: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Say what the key is for.');
    const saved = await alice.post(`${key}/description`, {
      _csrf: alice.csrf,
      description: 'CI deploys',
    });
    expect(saved.headers.location).toBe('/console/keys?notice=key-renamed');
    const stored = await api.service.store.getKey(api.alice.user.id, api.alice.keyId);
    expect(stored?.description).toBe('CI deploys');
    expect((await alice.get('/console/keys')).body).toContain('CI deploys');
    const forged = await alice.post(`${key}/description`, { _csrf: 'x', description: 'forged' });
    expect(forged.statusCode).toBe(403);
    const bobs = `/console/users/${api.bob.user.id}/keys/${api.bob.keyId}`;
    expect((await alice.get(`${bobs}/edit`)).statusCode).toBe(404);
    const theirs = await alice.post(`${bobs}/description`, { _csrf: alice.csrf, description: 'x' });
    expect(theirs.statusCode).toBe(404);
  });

  it('keeps a refused description on "My keys", with the reason', async () => {
    const refused = await alice.post(`/console/users/${api.alice.user.id}/keys`, {
      _csrf: alice.csrf,
      description: '   ',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('<h1>My keys</h1>');
    expect(refused.body).toContain('Say what the key is for.');
  });

  it('gets the same 404 for every admin page and every other user’s key, existing or not', async () => {
    const bob = api.bob.user.id;
    const bobKey = `/console/users/${bob}/keys/${api.bob.keyId}`;
    const notThere = (await alice.get(`/console/users/${MISSING}/keys/${MISSING}/delete`)).body;
    const gets = [
      '/console/users',
      `/console/users/${bob}`,
      `/console/users/${MISSING}`,
      `/console/users/${bob}/delete`,
      '/console/orgs',
      `/console/orgs/${api.orgId}`,
      `${bobKey}/delete`,
    ];
    for (const url of gets) {
      const response = await alice.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('bob@');
      expect(response.body).not.toContain(api.bob.keyId);
    }
    expect((await alice.get(`${bobKey}/delete`)).body).toBe(notThere);
    const posts = [
      `/console/users/${bob}/keys`,
      `${bobKey}/disable`,
      `${bobKey}/delete`,
      `/console/users/${bob}/password`,
      `/console/users/${bob}/profile`,
      `/console/users/${bob}/link`,
      `/console/users/${api.alice.user.id}/global-owner/grant`,
      `/console/users/${api.alice.user.id}/memberships`,
      `/console/orgs/${api.orgId}/members`,
      '/console/users',
      '/console/orgs',
    ];
    for (const url of posts) {
      const response = await alice.post(url, {
        _csrf: alice.csrf,
        description: 'x',
        password: 'a long enough password',
        orgId: api.orgId,
        role: 'ORG_OWNER',
        username: 'mallory',
        name: 'Evil',
      });
      expect(response.statusCode, url).toBe(404);
    }
    const alicenow = await api.service.store.getUserById(api.alice.user.id);
    expect(alicenow?.globalRoles).toEqual([]);
    expect(alicenow?.orgRoles).toEqual([{ orgId: api.orgId, roleName: 'ORG_MEMBER' }]);
    expect(await api.service.store.getKey(bob, api.bob.keyId)).toMatchObject({ enabled: true });
    expect(await api.service.store.getUserByUsername('mallory')).toBeUndefined();
    // Their own user page is "My keys" (the delete confirmation's Cancel leads there).
    expect((await alice.get(`/console/users/${api.alice.user.id}`)).headers.location).toBe(
      '/console/keys',
    );
  });

  it('refuses every new form without the session’s CSRF token', async () => {
    const forms = [
      `/console/users/${api.alice.user.id}/keys`,
      `/console/users/${api.alice.user.id}/keys/${api.alice.keyId}/disable`,
      '/console/profile',
      '/console/profile/password',
    ];
    for (const url of forms) {
      const response = await alice.post(url, {
        _csrf: 'guess',
        description: 'x',
        firstName: 'Forged',
        current: PASSWORD,
        password: 'another password!',
        confirm: 'another password!',
      });
      expect(response.statusCode, url).toBe(403);
    }
    expect((await api.service.store.getUserById(api.alice.user.id))?.firstName).toBe('Alice');
    expect(await api.service.store.getKey(api.alice.user.id, api.alice.keyId)).toMatchObject({
      enabled: true,
    });
  });

  it('edits their own name and email, and changes their password with the current one', async () => {
    const saved = await alice.post('/console/profile', {
      _csrf: alice.csrf,
      firstName: ' Alice ',
      lastName: 'Liddell',
      emailAddress: 'alice@example.org',
    });
    expect(saved.headers.location).toBe('/console/profile?notice=profile-saved');
    expect(await api.service.store.getUserById(api.alice.user.id)).toMatchObject({
      firstName: 'Alice',
      lastName: 'Liddell',
      emailAddress: 'alice@example.org',
    });

    const otherTab = new ConsoleClient(api.app);
    await otherTab.signIn(api.alice.username, PASSWORD);
    await alice.get('/console/profile');
    const change = (current: string) =>
      alice.post('/console/profile/password', {
        _csrf: alice.csrf,
        current,
        password: 'a new console password',
        confirm: 'a new console password',
      });
    const wrong = await change('not my password');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('That is not your current password.');
    const changed = await change(PASSWORD);
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/console/profile?notice=own-password-changed');
    // This browser carries on with a new session; the other one is signed out.
    expect((await alice.get('/console/profile')).statusCode).toBe(200);
    expect((await otherTab.get('/console/keys')).statusCode).toBe(303);
    expect((await new ConsoleClient(api.app).signIn(api.alice.username, PASSWORD)).statusCode).toBe(
      401,
    );
  });
});
