// The access-list gate over real sockets: the server listens on loopback and clients
// connect from other loopback addresses (Linux routes all of 127/8 to lo), so the address
// the gate sees is the kernel's, not a header. Listed → 200; unlisted with the right key →
// 403; unlisted with a wrong key → the plain 401. The forward-auth endpoint is gated too.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { type Account, ATLAS, TestApi } from '../support/api.js';
import { UNAUTHORIZED } from '../support/org-keys.js';
import { parsePrometheusText, total } from '../support/prometheus-text.js';
import { expectGatedAt, send } from '../support/socket-client.js';

describe('the access-list gate on the API (dual-stack socket: clients arrive as ::ffff:127.0.0.x)', () => {
  let api: TestApi;
  let port: number;
  const metrics = new Metrics();
  const outcomes = async (reason: string) =>
    total(parsePrometheusText(await metrics.scrape().render()), 'keyward_auth_outcomes_total', {
      reason,
    });
  beforeAll(async () => {
    api = await TestApi.start({ usageFlushIntervalMs: 60_000 }, { metrics });
    await api.app.listen({ host: '::', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(() => api.close());

  it('admits listed addresses only, and only a verified request learns of the list', async () => {
    const { bob } = api;
    const list = `${ATLAS}/users/${bob.user.id}/accessList`;
    const me = `${ATLAS}/users/${bob.user.id}`;
    // No list yet: every address is admitted.
    expect((await send(api, port, '127.0.0.3', me, { as: bob })).status).toBe(200);
    const added = await send(api, port, '127.0.0.2', list, {
      as: bob,
      method: 'POST',
      body: [{ ipAddress: '127.0.0.2', comment: 'build box' }, { cidrBlock: '10.0.0.0/8' }],
    });
    expect(added.status).toBe(201);

    expect((await send(api, port, '127.0.0.2', me, { as: bob })).status).toBe(200);
    const [ok, gated] = [await outcomes('ok'), await outcomes('access_list')];
    await expectGatedAt(api, port, '127.0.0.3', me, bob, bob.keyId);
    // Counted as the gate's refusal, not as a success (the wrong guess is neither).
    expect([await outcomes('ok'), await outcomes('access_list')]).toEqual([ok, gated + 1]);
    // Another user's requests are not gated by bob's list.
    expect(
      (await send(api, port, '127.0.0.3', `${ATLAS}/users/${api.alice.user.id}`, { as: api.alice }))
        .status,
    ).toBe(200);
  });

  it('counts use per entry in memory and shows it after the flush', async () => {
    const { bob } = api;
    const entry = `${ATLAS}/users/${bob.user.id}/accessList/127.0.0.2`;
    const owner = { kind: 'user', id: bob.user.id } as const;
    const before = (await api.service.store.getAccessEntry(owner, '127.0.0.2/32'))?.count ?? 0;
    for (let i = 0; i < 3; i++) {
      expect((await send(api, port, '127.0.0.2', entry, { as: bob })).status).toBe(200);
    }
    // Nothing written on the request path...
    expect((await api.service.store.getAccessEntry(owner, '127.0.0.2/32'))?.count).toBe(before);
    await api.service.accessUsage.flush();
    const stored = await api.service.store.getAccessEntry(owner, '127.0.0.2/32');
    expect(stored?.count).toBeGreaterThanOrEqual(before + 3);
    expect(stored?.lastUsedAddress).toBe('127.0.0.2');
    expect(stored?.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const shown = JSON.parse((await send(api, port, '127.0.0.2', entry, { as: bob })).body);
    expect(shown).toMatchObject({
      cidrBlock: '127.0.0.2/32',
      comment: 'build box',
      ipAddress: '127.0.0.2',
      lastUsedAddress: '127.0.0.2',
    });
    expect(shown.count).toBeGreaterThanOrEqual(before + 4);
  });

  it('refuses to remove the entry the caller is using, while another entry may go', async () => {
    const { bob, root } = api;
    const list = `${ATLAS}/users/${bob.user.id}/whitelist`;
    const own = await send(api, port, '127.0.0.2', `${list}/127.0.0.2%2F32`, {
      as: bob,
      method: 'DELETE',
    });
    expect(own.status).toBe(400);
    expect(JSON.parse(own.body)).toMatchObject({
      errorCode: 'CANNOT_REMOVE_CALLER_FROM_WHITELIST',
      parameters: ['127.0.0.2'],
    });
    expect(
      (await send(api, port, '127.0.0.2', `${list}/10.0.0.0%2F8`, { as: bob, method: 'DELETE' }))
        .status,
    ).toBe(204);
    // A wider entry admitting the caller lets the narrow one go.
    await send(api, port, '127.0.0.2', list, {
      as: bob,
      method: 'POST',
      body: [{ cidrBlock: '127.0.0.0/30' }],
    });
    expect(
      (await send(api, port, '127.0.0.2', `${list}/127.0.0.2`, { as: bob, method: 'DELETE' }))
        .status,
    ).toBe(204);
    // A GLOBAL_OWNER, whom bob's list does not gate, may remove the last one.
    expect(
      (await send(api, port, '127.0.0.9', `${list}/127.0.0.0%2F30`, { as: root, method: 'DELETE' }))
        .status,
    ).toBe(204);
    expect(
      (await send(api, port, '127.0.0.9', `${ATLAS}/users/${bob.user.id}`, { as: bob })).status,
    ).toBe(200);
  });

  it('applies an entry added by another instance once the revision reaches this one', async () => {
    const { alice } = api;
    const me = `${ATLAS}/users/${alice.user.id}`;
    expect((await send(api, port, '127.0.0.4', me, { as: alice })).status).toBe(200); // cached
    const other = await api.anotherInstance();
    try {
      const added = await other.request({
        method: 'POST',
        url: `${me}/accessList`,
        as: alice,
        body: [{ ipAddress: '127.0.0.1' }],
      });
      expect(added.statusCode).toBe(201);
    } finally {
      await other.close();
    }
    await api.service.users.refresh();
    expect((await send(api, port, '127.0.0.4', me, { as: alice })).status).toBe(403);
  });
});

describe('the access-list gate on forward authentication', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    // Every loopback address is a trusted proxy: a direct peer is the client address, and a
    // proxy's X-Forwarded-For names the client behind it.
    api = await TestApi.start({ trustProxy: ['loopback'], usageFlushIntervalMs: 60_000 });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
    const added = await api.request({
      method: 'POST',
      url: `${ATLAS}/users/${api.bob.user.id}/accessList`,
      as: api.bob,
      body: [
        { ipAddress: '127.0.0.2' },
        { ipAddress: '127.0.0.1' },
        { cidrBlock: '203.0.113.0/24' },
      ],
    });
    expect(added.statusCode).toBe(201);
  });
  afterAll(() => api.close());

  const ask = (from: string, as: Pick<Account, 'username' | 'key'>, forwardedFor?: string) =>
    send(api, port, from, '/auth/digest', {
      as,
      headers: {
        'x-original-method': 'GET',
        'x-original-uri': '/orders/7',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      signed: { method: 'GET', uri: '/orders/7' },
    });

  it('admits listed clients, refuses unlisted ones with a reason, and never reveals the list', async () => {
    const { bob } = api;
    const admitted = await ask('127.0.0.2', bob);
    expect(admitted.status).toBe(200);
    expect(admitted.headers['x-keyward-user-id']).toBe(bob.user.id);
    const refused = await ask('127.0.0.3', bob);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).errorCode).toBe('IP_ADDRESS_NOT_ON_ACCESS_LIST');
    expect(refused.headers['x-keyward-denied']).toBe(
      'IP address 127.0.0.3 is not allowed to access this resource.',
    );
    const guess = await ask('127.0.0.3', { username: bob.username, key: 'wrong' });
    expect(guess.status).toBe(401);
    expect(JSON.parse(guess.body)).toEqual(UNAUTHORIZED);
  });

  it('judges the client a trusted proxy names, not the proxy', async () => {
    const { bob } = api;
    expect((await ask('127.0.0.1', bob, '203.0.113.9')).status).toBe(200);
    const behind = await ask('127.0.0.1', bob, '198.51.100.1');
    expect(behind.status).toBe(403);
    expect(behind.headers['x-keyward-denied']).toBe(
      'IP address 198.51.100.1 is not allowed to access this resource.',
    );
  });
});
