import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Account, ATLAS, TestApi } from '../support/api.js';
import { digestAuthorization } from '../support/digest-client.js';
import { type Ask, ask, nextNc } from '../support/gateway.js';

describe('GET /auth/digest (forward authentication)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ trustProxy: ['127.0.0.1'], usageFlushIntervalMs: 60_000 });
  });
  afterAll(() => api.close());

  it('verifies against the original request and answers 200 with the identity headers', async () => {
    const { alice } = api;
    const response = await ask(api, { as: alice, method: 'POST', uri: '/orders?a=%2F' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({
      'x-keyward-user-id': alice.user.id,
      'x-keyward-username': 'alice@example.com',
      'x-keyward-key-id': alice.keyId,
      'x-keyward-orgs': `${api.orgId}:ORG_MEMBER`,
      'x-keyward-global-roles': '',
    });
    expect(response.headers['authentication-info']).toMatch(/rspauth="[0-9a-f]{32}"/);
    const root = await ask(api, { as: api.root });
    expect(root.headers['x-keyward-global-roles']).toBe('GLOBAL_OWNER');
  });

  it('takes Traefik’s and Caddy’s X-Forwarded-Method and -Uri', async () => {
    const response = await api.app.inject({
      url: '/auth/digest',
      headers: {
        'x-forwarded-method': 'DELETE',
        'x-forwarded-uri': '/a/b',
        'x-forwarded-host': 'shop.example.com',
        authorization: digestAuthorization({
          username: api.bob.username,
          password: api.bob.key,
          method: 'DELETE',
          uri: '/a/b',
          challenge: await api.challenge(),
          nc: nextNc(),
        }),
      },
    });
    expect(response.statusCode).toBe(200);
  });

  it('answers 401 with the API’s own challenge: no header, wrong key, another method or URI', async () => {
    const apiAnswer = await api.app.inject({ url: `${ATLAS}/users/${api.bob.user.id}` });
    for (const options of [
      {},
      { as: { username: api.bob.username, key: 'wrong' } },
      { as: api.bob, signed: { method: 'POST' } },
    ] satisfies Ask[]) {
      const response = await ask(api, options);
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(apiAnswer.body);
      const challenge = response.headers['www-authenticate'] as string[];
      expect(challenge.map((line) => line.replace(/nonce="[^"]+"/, ''))).toEqual(
        (apiAnswer.headers['www-authenticate'] as string[]).map((line) =>
          line.replace(/nonce="[^"]+"/, ''),
        ),
      );
    }
    // A uri that is not the original target is the API's 400, as a 403 a proxy passes on.
    const moved = await ask(api, { as: api.bob, signed: { uri: '/elsewhere' } });
    expect(moved.statusCode).toBe(403);
    expect(moved.json().errorCode).toBe('GATEWAY_INVALID_AUTHORIZATION');
    expect(moved.headers['x-keyward-denied']).toBe('uri does not match the request target');
  });

  it('answers under /auth/digest/… too (Envoy appends the path), from the headers alone', async () => {
    // (`query` is appended to /auth/digest as it is.)
    const signed = await ask(api, { as: api.bob, uri: '/env/oy', method: 'PUT', query: '/env/oy' });
    expect(signed.statusCode).toBe(200);
    expect(signed.headers['x-keyward-user-id']).toBe(api.bob.user.id);
    const unsigned = await ask(api, { uri: '/env/oy', query: '/env/oy' });
    expect(unsigned.statusCode).toBe(401);
  });

  it('refuses a replayed Authorization header', async () => {
    const authorization = digestAuthorization({
      username: api.bob.username,
      password: api.bob.key,
      method: 'GET',
      uri: '/once',
      challenge: await api.challenge(),
      nc: 1,
    });
    expect((await ask(api, { uri: '/once', authorization })).statusCode).toBe(200);
    expect((await ask(api, { uri: '/once', authorization })).statusCode).toBe(401);
  });

  it('counts usage like API requests', async () => {
    const { bob } = api;
    await api.service.usage.flush();
    const stored = async () => (await api.service.store.getKey(bob.user.id, bob.keyId))?.usedCount;
    const start = await stored();
    for (let i = 0; i < 3; i++) expect((await ask(api, { as: bob })).statusCode).toBe(200);
    await api.service.usage.flush();
    expect(await stored()).toBe((start ?? 0) + 3);
    const key = await api.service.store.getKey(bob.user.id, bob.keyId);
    expect(key?.lastUsed).toBeDefined();
    const today = new Date().toISOString().slice(0, 10);
    const daily = await api.service.store.dailyUsage([bob.keyId], today);
    expect(daily[0]?.count).toBeGreaterThanOrEqual(3);
  });

  it('refuses a disabled key at once', async () => {
    const { root } = api;
    const url = `${ATLAS}/users/${root.user.id}/keys`;
    const made = await api.request({ method: 'POST', url, as: root, body: { description: 'gw' } });
    const { id, key } = made.json();
    const account = { username: root.username, key };
    expect((await ask(api, { as: account })).statusCode).toBe(200);
    const disabled = await api.request({
      method: 'PATCH',
      url: `${url}/${id}`,
      as: root,
      body: { enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await ask(api, { as: account })).statusCode).toBe(401);
  });
});

describe('/auth/digest refuses what it cannot believe or allow', () => {
  let api: TestApi;
  afterEach(() => api.close());

  it('never believes a peer outside --trust-proxy, nor a request it cannot name', async () => {
    api = await TestApi.start({ trustProxy: ['10.0.0.1'] });
    const untrusted = await ask(api, { as: api.alice });
    expect(untrusted.statusCode).toBe(400);
    expect(untrusted.json().errorCode).toBe('GATEWAY_UNTRUSTED_PEER');
    await api.close();
    api = await TestApi.start({ trustProxy: ['127.0.0.1'] });
    const none = await api.app.inject({ url: '/auth/digest' });
    expect(none.json().errorCode).toBe('GATEWAY_NO_ORIGINAL_REQUEST');
    const conflicting = await ask(api, {
      as: api.alice,
      headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/admin' },
    });
    expect(conflicting.statusCode).toBe(400);
    expect(conflicting.json().detail).toMatch(/different requests/);
  });

  it('applies the location’s requirements: org, role in an org, GLOBAL_OWNER, usernames', async () => {
    api = await TestApi.start({ trustProxy: ['loopback'] });
    const { alice, root, orgId } = api;
    const other = '0123456789abcdef01234567';
    const cases: [Account, string, number][] = [
      [alice, `?org=${orgId}`, 200],
      [root, `?org=${orgId}`, 403],
      [alice, `?org=${other}&org=${orgId}`, 200],
      [alice, `?orgRole=${orgId}:ORG_OWNER`, 403],
      [alice, `?orgRole=${orgId}:ORG_OWNER&orgRole=${orgId}:ORG_MEMBER`, 200],
      [alice, '?globalRole=GLOBAL_OWNER', 403],
      [root, '?globalRole=GLOBAL_OWNER', 200],
      [alice, '?username=root&username=bob%40example.com', 403],
      [alice, '?username=alice%40example.com', 200],
      [alice, `?username=alice%40example.com&org=${other}`, 403],
    ];
    for (const [who, query, status] of cases) {
      const response = await ask(api, { as: who, query });
      expect(response.statusCode, `${who.username} ${query}`).toBe(status);
      if (status === 403) {
        expect(response.json().errorCode).toBe('GATEWAY_ACCESS_DENIED');
        expect(response.headers['x-keyward-denied']).toMatch(/^Denied: /);
        expect(response.headers['x-keyward-user-id']).toBeUndefined();
      }
    }
    const typo = await ask(api, { as: alice, query: `?orgRole=${orgId}:ORG_OWNR` });
    expect(typo.statusCode).toBe(400);
    expect((await ask(api, { as: alice, query: '?org=nope' })).statusCode).toBe(400);
  });

  it('answers a locked-out client 403 with Retry-After, which nginx passes on', async () => {
    api = await TestApi.start({
      trustProxy: ['127.0.0.1'],
      authFailureLimit: 2,
      authLockoutSeconds: 60,
    });
    const wrong = { username: api.bob.username, key: 'wrong' };
    expect((await ask(api, { as: wrong })).statusCode).toBe(401);
    expect((await ask(api, { as: wrong })).statusCode).toBe(401);
    const locked = await ask(api, { as: wrong });
    expect(locked.statusCode).toBe(403);
    expect(locked.json().errorCode).toBe('GATEWAY_RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.headers['x-keyward-denied']).toMatch(/retry in/);
  });
});

describe('/auth/digest in /openapi.json', () => {
  it('is described with its headers in and out', async () => {
    const api = await TestApi.start();
    const doc = (await api.app.inject({ url: '/openapi.json' })).json();
    await api.close();
    const path = doc.paths['/auth/digest'];
    expect(Object.keys(path)).toEqual(['get']);
    const { parameters, responses } = path.get;
    expect(parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:org', 'query:orgRole', 'header:x-original-uri']),
    );
    expect(Object.keys(responses[200].headers)).toContain('X-Keyward-Orgs');
    expect(Object.keys(responses[403].headers)).toEqual(['X-Keyward-Denied', 'Retry-After']);
    expect(responses[401]).toBeDefined();
  });
});
