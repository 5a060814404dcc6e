// A programmatic key goes through the personal keys' machinery: replay window, failure
// throttle, usage counts, revocation by another instance, and forward authentication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, ATLAS, TestApi } from '../support/api.js';
import { digestAuthorization } from '../support/digest-client.js';
import { ask } from '../support/gateway.js';
import { injectAsClient } from '../support/inject.js';

describe('a programmatic key through the shared authenticator', () => {
  let api: TestApi;
  let owner: Account;
  const keys = () => `${ATLAS}/orgs/${api.orgId}/apiKeys`;

  beforeAll(async () => {
    api = await TestApi.start({
      trustProxy: ['127.0.0.1'],
      authFailureLimit: 3,
      authLockoutSeconds: 600,
      usageFlushIntervalMs: 60_000,
    });
    owner = await api.account({
      username: 'owner@example.com',
      org: { orgId: api.orgId, roleName: 'ORG_OWNER' },
    });
  });
  afterAll(() => api.close());

  const create = async (roles: string[]) => {
    const res = await api.request({
      method: 'POST',
      url: keys(),
      as: owner,
      body: { desc: 'auth', roles },
    });
    const doc = res.json();
    return {
      id: doc.id as string,
      username: doc.publicKey as string,
      key: doc.privateKey as string,
    };
  };

  it('refuses a replayed Authorization header', async () => {
    const key = await create(['ORG_OWNER']);
    const url = keys();
    const authorization = digestAuthorization({
      username: key.username,
      password: key.key,
      method: 'GET',
      uri: url,
      challenge: await api.challenge(),
      nc: 1,
    });
    const send = () => injectAsClient(api.app, { method: 'GET', url, headers: { authorization } });
    expect((await send()).statusCode).toBe(200);
    const replayed = await send();
    expect(replayed.statusCode).toBe(401);
    expect(replayed.headers['www-authenticate']).toBeDefined();
  });

  it('counts its successful authentications in the usage flush', async () => {
    const key = await create(['ORG_MEMBER']);
    const url = `${ATLAS}/orgs/${api.orgId}/users`;
    for (let i = 0; i < 3; i++) expect((await api.request({ url, as: key })).statusCode).toBe(200);
    await api.service.usage.flush();
    const stored = await api.service.store.getOrgApiKey(api.orgId, key.id);
    expect(stored?.usedCount).toBe(3);
    expect(stored?.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers forward authentication with the key’s identity, and its kind', async () => {
    const key = await create(['ORG_MEMBER']);
    const response = await ask(api, { as: key });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'x-keyward-principal': 'apiKey',
      'x-keyward-user-id': '',
      'x-keyward-username': '',
      'x-keyward-public-key': key.username,
      'x-keyward-key-id': key.id,
      'x-keyward-orgs': `${api.orgId}:ORG_MEMBER`,
      'x-keyward-global-roles': '',
    });
    const asUser = await ask(api, { as: api.alice });
    expect(asUser.headers).toMatchObject({
      'x-keyward-principal': 'user',
      'x-keyward-public-key': '',
    });
    const member = await ask(api, { as: key, query: `?orgRole=${api.orgId}:ORG_MEMBER` });
    expect(member.statusCode).toBe(200);
    // A key has no username: a location open to named users is closed to it.
    const named = await ask(api, { as: key, query: `?username=${key.username}` });
    expect(named.statusCode).toBe(403);
  });

  it('stops authenticating on another instance once deleted', async () => {
    const key = await create(['ORG_MEMBER']);
    const other = await api.anotherInstance();
    try {
      const url = `${ATLAS}/orgs/${api.orgId}/users`;
      expect((await other.request({ url, as: key })).statusCode).toBe(200);
      const deleted = await api.request({
        method: 'DELETE',
        url: `${keys()}/${key.id}`,
        as: owner,
      });
      expect(deleted.statusCode).toBe(204);
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 3000) {
        status = (await other.request({ url, as: key })).statusCode;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(401);
      // One revision poll (1 s), plus the load of a busy test machine.
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await other.close();
    }
  });

  // Last: the lockout covers the client's address too, so every later request would be refused.
  it('throttles guesses at a public key like guesses at a username', async () => {
    const key = await create(['ORG_MEMBER']);
    const wrong = { username: key.username, key: '00000000-0000-4000-8000-000000000000' };
    const url = `${ATLAS}/orgs/${api.orgId}/users`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.request({ url, as: wrong })).statusCode);
    expect(statuses).toEqual([401, 401, 429, 429]);
    // Locked out now, even with the right private key.
    expect((await api.request({ url, as: key })).statusCode).toBe(429);
  });
});
