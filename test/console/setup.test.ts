import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { createUser } from '../../src/domain/users.js';
import { LiveConsole } from '../support/live-console.js';

const PASSWORD = 'long enough password';

// The setup link over a real socket, where a handler that sends twice keeps running after
// its first answer: exactly one administrator per link, and its token in no log line.
describe('the console setup link', () => {
  let live: LiveConsole;
  afterEach(() => live?.close());

  const owners = async () =>
    (await live.service.store.listUsers({ offset: 0, limit: 100, includeCount: false })).items
      .filter((user) => user.globalRoles.includes('GLOBAL_OWNER'))
      .map((user) => user.username);
  const setUp = (username: string, token = live.token, password = PASSWORD) =>
    live.post('/console/setup', {
      _form: live.formToken,
      token,
      username,
      password,
      confirm: password,
    });

  it('creates exactly one administrator from concurrent forms, and never another', async () => {
    live = await LiveConsole.start();
    expect((await live.get(`/console/setup?token=${live.token}`)).status).toBe(200);
    const pages = await Promise.all(['first', 'second', 'third'].map((name) => setUp(name)));
    expect(pages.map((page) => page.status).sort()).toEqual([303, 409, 409]);
    for (const page of pages.filter((p) => p.status === 409)) {
      expect(page.body).toContain('Setup in progress');
    }
    const created = await owners();
    expect(created).toHaveLength(1);

    // Deleting the administrator it made does not bring the link back.
    const user = await live.service.store.getUserByUsername(created[0] ?? '');
    expect((await live.service.store.deleteUser(user?.id ?? '')).ok).toBe(true);
    const form = await live.get(`/console/setup?token=${live.token}`);
    expect(form.status).toBe(403);
    expect(form.body).toContain('Setup link already used');
    live.forgeFormToken();
    const again = await setUp('fourth');
    expect(again.status).toBe(403);
    expect(again.body).toContain('Setup link already used');
    expect(await owners()).toEqual([]);
  });

  it('lets a refused form be corrected and sent again with the same link', async () => {
    live = await LiveConsole.start();
    await live.get(`/console/setup?token=${live.token}`);
    const taken = await createUser(live.service.store, { username: 'taken' });
    expect(taken.ok).toBe(true);
    expect((await setUp('admin', live.token, 'short')).status).toBe(400);
    expect((await setUp('taken')).status).toBe(400);
    expect((await setUp('a:colon')).status).toBe(400);
    expect((await setUp('admin')).status).toBe(303);
    expect(await owners()).toEqual(['admin']);
  });

  it('creates nobody from a wrong, missing or spent token, even after its refusal is sent', async () => {
    live = await LiveConsole.start();
    live.forgeFormToken();
    expect((await setUp('intruder-1', 'a-guess')).status).toBe(403);
    expect((await setUp('intruder-2', '')).status).toBe(403);
    // A refused form that ran on would hash its password and write before this one, which
    // does the same work after it.
    expect((await setUp('admin')).status).toBe(303);
    expect(await owners()).toEqual(['admin']);
    live.forgeFormToken();
    expect((await setUp('intruder-3')).status).toBe(403);
    expect((await setUp('intruder-4', 'a-guess')).status).toBe(403);
    expect((await live.signIn('admin', PASSWORD)).status).toBe(303);
    expect(await owners()).toEqual(['admin']);
  });

  it('closes for good once someone can sign in by other means (the CLI)', async () => {
    live = await LiveConsole.start();
    const owner = await createUser(live.service.store, { username: 'owner', globalOwner: true });
    expect(owner.ok).toBe(true);
    await live.get(`/console/setup?token=${live.token}`);
    await live.service.store.setPasswordHash('owner', await hashPassword(PASSWORD));
    const closed = await setUp('admin');
    expect(closed.status).toBe(303);
    expect(closed.location).toBe('/console/sign-in');
    // Without that password nobody can sign in again, but the link stays closed.
    await live.service.store.setPasswordHash('owner', null);
    expect((await live.get(`/console/setup?token=${live.token}`)).status).toBe(403);
    expect(await owners()).toEqual(['owner']);
  });

  it.each(['info', 'debug'] as const)(
    'writes neither the token nor a warning to the log, at %s level',
    async (logLevel) => {
      live = await LiveConsole.start({ logLevel });
      const token = live.token;
      const statuses: number[] = [];
      const queries = ['', '?token=', '?token=a-guess', `?token=${token}`, `?TOKEN=${token}`];
      for (const query of queries) statuses.push((await live.get(`/console/setup${query}`)).status);
      statuses.push((await setUp('intruder', 'a-guess')).status);
      statuses.push((await setUp('admin', token, 'short')).status);
      statuses.push((await setUp('admin')).status);
      const admin = await live.service.store.getUserByUsername('admin');
      await live.service.store.deleteUser(admin?.id ?? '');
      statuses.push((await live.get(`/console/setup?token=${token}`)).status);
      live.forgeFormToken();
      statuses.push((await setUp('admin-2')).status);
      // A setup that ran on after its answer would log only once its scrypt is done.
      statuses.push((await setUp('admin-3', token, 'short')).status);

      const setupLines = live.logs.filter((line) => line.includes('/console/setup'));
      if (logLevel === 'debug') expect(setupLines.length).toBeGreaterThanOrEqual(statuses.length);
      for (const line of live.logs) {
        expect(line).not.toContain(token);
        expect(line).not.toContain('a-guess');
        expect(line).not.toContain('FST_ERR_REP_ALREADY_SENT');
        expect((JSON.parse(line) as { level: number }).level).toBeLessThan(40);
      }
      expect(statuses).toEqual([403, 403, 403, 200, 403, 403, 400, 303, 403, 403, 403]);
    },
  );
});
