import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('personal API keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  const keysUrl = (userId: string) => `${ATLAS}/users/${userId}/keys`;

  it('creates a key, shows it once, and the new key authenticates', async () => {
    const { alice } = api;
    const created = await api.request({
      method: 'POST',
      url: keysUrl(alice.user.id),
      as: alice,
      body: { description: 'New API Key' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const doc = created.json();
    expect(Object.keys(doc)).toEqual([
      'createdAt',
      'description',
      'enabled',
      'id',
      'key',
      'usedCount',
      'userId',
    ]);
    expect(doc).toMatchObject({
      description: 'New API Key',
      enabled: true,
      usedCount: 0,
      userId: alice.user.id,
    });
    expect(doc.key).toMatch(UUID_V4);
    expect(doc.createdAt).toMatch(TIMESTAMP);
    expect(doc.id).toMatch(/^[0-9a-f]{24}$/);

    const withNewKey = await api.request({
      url: keysUrl(alice.user.id),
      as: { username: alice.username, key: doc.key },
    });
    expect(withNewKey.statusCode).toBe(200);
    const listed = withNewKey.json().results.find((k: { id: string }) => k.id === doc.id);
    expect(listed.obfuscatedKey).toBe(`********-****-****-${doc.key.slice(-12)}`);
    expect(listed).not.toHaveProperty('key');
    expect(JSON.stringify(withNewKey.json())).not.toContain(doc.key);
  });

  it('accepts an empty description and rejects one over 250 characters', async () => {
    const { bob } = api;
    const empty = await api.request({
      method: 'POST',
      url: keysUrl(bob.user.id),
      as: bob,
      body: { description: '' },
    });
    expect(empty.statusCode).toBe(201);
    expect(empty.json().description).toBe('');
    const long = await api.request({
      method: 'POST',
      url: keysUrl(bob.user.id),
      as: bob,
      body: { description: 'x'.repeat(251) },
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().errorCode).toBe('INVALID_ATTRIBUTE');
    const exact = await api.request({
      method: 'POST',
      url: keysUrl(bob.user.id),
      as: bob,
      body: { description: 'x'.repeat(250) },
    });
    expect(exact.statusCode).toBe(201);
  });

  it('counts each successful authentication against the key that was used', async () => {
    const { root } = api;
    const before = await api.request({ url: keysUrl(root.user.id), as: root });
    const countBefore = before.json().results[0].usedCount;
    for (let i = 0; i < 3; i++)
      await api.request({ url: `${ATLAS}/users/${root.user.id}`, as: root });
    const after = await api.request({ url: keysUrl(root.user.id), as: root });
    const key = after.json().results[0];
    // The list request itself authenticated too: three requests plus one.
    expect(key.usedCount).toBe(countBefore + 4);
    expect(key.lastUsed).toMatch(TIMESTAMP);
    // Atlas's field order, lastUsed between id and obfuscatedKey; keyward's extensions
    // (where the key was last used) beside it, in the same alphabetical order.
    expect(Object.keys(key)).toEqual([
      'createdAt',
      'description',
      'enabled',
      'id',
      'lastUsed',
      'lastUsedAddress',
      'lastUsedUserAgent',
      'obfuscatedKey',
      'usedCount',
      'userId',
    ]);
  });
});

describe('usage counts in lists', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ usageFlushIntervalMs: 60_000 });
  });
  afterAll(() => api.close());

  it('stay exact across flushes while the list is served from memory', async () => {
    const { bob } = api;
    const url = `${ATLAS}/users/${bob.user.id}/keys`;
    const count = async () => (await api.request({ url, as: bob })).json().results[0].usedCount;
    expect(await count()).toBe(1); // the list request itself
    for (let i = 0; i < 4; i++)
      await api.request({ url: `${ATLAS}/users/${bob.user.id}`, as: bob });
    expect(await count()).toBe(6);
    await api.service.usage.flush();
    expect(await count()).toBe(7);
    await api.service.usage.flush();
    await api.service.usage.flush();
    expect(await count()).toBe(8);
    expect((await api.service.store.getKey(bob.user.id, bob.keyId))?.usedCount).toBe(7);
  });
});

