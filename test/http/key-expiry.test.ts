import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

const HOUR_MS = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Expiry, rotation and where a key was last used, through the API (keyward's extensions). */
describe('key expiry and rotation', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ maxKeyLifetimeMs: HOUR_MS });
  });
  afterAll(() => api.close());

  const keysUrl = (userId: string) => `${ATLAS}/users/${userId}/keys`;
  const listAs = (key: string) =>
    api.request({ url: keysUrl(api.alice.user.id), as: { username: api.alice.username, key } });
  const create = async (body: object) => {
    const created = await api.request({
      method: 'POST',
      url: keysUrl(api.alice.user.id),
      as: api.alice,
      body,
    });
    expect(created.statusCode).toBe(201);
    return created.json();
  };
  const secondsFromNow = (at: string) => (Date.parse(at) - Date.now()) / 1000;

  it('caps every new key at --max-key-lifetime, asked or not', async () => {
    const unasked = await create({ description: 'no expiry asked' });
    expect(secondsFromNow(unasked.expiresAt)).toBeGreaterThan(3590);
    expect(secondsFromNow(unasked.expiresAt)).toBeLessThanOrEqual(3600);
    const longer = await create({ description: 'too long', expiresInSeconds: 7200 });
    expect(secondsFromNow(longer.expiresAt)).toBeLessThanOrEqual(3600);
    const shorter = await create({ description: 'short', expiresInSeconds: 600 });
    expect(secondsFromNow(shorter.expiresAt)).toBeLessThanOrEqual(600);
    expect(secondsFromNow(shorter.expiresAt)).toBeGreaterThan(590);
  });

  it('answers an expired key exactly as a disabled one: 401', async () => {
    const doc = await create({ description: 'brief', expiresInSeconds: 2 });
    const live = await listAs(doc.key);
    expect(live.statusCode).toBe(200);
    const listed = live.json().results.find((k: { id: string }) => k.id === doc.id);
    expect(listed.expiresAt).toBe(doc.expiresAt);

    const disabled = await create({ description: 'to disable' });
    const patched = await api.request({
      method: 'PATCH',
      url: `${keysUrl(api.alice.user.id)}/${disabled.id}`,
      as: api.alice,
      body: { enabled: false },
    });
    expect(patched.statusCode).toBe(200);

    await sleep(Date.parse(doc.expiresAt) - Date.now() + 100);
    const expired = await listAs(doc.key);
    const refused = await listAs(disabled.key);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual(refused.json());
    expect(Object.keys(expired.headers).sort()).toEqual(Object.keys(refused.headers).sort());
  });

  it('rolls a key: same description, both work during the overlap, the old one fails after', async () => {
    const old = await create({ description: 'deploy bot' });
    const rolled = await api.request({
      method: 'POST',
      url: `${keysUrl(api.alice.user.id)}/${old.id}/roll`,
      as: api.alice,
      body: { overlapSeconds: 2 },
    });
    expect(rolled.statusCode).toBe(201);
    const fresh = rolled.json();
    expect(fresh.description).toBe('deploy bot');
    expect(fresh.id).not.toBe(old.id);
    expect((await listAs(old.key)).statusCode).toBe(200);
    expect((await listAs(fresh.key)).statusCode).toBe(200);
    const listed = (await listAs(fresh.key)).json().results;
    const oldNow = listed.find((k: { id: string }) => k.id === old.id);
    expect(secondsFromNow(oldNow.expiresAt)).toBeLessThanOrEqual(2);

    await sleep(Date.parse(oldNow.expiresAt) - Date.now() + 100);
    expect((await listAs(old.key)).statusCode).toBe(401);
    expect((await listAs(fresh.key)).statusCode).toBe(200);
  });

  it('rolls with a day of overlap when none is asked for', async () => {
    const old = await create({ description: 'nightly' });
    const rolled = await api.request({
      method: 'POST',
      url: `${keysUrl(api.alice.user.id)}/${old.id}/roll`,
      as: api.alice,
      body: {},
    });
    expect(rolled.statusCode).toBe(201);
    const stored = await api.service.store.getKey(api.alice.user.id, old.id);
    // Capped by this server's one-hour --max-key-lifetime, which the new key gets too.
    expect(secondsFromNow(stored?.expiresAt ?? '')).toBeGreaterThan(3590);
    expect(secondsFromNow(rolled.json().expiresAt)).toBeGreaterThan(3590);
  });

  it('refuses to roll a key the user does not hold', async () => {
    const missing = await api.request({
      method: 'POST',
      url: `${keysUrl(api.alice.user.id)}/${'a'.repeat(24)}/roll`,
      as: api.alice,
      body: {},
    });
    expect(missing.statusCode).toBe(404);
  });

  it('shows where a key was last used once the usage flush wrote it', async () => {
    const { bob, root } = api;
    const used = await api.request({
      url: keysUrl(bob.user.id),
      as: bob,
      headers: { 'user-agent': 'deploy-script/1.2' },
    });
    expect(used.statusCode).toBe(200);
    await api.service.usage.flush();
    const stored = await api.service.store.getKey(bob.user.id, bob.keyId);
    expect(stored?.lastUsedAddress).toBe('127.0.0.1');
    expect(stored?.lastUsedUserAgent).toBe('deploy-script/1.2');
    // A GLOBAL_OWNER's view of bob's keys comes from the store.
    const seen = await api.request({ url: keysUrl(bob.user.id), as: root });
    const listed = seen.json().results.find((k: { id: string }) => k.id === bob.keyId);
    expect(listed).toMatchObject({
      lastUsedAddress: '127.0.0.1',
      lastUsedUserAgent: 'deploy-script/1.2',
    });
  });

  it('expires programmatic keys alike: capped, asked for, listed, then 401', async () => {
    const url = `${ATLAS}/orgs/${api.orgId}/apiKeys`;
    const make = async (body: object) => {
      const made = await api.request({ method: 'POST', url, as: api.root, body });
      expect(made.statusCode).toBe(200);
      return made.json();
    };
    const roles = ['ORG_MEMBER'];
    const capped = await make({ desc: 'capped', roles });
    expect(secondsFromNow(capped.expiresAt)).toBeGreaterThan(3590);
    expect(secondsFromNow(capped.expiresAt)).toBeLessThanOrEqual(3600);
    const brief = await make({ desc: 'brief', roles, expiresInSeconds: 2 });
    const as = { username: brief.publicKey, key: brief.privateKey };
    const orgUrl = `${ATLAS}/orgs/${api.orgId}`;
    expect((await api.request({ url: orgUrl, as })).statusCode).toBe(200);
    const listed = await api.request({ url: `${url}/${brief.id}`, as: api.root });
    expect(listed.json().expiresAt).toBe(brief.expiresAt);

    await sleep(Date.parse(brief.expiresAt) - Date.now() + 100);
    expect((await api.request({ url: orgUrl, as })).statusCode).toBe(401);
  });
});
