import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';
import { ROUTES } from './routes.js';

const UNAUTHORIZED =
  '{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource."}';
const CHALLENGE =
  /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9_-]+", algorithm=(MD5|SHA-256), qop="auth", stale=false$/;

// One suite, every route: the same authentication rules hold everywhere.
describe.each(['/api/atlas/v1.0', '/api/public/v1.0'])(
  'authentication on every route under %s',
  (prefix) => {
    let api: TestApi;
    beforeAll(async () => {
      api = await TestApi.start();
    });
    afterAll(() => api.close());

    describe.each(ROUTES)('$name', (route) => {
      const send = (as: { username: string; key: string } | undefined, userId: string) =>
        api.request({
          method: route.method,
          url: prefix + route.url(api, userId),
          body: route.body,
          as,
        });

      it('succeeds for the user named in the credentials', async () => {
        const res = await send(api.alice, api.alice.user.id);
        expect(res.statusCode).toBe(route.success);
        expect(res.headers['authentication-info']).toMatch(
          /^rspauth="[0-9a-f]+", cnonce="[^"]+", nc=[0-9a-f]{8}, qop=auth$/,
        );
      });

      it('challenges a request without credentials with the exact Atlas body and challenge', async () => {
        const res = await send(undefined, api.alice.user.id);
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(UNAUTHORIZED);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const challenges = res.headers['www-authenticate'];
        expect(Array.isArray(challenges)).toBe(true);
        expect(challenges).toHaveLength(2);
        const [md5, sha] = challenges as string[];
        expect(md5).toMatch(CHALLENGE);
        expect(md5).toContain('algorithm=MD5,');
        expect(sha).toContain('algorithm=SHA-256,');
        expect(md5?.match(/nonce="([^"]+)"/)?.[1]).toBe(sha?.match(/nonce="([^"]+)"/)?.[1]);
      });

      it('refuses a wrong key', async () => {
        const res = await send(
          { username: api.alice.username, key: api.bob.key },
          api.alice.user.id,
        );
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(UNAUTHORIZED);
        expect(String(res.headers['www-authenticate'])).toContain('stale=false');
      });

      it('refuses an unknown user exactly as a wrong key', async () => {
        const res = await send(
          { username: 'nobody@example.com', key: api.alice.key },
          api.alice.user.id,
        );
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(UNAUTHORIZED);
      });

      if (!route.anyUser) {
        it("refuses another user's USER-ID with the same 401", async () => {
          const res = await send(api.bob, api.alice.user.id);
          expect(res.statusCode).toBe(401);
          expect(res.body).toBe(UNAUTHORIZED);
        });
      }
    });

    it('gives a USER-ID that does not exist the same 401 as one that does', async () => {
      const res = await api.request({
        url: `${prefix}/users/${'a'.repeat(24)}/keys`,
        as: api.alice,
      });
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(UNAUTHORIZED);
      const asRoot = await api.request({
        url: `${prefix}/users/${'a'.repeat(24)}/keys`,
        as: api.root,
      });
      expect(asRoot.statusCode).toBe(401);
    });

    it('refuses org listings to non-members and for unknown orgs', async () => {
      const outsider = await api.request({
        url: `${prefix}/orgs/${api.orgId}/users`,
        as: api.root,
      });
      expect(outsider.statusCode).toBe(200); // GLOBAL_OWNER
      const unknown = await api.request({
        url: `${prefix}/orgs/${'b'.repeat(24)}/users`,
        as: api.alice,
      });
      expect(unknown.statusCode).toBe(401);
    });
  },
);

describe('Digest protocol over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  const url = () => `${ATLAS}/users/${api.alice.user.id}`;

  it('refuses a replayed request and accepts the next nc', async () => {
    const { digestAuthorization } = await import('../support/digest-client.js');
    const challenge = await api.challenge();
    const header = (nc: number) =>
      digestAuthorization({
        username: api.alice.username,
        password: api.alice.key,
        method: 'GET',
        uri: url(),
        challenge,
        nc,
      });
    const first = await api.app.inject({ url: url(), headers: { authorization: header(7) } });
    expect(first.statusCode).toBe(200);
    const replay = await api.app.inject({ url: url(), headers: { authorization: header(7) } });
    expect(replay.statusCode).toBe(401);
    const earlier = await api.app.inject({ url: url(), headers: { authorization: header(3) } });
    expect(earlier.statusCode).toBe(200);
    const next = await api.app.inject({ url: url(), headers: { authorization: header(8) } });
    expect(next.statusCode).toBe(200);
  });

  it('answers 400 INVALID_AUTHORIZATION_HEADER when uri is not the request target', async () => {
    const { digestAuthorization } = await import('../support/digest-client.js');
    const challenge = await api.challenge();
    const authorization = digestAuthorization({
      username: api.alice.username,
      password: api.alice.key,
      method: 'GET',
      uri: `${url()}/other`,
      challenge,
      nc: 1,
    });
    const res = await api.app.inject({ url: url(), headers: { authorization } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errorCode: 'INVALID_AUTHORIZATION_HEADER', error: 400 });
  });

  it.each([
    [
      'Digest username="a", username*=UTF-8\'\'a, realm="MMS Public API", nonce="x", uri="/", response="00", qop=auth, nc=00000001, cnonce="c"',
    ],
    ['Digest username="a'],
    ['Digest ,,,'],
    [
      'Digest username="a", username="b", realm="MMS Public API", nonce="x", uri="/", response="00", qop=auth, nc=1, cnonce="c"',
    ],
  ])('answers 400 for a malformed header: %s', async (authorization) => {
    const res = await api.app.inject({ url: url(), headers: { authorization } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errorCode).toBe('INVALID_AUTHORIZATION_HEADER');
  });

  it('challenges a Basic header instead of rejecting it as malformed', async () => {
    const res = await api.app.inject({ url: url(), headers: { authorization: 'Basic YTpi' } });
    expect(res.statusCode).toBe(401);
  });
});