describe('key lifecycle', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  it('disables, re-enables and deletes a key; a disabled or deleted key no longer authenticates', async () => {
    const { alice } = api;
    const created = (
      await api.request({
        method: 'POST',
        url: `${ATLAS}/users/${alice.user.id}/keys`,
        as: alice,
        body: { description: 'temp' },
      })
    ).json();
    const second = { username: alice.username, key: created.key };
    const keyUrl = `${ATLAS}/users/${alice.user.id}/keys/${created.id}`;

    const disabled = await api.request({
      method: 'PATCH',
      url: keyUrl,
      as: alice,
      body: { enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id: created.id, enabled: false });
    expect(disabled.json().obfuscatedKey).toBe(`********-****-****-${created.key.slice(-12)}`);
    expect(
      (await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: second })).statusCode,
    ).toBe(401);

    const enabled = await api.request({
      method: 'PATCH',
      url: keyUrl,
      as: alice,
      body: { enabled: true },
    });
    expect(enabled.json().enabled).toBe(true);
    expect(
      (await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: second })).statusCode,
    ).toBe(200);

    const deleted = await api.request({ method: 'DELETE', url: keyUrl, as: alice });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(
      (await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: second })).statusCode,
    ).toBe(401);

    const again = await api.request({ method: 'DELETE', url: keyUrl, as: alice });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({
      error: 404,
      errorCode: 'API_KEY_NOT_FOUND',
      reason: 'Not Found',
    });
  });

  it("answers 404 for another user's key id, without touching it", async () => {
    const { alice, bob } = api;
    const res = await api.request({
      method: 'PATCH',
      url: `${ATLAS}/users/${alice.user.id}/keys/${bob.keyId}`,
      as: alice,
      body: { enabled: false },
    });
    expect(res.statusCode).toBe(404);
    expect((await api.request({ url: `${ATLAS}/users/${bob.user.id}`, as: bob })).statusCode).toBe(
      200,
    );
  });

  it("lets a GLOBAL_OWNER manage any user's keys, and nobody else", async () => {
    const { alice, bob, root } = api;
    const byRoot = await api.request({ url: `${ATLAS}/users/${alice.user.id}/keys`, as: root });
    expect(byRoot.statusCode).toBe(200);
    expect(byRoot.json().results.every((k: { userId: string }) => k.userId === alice.user.id)).toBe(
      true,
    );
    const created = await api.request({
      method: 'POST',
      url: `${ATLAS}/users/${bob.user.id}/keys`,
      as: root,
      body: { description: 'issued by the owner' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().userId).toBe(bob.user.id);
    const bobsNew = { username: bob.username, key: created.json().key };
    expect(
      (await api.request({ url: `${ATLAS}/users/${bob.user.id}`, as: bobsNew })).statusCode,
    ).toBe(200);
    const keyUrl = `${ATLAS}/users/${bob.user.id}/keys/${created.json().id}`;
    const disabled = await api.request({
      method: 'PATCH',
      url: keyUrl,
      as: root,
      body: { enabled: false },
    });
    expect(disabled.json().enabled).toBe(false);
    expect(
      (await api.request({ url: `${ATLAS}/users/${bob.user.id}`, as: bobsNew })).statusCode,
    ).toBe(401);
    expect((await api.request({ method: 'DELETE', url: keyUrl, as: root })).statusCode).toBe(204);
    const byBob = await api.request({ url: `${ATLAS}/users/${alice.user.id}/keys`, as: bob });
    expect(byBob.statusCode).toBe(401);
    expect(byBob.body).toBe(
      '{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource."}',
    );
  });
});

describe('keys per user cap', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ maxKeysPerUser: 3 });
  });
  afterAll(() => api.close());

  it('refuses the key past the cap with 409 and keeps the others', async () => {
    const { alice } = api;
    const url = `${ATLAS}/users/${alice.user.id}/keys`;
    // alice holds one key already.
    for (let i = 0; i < 2; i++) {
      expect(
        (await api.request({ method: 'POST', url, as: alice, body: { description: `k${i}` } }))
          .statusCode,
      ).toBe(201);
    }
    const refused = await api.request({
      method: 'POST',
      url,
      as: alice,
      body: { description: 'one too many' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().errorCode).toBe('TOO_MANY_API_KEYS');
    expect((await api.request({ url, as: alice })).json().totalCount).toBe(3);
  });
});
