// Every write the API offers records who made it, from where, in the audit trail, and no row
// holds a key, an HA1 or a password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHa1 } from '../../src/digest/algorithms.js';
import { TestApi } from '../support/api.js';
import { auditAfter, auditCount, cellsHoldingSecrets } from '../support/audit.js';

const ATLAS = '/api/atlas/v1.0';
const AGENT = 'audit-test/1.0';
const PASSWORD = 'correct horse battery staple';

describe('the audit trail of the API', () => {
  let api: TestApi;
  let setUp: number;
  beforeAll(async () => {
    api = await TestApi.start();
    setUp = await auditCount(api.service.store);
  });
  afterAll(() => api.close());

  const secrets: string[] = [];
  const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const res = await api.request({
      method,
      url: `${ATLAS}${url}`,
      as: api.root,
      headers: { 'user-agent': AGENT },
      ...(body === undefined ? {} : { body }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.body ? res.json() : undefined;
  };
  const newEvents = () => auditAfter(api.service.store, setUp);

  it('records each change with the signing user, key, address and user agent', async () => {
    const alice = api.alice.user.id;
    const user = await call('POST', '/users', {
      username: 'carol@example.com',
      password: PASSWORD,
      emailAddress: 'carol@example.com',
      firstName: 'Carol',
      lastName: 'C',
      roles: [{ orgId: api.orgId, roleName: 'ORG_MEMBER' }],
    });
    await call('PATCH', `/users/${user.id}`, { lastName: 'Changed' });
    const key = await call('POST', `/users/${alice}/keys`, { description: 'audited' });
    await call('PATCH', `/users/${alice}/keys/${key.id}`, { enabled: false });
    const rolled = await call('POST', `/users/${alice}/keys/${key.id}/roll`, {});
    await call('DELETE', `/users/${alice}/keys/${rolled.id}`);
    await call('POST', `/users/${alice}/accessList`, [{ ipAddress: '10.1.2.3' }]);
    await call('DELETE', `/users/${alice}/accessList/10.1.2.3%2F32`);
    const apiKey = await call('POST', `/orgs/${api.orgId}/apiKeys`, {
      desc: 'ci',
      roles: ['ORG_MEMBER'],
    });
    await call('PATCH', `/orgs/${api.orgId}/apiKeys/${apiKey.id}`, { desc: 'ci 2' });
    await call('POST', `/orgs/${api.orgId}/apiKeys/${apiKey.id}/accessList`, [
      { cidrBlock: '10.0.0.0/8' },
    ]);
    await call('DELETE', `/orgs/${api.orgId}/apiKeys/${apiKey.id}`);
    await call('PATCH', `/orgs/${api.orgId}`, { name: 'Renamed' });
    secrets.push(key.key, rolled.key, apiKey.privateKey);

    const events = await newEvents();
    expect(events.map((e) => e.action)).toEqual([
      'user.create',
      'user.update',
      'key.create',
      'key.disable',
      'key.roll',
      'key.delete',
      'accessList.add',
      'accessList.delete',
      'apiKey.create',
      'apiKey.update',
      'accessList.add',
      'apiKey.delete',
      'org.rename',
    ]);
    for (const event of events) {
      expect(event.actor).toEqual({
        kind: 'user',
        userId: api.root.user.id,
        username: 'root',
        keyId: api.root.keyId,
      });
      expect(event.origin).toEqual({ channel: 'api', address: '127.0.0.1', userAgent: AGENT });
      expect(event.outcome).toBe('ok');
    }
    expect(events[2]?.targets).toEqual({ userId: alice, keyId: key.id });
    expect(events[10]?.targets).toMatchObject({ keyId: apiKey.id, detail: '10.0.0.0/8' });
  });

  it('names a programmatic key that makes a change', async () => {
    const created = await call('POST', `/orgs/${api.orgId}/apiKeys`, {
      desc: 'owner',
      roles: ['ORG_OWNER'],
    });
    secrets.push(created.privateKey);
    const as = { username: created.publicKey, key: created.privateKey };
    const url = `${ATLAS}/orgs/${api.orgId}/apiKeys/${created.id}`;
    const res = await api.request({ method: 'PATCH', url, as, body: { desc: 'self' } });
    expect(res.statusCode, res.body).toBe(200);
    const [last] = (
      await api.service.store.listAudit({}, { offset: 0, limit: 1, includeCount: false })
    ).items;
    expect(last).toMatchObject({
      actor: { kind: 'apiKey', keyId: created.id, publicKey: created.publicKey },
      action: 'apiKey.update',
    });
  });

  it('holds no key, HA1 or password in any column of any row', async () => {
    const accounts = [api.alice, api.bob, api.root];
    secrets.push(PASSWORD, ...accounts.map((a) => a.key));
    for (const { username, key } of accounts) {
      for (const hash of ['MD5', 'SHA-256', 'SHA-512-256'] as const) {
        secrets.push(computeHa1(hash, username, api.service.realm, key));
      }
    }
    expect(cellsHoldingSecrets(api.database, secrets)).toEqual([]);
  });
});
