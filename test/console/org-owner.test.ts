import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { toTimestamp } from '../../src/domain/time.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

// An ORG_OWNER manages the members of their own orgs in the console, and nothing else.
describe('the console for an ORG_OWNER', () => {
  let api: TestApi;
  let alice: ConsoleClient;
  let otherOrg: string;
  let members: string;

  beforeEach(async () => {
    api = await TestApi.start();
    const store = api.service.store;
    const hash = await hashPassword(PASSWORD);
    await store.setPasswordHash('root', hash);
    await store.setPasswordHash(api.alice.username, hash);
    await store.setMembership(api.alice.user.id, api.orgId, 'ORG_OWNER');
    otherOrg = newObjectId();
    await store.createOrg({ id: otherOrg, name: 'Other Org', createdAt: toTimestamp() });
    await store.setMembership(api.bob.user.id, otherOrg, 'ORG_MEMBER');
    alice = new ConsoleClient(api.app);
    await alice.signIn(api.alice.username, PASSWORD);
    members = `/console/org-members/${api.orgId}`;
    await alice.get(members);
  });
  afterEach(() => api?.close());

  it('lists only the orgs they own, and their members without any key', async () => {
    const list = await alice.get('/console/org-members');
    expect(list.body).toContain('Test Org');
    expect(list.body).not.toContain('Other Org');
    expect(list.body).toContain('href="/console/org-members" aria-current="page"');
    const page = await alice.get(members);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(api.bob.username);
    expect(page.body).not.toContain(api.bob.keyId);
    expect(page.body).not.toContain('Other Org');
  });

  it('changes a member’s role, removes and adds them back', async () => {
    const bob = `${members}/members/${api.bob.user.id}`;
    const role = await alice.post(`${bob}/role`, { _csrf: alice.csrf, role: 'ORG_READ_ONLY' });
    expect(role.headers.location).toBe(`${members}?notice=membership-set`);
    const roles = async () => (await api.service.store.getUserById(api.bob.user.id))?.orgRoles;
    expect(await roles()).toContainEqual({ orgId: api.orgId, roleName: 'ORG_READ_ONLY' });
    const removed = await alice.post(`${bob}/remove`, { _csrf: alice.csrf });
    expect(removed.headers.location).toBe(`${members}?notice=membership-removed`);
    expect(await roles()).toEqual([{ orgId: otherOrg, roleName: 'ORG_MEMBER' }]);
    const added = await alice.post(`${members}/members`, {
      _csrf: alice.csrf,
      username: api.bob.username,
      role: 'ORG_MEMBER',
      action: 'add',
    });
    expect(added.headers.location).toBe(`${members}?notice=member-added`);
    expect(await roles()).toContainEqual({ orgId: api.orgId, roleName: 'ORG_MEMBER' });
  });

  it('invites a new user into the org, with a link shown once', async () => {
    const invited = await alice.post(`${members}/members`, {
      _csrf: alice.csrf,
      username: 'dave',
      role: 'ORG_MEMBER',
      action: 'invite',
    });
    expect(invited.statusCode).toBe(303);
    const location = (invited.headers.location as string).replace('#new-link-panel', '');
    const page = await alice.get(location);
    const link = /<code id="new-link">([^<]+)</.exec(page.body)?.[1] ?? '';
    expect(link).toMatch(/\/console\/welcome\?token=[\w-]{43}$/);
    expect((await alice.get(location)).body).not.toContain(link);
    const dave = await api.service.store.getUserByUsername('dave');
    expect(dave?.orgRoles).toEqual([{ orgId: api.orgId, roleName: 'ORG_MEMBER' }]);
  });

  it('gets 404 for another org, for their own role, and for the admin pages', async () => {
    const other = `/console/org-members/${otherOrg}`;
    expect((await alice.get(other)).statusCode).toBe(404);
    const posts = [
      `${other}/members`,
      `${other}/members/${api.bob.user.id}/role`,
      `${other}/members/${api.bob.user.id}/remove`,
      `${members}/members/${api.alice.user.id}/role`,
      `${members}/members/${api.root.user.id}/remove`,
      `/console/orgs/${api.orgId}/members`,
    ];
    for (const url of posts) {
      const response = await alice.post(url, {
        _csrf: alice.csrf,
        username: api.alice.username,
        role: 'ORG_OWNER',
        action: 'add',
      });
      expect(response.statusCode, url).toBe(404);
    }
    expect((await api.service.store.getUserById(api.bob.user.id))?.orgRoles).toContainEqual({
      orgId: otherOrg,
      roleName: 'ORG_MEMBER',
    });
    expect((await api.service.store.getUserById(api.alice.user.id))?.orgRoles).toEqual([
      { orgId: api.orgId, roleName: 'ORG_OWNER' },
    ]);
    for (const url of ['/console/orgs', `/console/orgs/${api.orgId}`, '/console/users']) {
      expect((await alice.get(url)).statusCode, url).toBe(404);
    }
  });

  it('refuses the member forms without the session’s CSRF token', async () => {
    const bob = `${members}/members/${api.bob.user.id}`;
    for (const url of [`${members}/members`, `${bob}/role`, `${bob}/remove`]) {
      const response = await alice.post(url, {
        _csrf: 'guess',
        username: 'eve',
        role: 'ORG_OWNER',
        action: 'invite',
      });
      expect(response.statusCode, url).toBe(403);
    }
    expect(await api.service.store.getUserByUsername('eve')).toBeUndefined();
    expect((await api.service.store.getUserById(api.bob.user.id))?.orgRoles).toContainEqual({
      orgId: api.orgId,
      roleName: 'ORG_MEMBER',
    });
  });
});
