import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicUrl } from '../../src/config.js';
import { CONTENT_SECURITY_POLICY } from '../../src/console/security-headers.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { createService } from '../../src/service.js';
import { ATLAS, TestApi, testConfig } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

// The console's rules, request by request through the real app and SQLite: sessions,
// CSRF, throttling, setup, one-time reveals, refusals that keep input. The browser test
// walks the same pages in Chromium; these pin down what a browser would not show.
describe('web console', () => {
  let api: TestApi;
  let admin: ConsoleClient;

  const start = async (overrides: Parameters<typeof TestApi.start>[0] = {}) => {
    api = await TestApi.start(overrides);
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
  };
  const keyCount = async (userId: string) =>
    (await api.service.store.listKeys(userId, { offset: 0, limit: 500, includeCount: true })).total;

  afterEach(async () => {
    await api?.close();
  });

  describe('signing in', () => {
    beforeEach(() => start());

    it('sends a visitor without a session to sign in, and back to the page they asked for', async () => {
      const response = await admin.get('/console/orgs?pageNum=2');
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(
        '/console/sign-in?next=%2Fconsole%2Forgs%3FpageNum%3D2',
      );
    });

    it('signs in a GLOBAL_OWNER with a cookie that scripts and other sites cannot use', async () => {
      const response = await admin.signIn('root', PASSWORD);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/console/users');
      const session = response.cookies.find((c) => c.name === 'keyward-session');
      expect(session).toMatchObject({
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: 480 * 60,
      });
      expect(session?.secure).toBeFalsy();
      expect((await admin.get('/console/users')).statusCode).toBe(200);
    });

    it('refuses a wrong password, keeping the username', async () => {
      const wrong = await admin.signIn('root', 'not the password');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('Wrong username or password');
      expect(wrong.body).toContain('value="root"');
      expect(wrong.body).not.toContain('not the password');

      expect(admin.cookie('keyward-session')).toBeUndefined();
    });

    it('refuses a sign-in form that did not come from the sign-in page', async () => {
      await admin.get('/console/sign-in');
      const forged = await admin.post('/console/sign-in', {
        _form: 'guessed',
        username: 'root',
        password: PASSWORD,
      });
      expect(forged.statusCode).toBe(403);
      expect(admin.cookie('keyward-session')).toBeUndefined();
    });

    it('never lets a console password authenticate to the Digest API', async () => {
      const response = await api.request({
        url: `${ATLAS}/users/byName/root`,
        as: { username: 'root', key: PASSWORD },
      });
      expect(response.statusCode).toBe(401);
    });

    it('ends the session on sign-out: the old cookie no longer opens a page', async () => {
      await admin.signIn('root', PASSWORD);
      const cookie = admin.cookie('keyward-session');
      await admin.get('/console/users');
      const out = await admin.post('/console/sign-out', { _csrf: admin.csrf });
      expect(out.headers.location).toBe('/console/sign-in?notice=signed-out');

      const replayed = await api.app.inject({
        url: '/console/users',
        headers: { cookie: `keyward-session=${cookie}` },
      });
      expect(replayed.statusCode).toBe(303);
      expect(replayed.headers.location).toContain('notice=session-ended');
    });

    it('ends every session of a user whose password is set again', async () => {
      await admin.signIn('root', PASSWORD);
      await admin.get(`/console/users/${api.root.user.id}`);
      const changed = await admin.post(`/console/users/${api.root.user.id}/password`, {
        _csrf: admin.csrf,
        password: 'a brand new password',
      });
      expect(changed.headers.location).toBe('/console/sign-in?notice=password-changed');
      expect((await admin.get('/console/users')).statusCode).toBe(303);
      expect((await admin.signIn('root', PASSWORD)).statusCode).toBe(401);
      expect((await admin.signIn('root', 'a brand new password')).statusCode).toBe(303);
    });
  });

  describe('throttling failed sign-ins', () => {
    beforeEach(() => start({ authFailureLimit: 3, authLockoutSeconds: 60 }));

    it('answers 429 with Retry-After once a username has failed too often, even to the right password', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await admin.signIn('root', `wrong ${i}`)).statusCode).toBe(401);
      }
      const locked = await admin.signIn('root', PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.body).toContain('Too many failed sign-ins');
      expect(admin.cookie('keyward-session')).toBeUndefined();
    });

    it('counts failures per address too, across usernames', async () => {
      for (const name of ['a', 'b', 'c']) {
        expect((await admin.signIn(name, 'wrong')).statusCode).toBe(401);
      }
      expect((await admin.signIn('root', PASSWORD)).statusCode).toBe(429);
    });
  });

  describe('first-run setup', () => {
    beforeEach(() => start());

    it('needs the printed token, and closes once anyone can sign in', async () => {
      const token = api.service.consoleSetupToken;
      expect(token).toMatch(/^[\w-]{43}$/);
      await api.service.store.setPasswordHash('root', null);
      const wrong = await admin.get('/console/setup?token=guess');
      expect(wrong.statusCode).toBe(403);
      expect(wrong.body).toContain('Setup link not valid');
      // Once root has a console password, even the right link only leads to sign-in.
      await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
      const closed = await admin.get(`/console/setup?token=${token}`);
      expect(closed.statusCode).toBe(303);
      expect(closed.headers.location).toBe('/console/sign-in');
    });

    it('creates a GLOBAL_OWNER when nobody can sign in yet', async () => {
      await api.service.store.setPasswordHash('root', null);
      const token = api.service.consoleSetupToken ?? '';
      await admin.get(`/console/setup?token=${token}`);
      const created = await admin.post('/console/setup', {
        _form: admin.formToken,
        token,
        username: 'first-admin',
        password: 'long enough password',
        confirm: 'long enough password',
      });
      expect(created.statusCode).toBe(303);
      const user = await api.service.store.getUserByUsername('first-admin');
      expect(user?.globalRoles).toEqual(['GLOBAL_OWNER']);
      expect((await admin.get('/console/users')).statusCode).toBe(200);
      expect((await admin.get(`/console/setup?token=${token}`)).statusCode).toBe(303);
    });
  });

  describe('signed in', () => {
    beforeEach(async () => {
      await start();
      await admin.signIn('root', PASSWORD);
      await admin.get('/console/users');
    });

    it('refuses a state change without the session’s CSRF token, changing nothing', async () => {
      const before = await keyCount(api.alice.user.id);
      for (const token of [undefined, 'guess', `${admin.csrf}x`]) {
        const form: Record<string, string> = { description: 'forged' };
        if (token !== undefined) form._csrf = token;
        const response = await admin.post(`/console/users/${api.alice.user.id}/keys`, form);
        expect(response.statusCode).toBe(403);
        expect(response.body).toContain('Form refused');
      }
      expect(await keyCount(api.alice.user.id)).toBe(before);
    });

    it('shows a generated key on the next page view only, then never again', async () => {
      const page = `/console/users/${api.alice.user.id}`;
      await admin.get(page);
      const generated = await admin.post(`${page}/keys`, { _csrf: admin.csrf, description: 'ci' });
      expect(generated.statusCode).toBe(303);
      expect(generated.headers.location).toBe(`${page}#new-key-panel`);
      expect(generated.body).not.toMatch(UUID);

      const shown = await admin.get(page);
      const key = UUID.exec(/<code id="new-key">([^<]+)</.exec(shown.body)?.[1] ?? '')?.[0];
      expect(key).toBeDefined();
      expect(shown.headers['cache-control']).toBe('no-store');
      const works = await api.request({
        url: `${ATLAS}/users/${api.alice.user.id}/keys`,
        as: { username: api.alice.username, key: key as string },
      });
      expect(works.statusCode).toBe(200);

      const again = await admin.get(page);
      expect(again.body).not.toContain(key);
      expect(again.body).toContain(`********-****-****-${key?.slice(-12)}`);
    });

    it('deletes a user only after a confirmation page, and never the signed-in administrator', async () => {
      const page = `/console/users/${api.bob.user.id}`;
      const confirm = await admin.get(`${page}/delete`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Delete this user?');
      expect(confirm.body).toContain(api.bob.username);
      expect(await api.service.store.getUserById(api.bob.user.id)).toBeDefined();

      const deleted = await admin.post(`${page}/delete`, { _csrf: admin.csrf });
      expect(deleted.headers.location).toBe('/console/users?notice=user-deleted');
      expect(await api.service.store.getUserById(api.bob.user.id)).toBeUndefined();
      const refused = await api.request({ url: `${ATLAS}/users/${api.bob.user.id}`, as: api.bob });
      expect(refused.statusCode).toBe(401);
      expect((await admin.get(page)).statusCode).toBe(404);

      const self = `/console/users/${api.root.user.id}`;
      expect((await admin.get(self)).body).toContain('This is your own account');
      expect((await admin.get(`${self}/delete`)).statusCode).toBe(409);
      expect((await admin.post(`${self}/delete`, { _csrf: admin.csrf })).statusCode).toBe(409);
      expect(await api.service.store.getUserById(api.root.user.id)).toBeDefined();
    });

    it('shows a generated key on whichever instance serves the next page, once', async () => {
      const other = await createService(testConfig(api.database), pino({ level: 'silent' }));
      try {
        const page = `/console/users/${api.alice.user.id}`;
        await admin.get(page);
        await admin.post(`${page}/keys`, { _csrf: admin.csrf, description: 'balanced' });
        const elsewhere = admin.on(other.app);
        expect((await elsewhere.get(page)).body).toMatch(/<code id="new-key">[0-9a-f-]{36}</);
        expect((await admin.get(page)).body).not.toContain('id="new-key"');
        expect((await elsewhere.get(page)).body).not.toContain('id="new-key"');
      } finally {
        await other.close();
      }
    });

    it('adds to and removes from orgs, and grants and revokes GLOBAL_OWNER, never its own', async () => {
      const page = `/console/users/${api.bob.user.id}`;
      await admin.get(page);
      const post = (path: string, form: Record<string, string> = {}) =>
        admin.post(`${page}${path}`, { _csrf: admin.csrf, ...form });
      const bob = () => api.service.store.getUserById(api.bob.user.id);

      expect(
        (await post('/memberships', { orgId: api.orgId, role: 'ORG_OWNER' })).headers.location,
      ).toContain('notice=membership-set');
      expect((await bob())?.orgRoles).toEqual([{ orgId: api.orgId, roleName: 'ORG_OWNER' }]);
      expect((await post(`/memberships/${api.orgId}/remove`)).headers.location).toContain(
        'notice=membership-removed',
      );
      expect((await bob())?.orgRoles).toEqual([]);
      // Twice (another tab got there first): back to the page, nothing to say.
      expect((await post(`/memberships/${api.orgId}/remove`)).headers.location).toBe(page);
      // The API sees it at once: bob may no longer list the org's users.
      const orgUsers = await api.request({ url: `${ATLAS}/orgs/${api.orgId}/users`, as: api.bob });
      expect(orgUsers.statusCode).toBe(401);

      expect((await post('/global-owner/grant')).headers.location).toContain(
        'notice=global-owner-granted',
      );
      expect((await bob())?.globalRoles).toEqual(['GLOBAL_OWNER']);
      const asOwner = await api.request({
        url: `${ATLAS}/users/${api.alice.user.id}`,
        as: api.bob,
      });
      expect(asOwner.statusCode).toBe(200);
      expect((await post('/global-owner/revoke')).headers.location).toContain(
        'notice=global-owner-revoked',
      );
      expect((await bob())?.globalRoles).toEqual([]);

      const self = `/console/users/${api.root.user.id}/global-owner/revoke`;
      expect((await admin.post(self, { _csrf: admin.csrf })).statusCode).toBe(409);
      expect((await api.service.store.getUserById(api.root.user.id))?.globalRoles).toEqual([
        'GLOBAL_OWNER',
      ]);
    });

    it('deletes an organization after a confirmation page; its members stay, without it', async () => {
      const page = `/console/orgs/${api.orgId}`;
      expect((await admin.get(page)).body).toContain('Delete organization…');
      const confirm = await admin.get(`${page}/delete`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Delete this organization?');
      // alice lists her org's users until the org is gone, then gets the same 401 as anyone.
      const orgUsers = () =>
        api.request({ url: `${ATLAS}/orgs/${api.orgId}/users`, as: api.alice });
      expect((await orgUsers()).statusCode).toBe(200);

      const deleted = await admin.post(`${page}/delete`, { _csrf: admin.csrf });
      expect(deleted.headers.location).toBe('/console/orgs?notice=org-deleted');
      expect(await api.service.store.getOrg(api.orgId)).toBeUndefined();
      expect((await orgUsers()).statusCode).toBe(401);
      const alice = await api.service.store.getUserById(api.alice.user.id);
      expect(alice?.orgRoles).toEqual([]);
      const own = await api.request({
        url: `${ATLAS}/users/${api.alice.user.id}/keys`,
        as: api.alice,
      });
      expect(own.statusCode).toBe(200);
      expect((await admin.get(page)).statusCode).toBe(404);
      expect((await admin.post(`${page}/delete`, { _csrf: admin.csrf })).statusCode).toBe(404);
    });

    it('edits a user’s name and email, refusing overlong ones with what was typed', async () => {
      const page = `/console/users/${api.alice.user.id}`;
      await admin.get(page);
      const saved = await admin.post(`${page}/profile`, {
        _csrf: admin.csrf,
        firstName: ' Alicia ',
        lastName: 'Liddell',
        emailAddress: 'alicia@example.com',
      });
      expect(saved.headers.location).toBe(`${page}?notice=profile-saved`);
      const document = await api.request({
        url: `${ATLAS}/users/${api.alice.user.id}`,
        as: api.alice,
      });
      expect(document.json()).toMatchObject({
        firstName: 'Alicia',
        lastName: 'Liddell',
        emailAddress: 'alicia@example.com',
      });

      const refused = await admin.post(`${page}/profile`, {
        _csrf: admin.csrf,
        firstName: 'x'.repeat(257),
        lastName: 'Kept',
        emailAddress: '',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('<details class="panel" id="profile" open>');
      expect(refused.body).toContain('value="Kept"');
      expect(refused.body).toContain('At most 256 characters.');
      expect((await api.service.store.getUserById(api.alice.user.id))?.firstName).toBe('Alicia');
    });

    it('adds a member by username from the org’s page, keeping what was typed when refused', async () => {
      const page = `/console/orgs/${api.orgId}`;
      await admin.get(page);
      const unknown = await admin.post(`${page}/members`, {
        _csrf: admin.csrf,
        username: 'nobody@example.com',
        role: 'ORG_OWNER',
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('No user has that username.');
      expect(unknown.body).toContain('value="nobody@example.com"');
      expect(unknown.body).toMatch(/<option value="ORG_OWNER" selected>/);

      const added = await admin.post(`${page}/members`, {
        _csrf: admin.csrf,
        username: 'root',
        role: 'ORG_READ_ONLY',
      });
      expect(added.headers.location).toBe(`${page}?notice=member-added`);
      expect((await api.service.store.getUserById(api.root.user.id))?.orgRoles).toEqual([
        { orgId: api.orgId, roleName: 'ORG_READ_ONLY' },
      ]);
      const badRole = await admin.post(`${page}/members`, {
        _csrf: admin.csrf,
        username: 'root',
        role: 'KING',
      });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.body).toContain('Choose a role.');
    });

    it('asks for an org id instead of offering a select once there are more orgs than it lists', async () => {
      const page = `/console/users/${api.alice.user.id}`;
      expect((await admin.get(page)).body).toContain('<select id="f-orgId"');
      let last = '';
      for (let i = 0; i < 500; i++) {
        const created = await api.service.store.createOrg({
          id: (0xa00000 + i).toString(16).padStart(24, '0'),
          name: `Org ${i}`,
          createdAt: '2026-01-01T00:00:00Z',
        });
        if (created.ok) last = created.value.id;
      }
      const body = (await admin.get(page)).body;
      expect(body).not.toContain('<select id="f-orgId"');
      expect(body).toMatch(/<input id="f-orgId" name="orgId"[^>]* type="text"/);
      expect((await admin.get('/console/users')).body).toContain('<input id="f-orgId"');
      const added = await admin.post(`${page}/memberships`, {
        _csrf: admin.csrf,
        orgId: last,
        role: 'ORG_MEMBER',
      });
      expect(added.statusCode).toBe(303);
      const roles = (await api.service.store.getUserById(api.alice.user.id))?.orgRoles;
      expect(roles).toContainEqual({ orgId: last, roleName: 'ORG_MEMBER' });
    });

    it('renders a description as text, never as markup', async () => {
      const xss = '<img src=x onerror=alert(1)>"\'&';
      const page = `/console/users/${api.alice.user.id}`;
      await admin.get(page);
      await admin.post(`${page}/keys`, { _csrf: admin.csrf, description: xss });
      const body = (await admin.get(page)).body;
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
      expect(body).not.toContain('<img');
    });

    it('sends back a refused form with what was typed and why, with 400 or 409', async () => {
      const refused = await admin.post('/console/users', {
        _csrf: admin.csrf,
        username: 'has space',
        firstName: 'Kept',
        orgId: 'not-an-id',
        role: 'EMPEROR',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('value="has space"');
      expect(refused.body).toContain('value="Kept"');
      expect(refused.body).toContain('Choose an organization.');
      expect(refused.body).toContain('Choose a role.');

      const taken = await admin.post('/console/users', {
        _csrf: admin.csrf,
        username: api.alice.username,
        globalOwner: 'on',
        password: 'typed secret, never echoed',
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.body).toContain('That username is taken.');
      expect(taken.body).not.toContain('typed secret');

      const long = await admin.post(`/console/users/${api.alice.user.id}/keys`, {
        _csrf: admin.csrf,
        description: 'x'.repeat(10_000),
      });
      expect(long.statusCode).toBe(400);
      expect(long.body).toContain('At most');
    });

    it('answers unknown ids, unknown pages and unreadable bodies with a page, not a 500', async () => {
      expect((await admin.get('/console/users/nope')).statusCode).toBe(404);
      expect((await admin.get(`/console/users/${'0'.repeat(24)}`)).statusCode).toBe(404);
      expect((await admin.get('/console/nowhere')).statusCode).toBe(404);
      const multipart = await api.app.inject({
        method: 'POST',
        url: '/console/orgs',
        headers: {
          cookie: `keyward-session=${admin.cookie('keyward-session')}`,
          'content-type': 'multipart/form-data; boundary=x',
        },
        payload: '--x--',
      });
      expect(multipart.statusCode).toBe(415);
      expect(multipart.headers['content-type']).toMatch(/^text\/html/);
    });

    it('sends every page with a strict Content-Security-Policy and no inline script', async () => {
      const response = await admin.get(`/console/users/${api.alice.user.id}`);
      expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.body).toMatch(
        /<script src="\/console\/static\/console\.[0-9a-f]+\.js" defer><\/script>/,
      );
      expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(response.body).not.toMatch(/\son[a-z]+=/);
      expect(response.body).not.toContain('style=');
    });

    it('serves its fingerprinted assets for a year and nothing else from /static', async () => {
      const page = (await admin.get('/console/users')).body;
      const css = /href="(\/console\/static\/[^"]+\.css)"/.exec(page)?.[1] ?? '';
      const asset = await admin.get(css);
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-type']).toMatch(/^text\/css/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await admin.get('/console/static/..%2Fpackage.json')).statusCode).toBe(404);
    });

    it('leaves the API as it was: JSON only, no cookies, no console pages', async () => {
      const form = await api.request({
        method: 'POST',
        url: `${ATLAS}/users/${api.alice.user.id}/keys`,
        as: { username: api.alice.username, key: api.alice.key },
        body: 'desc=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.statusCode).toBe(415);
      expect(form.headers['content-type']).toMatch(/^application\/json/);
      expect(form.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('behind an https public URL', () => {
    beforeEach(() => start({ publicUrl: publicUrl('https://keys.example.com') }));

    it('uses __Host- cookies marked Secure', async () => {
      const response = await admin.signIn('root', PASSWORD);
      const session = response.cookies.find((c) => c.name === '__Host-keyward-session');
      expect(session).toMatchObject({
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
      });
      expect(session?.domain).toBeUndefined();
    });
  });

  describe('turned off', () => {
    beforeEach(() => start({ console: false }));

    it('serves no console at all', async () => {
      const response = await admin.get('/console/sign-in');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 404, errorCode: 'RESOURCE_NOT_FOUND' });
    });
  });
});
