// The access-list gate for a programmatic key, over real sockets from other loopback
// addresses: listed → 200 (use counted on the entry); unlisted with the right private key
// → 403; unlisted with a wrong one → the plain 401. Forward authentication is gated too.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';
import { type Signer, UNAUTHORIZED } from '../support/org-keys.js';
import { expectGatedAt, send } from '../support/socket-client.js';

describe('the access-list gate for a programmatic key', () => {
  let api: TestApi;
  let port: number;
  let keyId: string;
  let key: Signer;
  let sibling: Signer;
  const orgUsers = () => `${ATLAS}/orgs/${api.orgId}/users`;

  beforeAll(async () => {
    // Every loopback peer is a trusted proxy (forward auth answers only those); with no
    // X-Forwarded-For, the peer itself is the client address.
    api = await TestApi.start({ trustProxy: ['loopback'], usageFlushIntervalMs: 60_000 });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
    const create = async () => {
      const res = await api.request({
        method: 'POST',
        url: `${ATLAS}/orgs/${api.orgId}/apiKeys`,
        as: api.root,
        body: { desc: 'ci', roles: ['ORG_MEMBER'] },
      });
      expect(res.statusCode, res.body).toBe(200);
      const doc = res.json();
      return { id: doc.id as string, as: { username: doc.publicKey, key: doc.privateKey } };
    };
    const made = await create();
    keyId = made.id;
    key = made.as;
    sibling = (await create()).as;
    // Cached before the list exists: adding it must reach the cache.
    expect((await send(api, port, '127.0.0.3', orgUsers(), { as: key })).status).toBe(200);
    const added = await api.request({
      method: 'POST',
      url: `${ATLAS}/orgs/${api.orgId}/apiKeys/${keyId}/accessList`,
      as: api.root,
      body: [{ ipAddress: '127.0.0.2', comment: 'build box' }],
    });
    expect(added.statusCode).toBe(201);
  });
  afterAll(() => api.close());

  it('admits the listed address only, and only a verified request learns of the list', async () => {
    expect((await send(api, port, '127.0.0.2', orgUsers(), { as: key })).status).toBe(200);
    await expectGatedAt(api, port, '127.0.0.3', orgUsers(), key, keyId);
    // Another key of the org is not gated by this one's list.
    expect((await send(api, port, '127.0.0.3', orgUsers(), { as: sibling })).status).toBe(200);
  });

  it('counts use on the entry, batched', async () => {
    const owner = { kind: 'apiKey', id: keyId } as const;
    const before = (await api.service.store.getAccessEntry(owner, '127.0.0.2/32'))?.count ?? 0;
    for (let i = 0; i < 3; i++) {
      expect((await send(api, port, '127.0.0.2', orgUsers(), { as: key })).status).toBe(200);
    }
    expect((await api.service.store.getAccessEntry(owner, '127.0.0.2/32'))?.count).toBe(before);
    await api.service.accessUsage.flush();
    const stored = await api.service.store.getAccessEntry(owner, '127.0.0.2/32');
    expect(stored?.count).toBeGreaterThanOrEqual(before + 3);
    expect(stored?.lastUsedAddress).toBe('127.0.0.2');
  });

  it('gates forward authentication', async () => {
    const ask = (from: string, as: Signer) =>
      send(api, port, from, '/auth/digest', {
        as,
        headers: { 'x-original-method': 'GET', 'x-original-uri': '/orders/7' },
        signed: { method: 'GET', uri: '/orders/7' },
      });
    expect((await ask('127.0.0.2', key)).status).toBe(200);
    const refused = await ask('127.0.0.3', key);
    expect(refused.status).toBe(403);
    expect(refused.headers['x-keyward-denied']).toBe(
      'IP address 127.0.0.3 is not allowed to access this resource.',
    );
    const guess = await ask('127.0.0.3', { username: key.username, key: 'wrong' });
    expect(guess.status).toBe(401);
    expect(JSON.parse(guess.body)).toEqual(UNAUTHORIZED);
  });
});
