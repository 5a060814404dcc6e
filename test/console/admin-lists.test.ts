import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { createUser } from '../../src/domain/users.js';
import { ATLAS, TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

// The administrator's users list, user page sections and org pages, request by request.
describe('users and org pages', () => {
  let api: TestApi;
  let admin: ConsoleClient;

  beforeEach(async () => {
    api = await TestApi.start();
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
    await admin.signIn('root', PASSWORD);
    await admin.get('/console/users');
  });
  afterEach(() => api?.close());

  /** Users named `member-00`…, each in the test org. */
  const members = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const username = `member-${String(i).padStart(2, '0')}`;
      const org = { orgId: api.orgId, roleName: 'ORG_READ_ONLY' } as const;
      const created = await createUser(api.service.store, { username, org, lastName: `Nr${i}` });
      if (!created.ok) throw new Error(created.error);
    }
  };

  it('says a users page past the end is past the end, never “no users”', async () => {
    await members(60);
    const past = await admin.get('/console/users?pageNum=99');
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain('63 in all');
    expect(past.body).toContain('There is no page 99: the list has 2 pages.');
    expect(past.body).toContain('href="/console/users?pageNum=2">Go to the last page');
    expect(past.body).not.toContain('No users yet');
    expect(past.body).not.toContain('Page 99 of');
    const orgs = await admin.get('/console/orgs?pageNum=5');
    expect(orgs.body).toContain('There is no page 5: the list has one page.');
    expect(orgs.body).not.toContain('No organizations yet');
  });

  it('lists roles with org names, key counts and last activity, with New user at the top', async () => {
    await api.request({ url: `${ATLAS}/users/${api.alice.user.id}`, as: api.alice });
    await api.service.usage.flush();
    const list = await admin.get('/console/users');
    expect(list.body.indexOf('href="#new-user">New user</a>')).toBeLessThan(
      list.body.indexOf('<table'),
    );
    const alice =
      /<tr><td class="title"><a[^>]*>alice@example.com<\/a>[\s\S]*?<\/tr>/.exec(list.body)?.[0] ??
      '';
    expect(alice).toContain(`ORG_MEMBER in <a href="/console/orgs/${api.orgId}">Test Org</a>`);
    expect(alice).toMatch(/data-label="Keys">1</);
    expect(alice).toMatch(/data-label="Last active"><time datetime="\d{4}-/);
    const bob =
      /<tr><td class="title"><a[^>]*>bob@example.com<\/a>[\s\S]*?<\/tr>/.exec(list.body)?.[0] ?? '';
    expect(bob).toContain('data-label="Last active"><span class="muted">never</span>');
    expect(list.body).toMatch(/<li>GLOBAL_OWNER<\/li>/);
  });

  it('finds a user by full name, first and last together', async () => {
    const knuth = await createUser(api.service.store, {
      username: 'dek',
      firstName: 'Donald',
      lastName: 'Knuth',
    });
    await createUser(api.service.store, { username: 'dd', firstName: 'Donald', lastName: 'Duck' });
    expect(knuth.ok).toBe(true);
    const found = await admin.get('/console/users?q=Donald%20Knuth');
    expect(found.body).toContain('1 matching “Donald Knuth”');
    expect(found.body).toContain('>dek</a>');
    expect(found.body).not.toContain('>dd</a>');
  });

  it('grants GLOBAL_OWNER only from a confirmation page that says what it means', async () => {
    const page = `/console/users/${api.bob.user.id}`;
    const before = await admin.get(page);
    expect(before.body).toContain(
      `<a class="button secondary" href="${page}/global-owner/grant">Make GLOBAL_OWNER…</a>`,
    );
    expect(before.body).not.toContain(`action="${page}/global-owner/grant"`);
    for (const title of ['Keys', 'Access', 'Settings', 'Danger zone']) {
      expect(before.body).toMatch(new RegExp(`<h2 id="[a-z]+-title">${title}</h2>`));
    }
    const confirm = await admin.get(`${page}/global-owner/grant`);
    expect(confirm.body).toContain('Make bob@example.com a GLOBAL_OWNER?');
    expect(confirm.body).toContain('may act on every user through the API');
    expect(confirm.body).toContain('Their API keys carry that power at once');
    expect(confirm.body).toContain(`action="${page}/global-owner/grant"`);
    expect((await api.service.store.getUserById(api.bob.user.id))?.globalRoles).toEqual([]);

    const forged = await admin.post(`${page}/global-owner/grant`, { _csrf: 'guess' });
    expect(forged.statusCode).toBe(403);
    const granted = await admin.post(`${page}/global-owner/grant`, { _csrf: admin.csrf });
    expect(granted.headers.location).toContain('notice=global-owner-granted');
    expect((await api.service.store.getUserById(api.bob.user.id))?.globalRoles).toEqual([
      'GLOBAL_OWNER',
    ]);
  });

  it('offers a console password for every user, since every user may sign in to their own keys', async () => {
    const bob = await admin.get(`/console/users/${api.bob.user.id}`);
    expect(bob.body).toContain('name="password"');
    const created = await admin.post('/console/users', {
      _csrf: admin.csrf,
      username: 'carol',
      password: 'long enough password',
    });
    expect(created.statusCode).toBe(303);
    const carol = await api.service.store.getUserByUsername('carol');
    expect(carol?.globalRoles).toEqual([]);
    expect(await api.service.store.getPasswordHash('carol')).toBeDefined();
  });

  it('pages and searches an org’s members, and removes one with the session’s token only', async () => {
    await members(55);
    const org = `/console/orgs/${api.orgId}`;
    const first = await admin.get(org);
    expect(first.body.match(/<tr><td class="title">/g)).toHaveLength(50);
    expect(first.body).toContain(`href="${org}?pageNum=2" rel="next"`);
    const second = await admin.get(`${org}?pageNum=2`);
    expect(second.body.match(/<tr><td class="title">/g)).toHaveLength(7);
    const found = await admin.get(`${org}?q=nr4`);
    expect(found.body).toContain('11 of 57 matching “nr4”');
    expect(found.body).not.toContain('>alice@example.com<');

    const remove = `${org}/members/${api.alice.user.id}/remove`;
    expect(first.body).toContain(`action="${remove}"`);
    expect((await admin.post(remove, { _csrf: 'guess' })).statusCode).toBe(403);
    const removed = await admin.post(remove, { _csrf: admin.csrf });
    expect(removed.headers.location).toBe(`${org}?notice=member-removed`);
    expect((await api.service.store.getUserById(api.alice.user.id))?.orgRoles).toEqual([]);
    expect(
      (await api.request({ url: `${ATLAS}/orgs/${api.orgId}/users`, as: api.alice })).statusCode,
    ).toBe(401);
    expect((await admin.post(remove, { _csrf: admin.csrf })).headers.location).toBe(org);
  });

  it('creates a user straight into an org, keeping what was typed when refused', async () => {
    const org = `/console/orgs/${api.orgId}`;
    expect((await admin.get(org)).body).toContain(
      `href="${org}/users/new">New user in Test Org</a>`,
    );
    const form = await admin.get(`${org}/users/new`);
    expect(form.body).toContain('Role in Test Org');
    const fields = { username: 'dana', firstName: 'Dana', role: 'ORG_OWNER' };
    expect((await admin.post(`${org}/users`, fields)).statusCode).toBe(403);

    const created = await admin.post(`${org}/users`, {
      _csrf: admin.csrf,
      ...fields,
      globalOwner: 'on',
    });
    expect(created.statusCode).toBe(303);
    const dana = await api.service.store.getUserByUsername('dana');
    expect(dana?.orgRoles).toEqual([{ orgId: api.orgId, roleName: 'ORG_OWNER' }]);
    expect(dana?.globalRoles).toEqual([]);
    expect(created.headers.location).toBe(`/console/users/${dana?.id}?notice=user-created`);

    const taken = await admin.post(`${org}/users`, {
      _csrf: admin.csrf,
      ...fields,
      firstName: 'Kept',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('That username is taken.');
    expect(taken.body).toContain('value="Kept"');
  });
});
