import { afterEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/domain/keys.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { ATLAS, TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

/** The key ids of a page's key table, top to bottom. */
const rowIds = (body: string) =>
  [...body.matchAll(/<tr id="key-([0-9a-f]{24})"/g)].map((m) => m[1]);

// A user's keys as the administrator's user page lists them: newest first, 25 a page,
// filtered in the database, counted against the per-user limit.
describe('the key list on a user’s page', () => {
  let api: TestApi;
  let admin: ConsoleClient;

  const start = async (maxKeysPerUser = 100) => {
    api = await TestApi.start({ maxKeysPerUser });
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
    await admin.signIn('root', PASSWORD);
  };
  /** Keys for alice, oldest first, after the one she starts with. */
  const generate = async (descriptions: readonly string[]) => {
    const ids = [api.alice.keyId];
    for (const description of descriptions) {
      const issued = await issueKey(api.service.store, {
        user: api.alice.user,
        description,
        realm: api.service.realm,
        maxKeysPerUser: 100,
      });
      if (!issued.ok) throw new Error(issued.error);
      ids.push(issued.value.record.id);
    }
    return ids;
  };
  const alicePage = () => `/console/users/${api.alice.user.id}`;

  afterEach(() => api?.close());

  it('shows 25 keys a page, newest first, with a pager that keeps the filter', async () => {
    await start();
    const ids = await generate(
      Array.from({ length: 29 }, (_, i) => (i % 2 ? `ci ${i}` : `Deploy ${i}`)),
    );
    const newest = ids.toReversed();

    const first = await admin.get(alicePage());
    expect(rowIds(first.body)).toEqual(newest.slice(0, 25));
    expect(first.body).toContain('<strong>30 of 100</strong> keys');
    expect(first.body).toContain(`href="${alicePage()}?pageNum=2" rel="next"`);
    const second = await admin.get(`${alicePage()}?pageNum=2`);
    expect(rowIds(second.body)).toEqual(newest.slice(25));
    expect(second.body).toContain('Page 2 of 2');

    const deploy = await admin.get(`${alicePage()}?q=DEPLOY&state=enabled`);
    expect(rowIds(deploy.body)).toHaveLength(15);
    expect(deploy.body).toContain('15 match the filter');
    expect(deploy.body).toContain('value="DEPLOY"');
    expect(deploy.body).not.toContain('rel="next"');

    await admin.get(alicePage());
    for (const id of ids.slice(1, 4)) {
      await admin.post(`${alicePage()}/keys/${id}/disable`, { _csrf: admin.csrf });
    }
    const disabled = await admin.get(`${alicePage()}?state=disabled`);
    expect(rowIds(disabled.body)).toEqual(ids.slice(1, 4).toReversed());
    expect(disabled.body).toMatch(/<option value="disabled" selected>/);
    const none = await admin.get(`${alicePage()}?state=disabled&q=nothing like it`);
    expect(none.body).toContain('No key matches the filter.');
  });

  it('comes back to the same filter and page after enabling, disabling or deleting a key', async () => {
    await start();
    const ids = await generate(Array.from({ length: 30 }, (_, i) => `ci ${i}`));
    const view = '?q=ci&state=enabled&pageNum=2';
    const shown = await admin.get(`${alicePage()}${view}`);
    const oldest = ids[1] ?? '';
    const disable = `${alicePage()}/keys/${oldest}/disable${view.replaceAll('&', '&amp;')}`;
    expect(shown.body).toContain(`action="${disable}"`);

    const disabled = await admin.post(
      `${alicePage()}/keys/${oldest}/disable${view}&next=//evil.example`,
      {
        _csrf: admin.csrf,
      },
    );
    expect(disabled.headers.location).toBe(`${alicePage()}${view}&notice=key-disabled`);
    const confirm = await admin.get(`${alicePage()}/keys/${oldest}/delete${view}`);
    expect(confirm.body).toContain(`href="${alicePage()}${view.replaceAll('&', '&amp;')}">Cancel`);
    const deleted = await admin.post(`${alicePage()}/keys/${oldest}/delete${view}`, {
      _csrf: admin.csrf,
    });
    expect(deleted.headers.location).toBe(`${alicePage()}${view}&notice=key-deleted`);
  });

  it('says a page past the end is past the end, and links to the last page', async () => {
    await start();
    await generate(Array.from({ length: 30 }, (_, i) => `k${i}`));
    const past = await admin.get(`${alicePage()}?q=k&pageNum=9`);
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain('There is no page 9: the list has 2 pages.');
    expect(past.body).toContain(`href="${alicePage()}?q=k&amp;pageNum=2">Go to the last page`);
    expect(past.body).not.toContain('No API keys yet');
    expect(past.body).not.toContain('Page 9 of');
  });

  it('counts keys against the limit and disables Generate with the reason when it is reached', async () => {
    await start(3);
    await admin.get(alicePage());
    const generated = await admin.post(`${alicePage()}/keys`, {
      _csrf: admin.csrf,
      description: 'two',
    });
    expect(generated.statusCode).toBe(303);
    const open = await admin.get(alicePage());
    expect(open.body).toContain('<strong>2 of 3</strong> keys');
    expect(open.body).toMatch(/<button type="submit">Generate key<\/button>/);

    await admin.post(`${alicePage()}/keys`, { _csrf: admin.csrf, description: 'three' });
    const full = await admin.get(alicePage());
    expect(full.body).toContain('<strong>3 of 3</strong> keys');
    expect(full.body).toContain(
      '<button type="submit" disabled aria-describedby="key-limit">Generate key</button>',
    );
    expect(full.body).toContain('At the limit: 3 keys is the most one user may hold.');
    const refused = await admin.post(`${alicePage()}/keys`, {
      _csrf: admin.csrf,
      description: 'four',
    });
    expect(refused.statusCode).toBe(409);
  });

  it('marks the new key’s row, shows ids with Copy buttons hidden until the script runs, and a curl command that works', async () => {
    await start();
    await admin.get(alicePage());
    await admin.post(`${alicePage()}/keys`, { _csrf: admin.csrf, description: 'fresh' });
    const shown = await admin.get(alicePage());
    const newId = rowIds(shown.body)[0] ?? '';
    expect(shown.body).toContain(`<tr id="key-${newId}" data-key-id="${newId}" class="new">`);
    expect(shown.body).toContain(`<code id="key-id-${newId}">${newId}</code>`);
    const buttons = shown.body.match(/<button [^>]*data-copy="[^"]+"[^>]*>/g) ?? [];
    expect(buttons).toHaveLength(2 + 2);
    for (const button of buttons) expect(button).toMatch(/ hidden>$/);

    const key = /<code id="new-key">([^<]+)</.exec(shown.body)?.[1] ?? '';
    const keysUrl = `http://localhost:80${ATLAS}/users/${api.alice.user.id}/keys`;
    const command = `curl --digest -u '${api.alice.username}:${key}' '${keysUrl}'`;
    expect(shown.body).toContain(
      `<code class="command" id="new-key-curl">${command.replaceAll("'", '&#39;')}</code>`,
    );
    const works = await api.request({
      url: new URL(keysUrl).pathname,
      as: { username: api.alice.username, key },
    });
    expect(works.statusCode).toBe(200);

    const again = await admin.get(alicePage());
    expect(again.body).not.toContain('class="new"');
    expect(again.body).not.toContain(key);
  });
});
