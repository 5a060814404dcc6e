import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueConsoleLink } from '../../src/console/links.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { redactQuerySecrets } from '../../src/http/log-redaction.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const CHOSEN = 'the password I chose';
const LINK = /<code id="new-link">([^<]+)<\/code>/;

// Invitation and reset links through the real app and SQLite: issued by an administrator,
// shown to them once, spent once by the user, who lands signed in on "My keys".
describe('console invitation and reset links', () => {
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

  /** The welcome page's form, sent as the invited user's browser would. */
  const accept = async (link: string, password = CHOSEN, confirm = password) => {
    const browser = new ConsoleClient(api.app);
    // A browser that has a form token already, so a refused link is refused for itself.
    await browser.get('/console/sign-in');
    const path = new URL(link).pathname + new URL(link).search;
    const page = await browser.get(path);
    const token = new URL(link).searchParams.get('token') ?? '';
    const sent = await browser.post('/console/welcome', {
      _form: browser.formToken,
      token,
      password,
      confirm,
    });
    return { browser, page, sent };
  };

  it('invites a user created without a password: link shown once, used once, lands on My keys', async () => {
    const created = await admin.post('/console/users', {
      _csrf: admin.csrf,
      username: 'carol',
    });
    expect(created.statusCode).toBe(303);
    const userPage = created.headers.location as string;
    expect(userPage).toMatch(/\/console\/users\/[0-9a-f]{24}\?notice=user-created$/);
    const shown = await admin.get(userPage);
    const link = LINK.exec(shown.body)?.[1] ?? '';
    expect(link).toMatch(/^http:\/\/localhost(:\d+)?\/console\/welcome\?token=[\w-]{43}$/);
    expect((await admin.get(userPage)).body).not.toContain(link);

    const { browser, page, sent } = await accept(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Welcome to keyward, carol');
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/console/keys?notice=password-chosen');
    const mine = await browser.get('/console/keys');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('<h1>My keys</h1>');

    const again = await accept(link, 'another password here');
    expect(again.page.statusCode).toBe(410);
    expect(again.sent.statusCode).toBe(410);
    expect((await new ConsoleClient(api.app).signIn('carol', CHOSEN)).statusCode).toBe(303);
  });

  it('keeps the link usable when the chosen password is refused', async () => {
    const issued = await issueConsoleLink(api.service.store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'https://keys.example.com',
    });
    const short = await accept(issued?.url ?? '', 'short');
    expect(short.sent.statusCode).toBe(400);
    expect(short.sent.body).toContain('at least');
    const differ = await accept(issued?.url ?? '', CHOSEN, 'something else entirely');
    expect(differ.sent.statusCode).toBe(400);
    expect(differ.sent.body).toContain('The two passwords differ.');
    expect((await accept(issued?.url ?? '')).sent.statusCode).toBe(303);
  });

  it('refuses an expired link, a forged one, and one a newer link replaced', async () => {
    const store = api.service.store;
    const expired = await issueConsoleLink(store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'http://x',
      now: Date.now() - 73 * 3_600_000,
    });
    expect((await accept(expired?.url ?? '')).page.statusCode).toBe(410);
    expect((await accept(expired?.url ?? '')).sent.statusCode).toBe(410);
    expect((await accept(`http://x/console/welcome?token=${'A'.repeat(43)}`)).sent.statusCode).toBe(
      410,
    );
    const first = await issueConsoleLink(store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'http://x',
    });
    const second = await issueConsoleLink(store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'http://x',
    });
    expect((await accept(first?.url ?? '')).sent.statusCode).toBe(410);
    expect((await accept(second?.url ?? '')).sent.statusCode).toBe(303);
    expect(await store.getPasswordHash(api.bob.username)).toBeDefined();
  });

  it('issues a reset link from the user page; the old password works until it is used', async () => {
    const user = `/console/users/${api.alice.user.id}`;
    await api.service.store.setPasswordHash(api.alice.username, await hashPassword(PASSWORD));
    const before = await admin.get(user);
    expect(before.body).toContain('Issue a password reset link');
    const issued = await admin.post(`${user}/link`, { _csrf: admin.csrf });
    expect(issued.headers.location).toBe(`${user}?notice=link-issued`);
    const link = LINK.exec((await admin.get(user)).body)?.[1] ?? '';
    expect((await new ConsoleClient(api.app).signIn(api.alice.username, PASSWORD)).statusCode).toBe(
      303,
    );
    const { page, sent } = await accept(link);
    expect(page.body).toContain('Choose a new password');
    expect(sent.headers.location).toBe('/console/keys?notice=password-chosen');
    expect((await new ConsoleClient(api.app).signIn(api.alice.username, PASSWORD)).statusCode).toBe(
      401,
    );
  });

  it('refuses the welcome form without its form token, and the link form without CSRF', async () => {
    const issued = await issueConsoleLink(api.service.store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'http://x',
    });
    const browser = new ConsoleClient(api.app);
    await browser.get(
      `/console/welcome?token=${new URL(issued?.url ?? '').searchParams.get('token')}`,
    );
    const forged = await browser.post('/console/welcome', {
      _form: 'guess',
      token: new URL(issued?.url ?? '').searchParams.get('token') ?? '',
      password: CHOSEN,
      confirm: CHOSEN,
    });
    expect(forged.statusCode).toBe(403);
    expect(await api.service.store.getPasswordHash(api.bob.username)).toBeUndefined();
    const noCsrf = await admin.post(`/console/users/${api.bob.user.id}/link`, { _csrf: 'x' });
    expect(noCsrf.statusCode).toBe(403);
    expect((await accept(issued?.url ?? '')).sent.statusCode).toBe(303);
  });

  it('uses the query parameter the log redaction hides', async () => {
    const issued = await issueConsoleLink(api.service.store, {
      user: api.bob.user,
      purpose: 'invite',
      base: 'https://keys.example.com',
    });
    const url = issued?.url ?? '';
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(token).toHaveLength(43);
    const line = JSON.stringify({ req: { url: new URL(url).pathname + new URL(url).search } });
    expect(redactQuerySecrets(line)).not.toContain(token);
  });
});
