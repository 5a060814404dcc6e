import { InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { trustedProxies } from '../../src/config.js';
import { ATLAS, TestApi } from '../support/api.js';

// app.inject connects from 127.0.0.1: here that is the proxy, and X-Forwarded-For names the
// clients behind it.
describe('--trust-proxy', () => {
  let api: TestApi;
  afterEach(() => api.close());

  /** Three failures from `client` (each as another username), then alice from `other`. */
  const lockOutThenTry = async (client: string, other: string) => {
    const url = `${ATLAS}/users/${api.alice.user.id}`;
    for (let i = 0; i < 3; i++) {
      const failed = await api.request({
        url,
        as: { username: `guess-${i}`, key: 'wrong' },
        headers: { 'x-forwarded-for': client },
      });
      expect(failed.statusCode).toBe(401);
    }
    return (await api.request({ url, as: api.alice, headers: { 'x-forwarded-for': other } }))
      .statusCode;
  };

  it('off (the default): every request behind a proxy shares its address, and its lockout', async () => {
    api = await TestApi.start({ authFailureLimit: 3, authLockoutSeconds: 60 });
    expect(await lockOutThenTry('203.0.113.1', '203.0.113.2')).toBe(429);
  });

  it('naming the proxy: each client behind it is throttled on its own', async () => {
    api = await TestApi.start({
      authFailureLimit: 3,
      authLockoutSeconds: 60,
      trustProxy: ['127.0.0.1'],
    });
    expect(await lockOutThenTry('203.0.113.1', '203.0.113.2')).toBe(200);
    // …while the guessing client itself stays locked out.
    const again = await api.request({
      url: `${ATLAS}/users/${api.alice.user.id}`,
      as: api.alice,
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    expect(again.statusCode).toBe(429);
  });

  it('builds links from the proxy’s X-Forwarded-Proto and -Host when it is trusted', async () => {
    api = await TestApi.start({ trustProxy: ['loopback'] });
    const response = await api.request({
      url: `${ATLAS}/users/${api.alice.user.id}/keys`,
      as: api.alice,
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'keys.example.com' },
    });
    expect(response.json().links[0].href).toMatch(/^https:\/\/keys\.example\.com\/api\/atlas\//);
  });

  it('accepts addresses, CIDR ranges and range names, and refuses anything else', () => {
    expect(trustedProxies('off')).toEqual([]);
    expect(trustedProxies('loopback, 10.0.0.0/8,::1,fd00::/8,192.0.2.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      '192.0.2.7',
    ]);
    for (const bad of [
      '',
      'on',
      'true',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/8/1',
      'proxy.local',
      '10.0.0',
    ]) {
      expect(() => trustedProxies(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});
