import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

// Rough edges a new user hit (issue 12, item 6), through the real app and SQLite: what the
// console says about the input it refuses, and what it answers at the site's root.
describe('console input and messages', () => {
  let api: TestApi;
  let admin: ConsoleClient;

  beforeEach(async () => {
    api = await TestApi.start({ authFailureLimit: 1, authLockoutSeconds: 1 });
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
  });
  afterEach(() => api.close());

  const signedIn = async () => {
    await admin.signIn('root', PASSWORD);
    await admin.get('/console/users');
  };
  const createUser = (form: Record<string, string>) =>
    admin.post('/console/users', { _csrf: admin.csrf, ...form });

  it('says "1 second", not "1 seconds"', async () => {
    await admin.signIn('root', 'wrong password');
    const refused = await admin.signIn('root', 'wrong again');
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Try again in 1 second.');
  });

  it('names the minimum and the maximum password length, each on its own', async () => {
    await api.service.store.setPasswordHash('root', null);
    const token = api.service.consoleSetupToken ?? '';
    await admin.get(`/console/setup?token=${token}`);
    const setUp = (password: string) =>
      admin.post('/console/setup', {
        _form: admin.formToken,
        token,
        username: 'first-admin',
        password,
        confirm: password,
      });
    const short = await setUp('12345');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('the password must be at least 12 characters');
    expect(short.body).not.toMatch(/too long/i);
    const long = await setUp('x'.repeat(1025));
    expect(long.body).toContain('the password must be at most 1024 characters');
    expect(long.body).not.toMatch(/too short/i);
  });

  it('tells a name of spaces that it must not be blank, for orgs and users', async () => {
    await signedIn();
    const org = await admin.post('/console/orgs', { _csrf: admin.csrf, name: '   ' });
    expect(org.statusCode).toBe(400);
    expect(org.body).toContain('The name must not be blank.');
    expect(org.body).not.toContain('1-256');
    const user = await createUser({ username: '   ' });
    expect(user.statusCode).toBe(400);
    expect(user.body).toContain('The username must not be blank.');
  });

  it('refuses a role without an organization, keeping what was typed', async () => {
    await signedIn();
    const refused = await createUser({ username: 'orphan', role: 'ORG_OWNER', orgId: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('A role needs an organization');
    expect(refused.body).toContain('value="orphan"');
    expect(refused.body).toMatch(/<option value="ORG_OWNER" selected>/);
    expect(await api.service.store.getUserByUsername('orphan')).toBeUndefined();

    // No role and no org is a plain user; a role with its org is a member.
    expect((await createUser({ username: 'plain', role: '', orgId: '' })).statusCode).toBe(303);
    const member = await createUser({ username: 'owner', role: 'ORG_OWNER', orgId: api.orgId });
    expect(member.statusCode).toBe(303);
    const owner = await api.service.store.getUserByUsername('owner');
    expect(owner?.orgRoles).toEqual([{ orgId: api.orgId, roleName: 'ORG_OWNER' }]);
  });

  it('validates emails on the server, creating and editing, and trims what it stores', async () => {
    await signedIn();
    const bad = await createUser({ username: 'carol', emailAddress: 'carol@@bad' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Not an email address');
    expect(bad.body).toContain('value="carol@@bad"');
    expect(await api.service.store.getUserByUsername('carol')).toBeUndefined();

    const good = await createUser({ username: 'carol', emailAddress: ' carol@example.com ' });
    expect(good.statusCode).toBe(303);
    const carol = await api.service.store.getUserByUsername('carol');
    expect(carol?.emailAddress).toBe('carol@example.com');

    await admin.get(`/console/users/${carol?.id}`);
    const edit = await admin.post(`/console/users/${carol?.id}/profile`, {
      _csrf: admin.csrf,
      firstName: 'Carol',
      lastName: '',
      emailAddress: 'carol@',
    });
    expect(edit.statusCode).toBe(400);
    expect(edit.body).toContain('Not an email address');
    expect((await api.service.store.getUserByUsername('carol'))?.emailAddress).toBe(
      'carol@example.com',
    );
  });

  it('answers /favicon.ico with an icon that is cached, and links an icon from every page', async () => {
    const icon = await api.app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    expect(icon.headers['cache-control']).toMatch(/^public, max-age=\d{6,}$/);
    expect(icon.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));

    const page = (await admin.get('/console/sign-in')).body;
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(page)?.[1] ?? '';
    const svg = await api.app.inject({ method: 'GET', url: href });
    expect(svg.statusCode).toBe(200);
    expect(svg.body).toMatch(/^<svg /);
  });

  it('sends a browser at / to the console, and an API client the same 404 as before', async () => {
    const root = (accept?: string) =>
      api.app.inject({ method: 'GET', url: '/', headers: accept ? { accept } : {} });
    const browser = await root('text/html,application/xhtml+xml,*/*;q=0.8');
    expect(browser.statusCode).toBe(303);
    expect(browser.headers.location).toBe('/console');
    for (const accept of ['*/*', 'application/json', undefined, 'text/html;q=0']) {
      const client = await root(accept);
      expect(client.statusCode).toBe(404);
      expect(client.json()).toMatchObject({ error: 404, errorCode: 'RESOURCE_NOT_FOUND' });
    }
  });
});

describe('the site root with the console off', () => {
  it('keeps / and /favicon.ico as the API answers them', async () => {
    const api = await TestApi.start({ console: false });
    try {
      for (const url of ['/', '/favicon.ico']) {
        const response = await api.app.inject({
          method: 'GET',
          url,
          headers: { accept: 'text/html' },
        });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ errorCode: 'RESOURCE_NOT_FOUND' });
      }
    } finally {
      await api.close();
    }
  });
});
