import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';

// Whatever a browser, a script or a fuzzer sends to the console, it answers with an HTML
// page and a 2xx, 3xx or 4xx: never a 5xx, never a JSON error from the API's handler.
describe('console input properties', () => {
  let api: TestApi;
  let admin: ConsoleClient;
  let routes: { readonly get: string[]; readonly post: string[] };

  beforeAll(async () => {
    api = await TestApi.start();
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    admin = new ConsoleClient(api.app);
    await admin.signIn('root', PASSWORD);
    await admin.get('/console/users');
    const user = `/console/users/${api.alice.user.id}`;
    const key = `${user}/keys/${api.alice.keyId}`;
    routes = {
      get: [
        '/console/users',
        '/console/orgs',
        `/console/orgs/${api.orgId}`,
        user,
        `${key}/delete`,
        `/console/orgs/${api.orgId}/delete`,
        '/console/setup',
        '/console/sign-in',
      ],
      post: [
        '/console/orgs',
        '/console/users',
        `${user}/memberships`,
        `${user}/keys`,
        `${key}/disable`,
        `${key}/enable`,
        `${user}/password`,
        `${user}/profile`,
        `/console/orgs/${api.orgId}/members`,
        `${user}/memberships/${api.orgId}/remove`,
        `${user}/global-owner/grant`,
        `${user}/global-owner/revoke`,
        // Sessionless forms (their own token is missing here); sign-out would end the run.
        '/console/sign-in',
        '/console/setup',
      ],
    };
  });
  afterAll(() => api.close());

  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      '99999999999',
      '%',
      '%zz',
      '\u0000',
      '<script>',
      '../..',
      'x'.repeat(5000),
    ),
  );
  const names = fc.constantFrom(
    '_csrf',
    'username',
    'password',
    'name',
    'description',
    'orgId',
    'role',
    'globalOwner',
    'firstName',
    'emailAddress',
    'q',
    'pageNum',
    'next',
    'notice',
    'token',
    'x',
  );

  it('any query string on any page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.get),
        fc.array(fc.tuple(names, text), { maxLength: 4 }),
        async (path, pairs) => {
          const response = await admin.get(`${path}?${new URLSearchParams(pairs).toString()}`);
          expect(response.statusCode, path).toBeLessThan(500);
          if (response.statusCode !== 303)
            expect(response.headers['content-type']).toMatch(/^text\/html/);
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });

  it('any body, of any declared type, to any form', async () => {
    const body = fc.oneof(
      fc.array(fc.tuple(names, text), { maxLength: 6 }).map((pairs) => ({
        contentType: 'application/x-www-form-urlencoded',
        // With the session's token, so the form's own validation is reached, not just CSRF.
        payload: new URLSearchParams([['_csrf', admin.csrf], ...pairs]).toString(),
      })),
      fc.record({
        contentType: fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded; charset=latin1',
        ),
        payload: text,
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes.post), body, async (path, sent) => {
        const response = await admin.send('POST', path, sent);
        expect(response.statusCode, `${path} ${sent.contentType}`).toBeLessThan(500);
        if (response.statusCode !== 303)
          expect(response.headers['content-type']).toMatch(/^text\/html/);
      }),
      { numRuns: 300, seed: 20261127 },
    );
    // The session survived the whole run, and the pages still render.
    expect((await admin.get('/console/users')).statusCode).toBe(200);
    expect((await admin.get(`/console/users/${api.alice.user.id}`)).statusCode).toBe(200);
  });
});
