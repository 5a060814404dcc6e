// A programmatic key's access list over the real app (SQLite): the routes under both
// prefixes and both names, every code, and who may edit (exactly who manages the org's
// keys). Requests come from 127.0.0.1 (app.inject); the gate itself is in
// api-key-access-list-gate.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { type Account, TestApi } from '../support/api.js';
import { type Signer, twoOrgOwners, UNAUTHORIZED } from '../support/org-keys.js';

describe.each(['/api/atlas/v1.0', '/api/public/v1.0'])('a key’s access list under %s', (prefix) => {
  let api: TestApi;
  let owner: Account;
  let otherOwner: Account;
  let otherOrg: string;

  beforeAll(async () => {
    api = await TestApi.start({ usageFlushIntervalMs: 60_000 });
    ({ owner, otherOrg, otherOwner } = await twoOrgOwners(api));
  });
  afterAll(() => api.close());

  const createKey = async (roles: string[], org = api.orgId, as: Signer = owner) => {
    const url = `${prefix}/orgs/${org}/apiKeys`;
    const res = await api.request({ method: 'POST', url, as, body: { desc: 'ci', roles } });
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json();
    return { id: doc.id as string, as: { username: doc.publicKey, key: doc.privateKey } };
  };
  const listUrl = (keyId: string, name = 'accessList', org = api.orgId) =>
    `${prefix}/orgs/${org}/apiKeys/${keyId}/${name}`;

  it('adds, lists, shows and removes entries under both names', async () => {
    const key = await createKey(['ORG_MEMBER']);
    const added = await api.request({
      method: 'POST',
      url: listUrl(key.id),
      as: owner,
      body: [{ ipAddress: '203.0.113.7', comment: 'ci runner' }, { cidrBlock: '2001:DB8::/32' }],
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().totalCount).toBe(2);
    const listed = added.json().results.find((e: { comment?: string }) => e.comment);
    expect(listed).toMatchObject({
      cidrBlock: '203.0.113.7/32',
      ipAddress: '203.0.113.7',
      comment: 'ci runner',
      count: 0,
      links: [{ href: `http://localhost:80${listUrl(key.id)}/203.0.113.7%2F32`, rel: 'self' }],
    });
    const again = await api.request({
      method: 'POST',
      url: listUrl(key.id, 'whitelist'),
      as: owner,
      body: [{ cidrBlock: '203.0.113.7/32' }],
    });
    expect(again.json().totalCount).toBe(2);
    const block = await api.request({
      url: `${listUrl(key.id, 'whitelist')}/2001:db8::%2F32`,
      as: owner,
    });
    expect(block.statusCode).toBe(200);
    expect(block.json().cidrBlock).toBe('2001:db8::/32');
    const page = await api.request({
      url: `${listUrl(key.id)}?itemsPerPage=1&pageNum=2`,
      as: owner,
    });
    expect(page.json().results).toHaveLength(1);
    const removed = await api.request({
      method: 'DELETE',
      url: `${listUrl(key.id, 'whitelist')}/203.0.113.7`,
      as: owner,
    });
    expect(removed.statusCode).toBe(204);
    expect((await api.request({ url: listUrl(key.id), as: owner })).json().totalCount).toBe(1);
  });

  it('answers every error with its Atlas code', async () => {
    const key = await createKey(['ORG_MEMBER']);
    const post = async (body: unknown) => {
      const res = await api.request({ method: 'POST', url: listUrl(key.id), as: owner, body });
      return [res.statusCode, res.json().errorCode];
    };
    expect(await post([{ ipAddress: '1.2.3.4', cidrBlock: '1.2.3.4/32' }])).toEqual([
      400,
      'BAD_WHITELIST_ADD_REQUEST',
    ]);
    expect(await post([{ ipAddress: '1.2.3.999' }])).toEqual([
      400,
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
    ]);
    expect(await post([{ ipAddress: '10.1.1.1' }, { cidrBlock: '10.1.1.1/32' }])).toEqual([
      400,
      'DUPLICATE_ADDRESSES_IN_INPUT',
    ]);
    for (const method of ['GET', 'DELETE'] as const) {
      const missing = await api.request({ method, url: `${listUrl(key.id)}/10.9.9.9`, as: owner });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({
        errorCode: 'API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND',
        parameters: ['10.9.9.9/32'],
      });
    }
    const unknown = newObjectId();
    for (const url of [listUrl(unknown), `${listUrl(unknown, 'whitelist')}/10.9.9.9`]) {
      const res = await api.request({ url, as: owner });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ errorCode: 'API_KEY_NOT_FOUND', parameters: [unknown] });
    }
    // A key of another org is unknown in this one.
    const foreign = await createKey(['ORG_MEMBER'], otherOrg, otherOwner);
    expect((await api.request({ url: listUrl(foreign.id), as: owner })).json().errorCode).toBe(
      'API_KEY_NOT_FOUND',
    );
    const put = await api.request({ method: 'PUT', url: listUrl(key.id), as: owner, body: [] });
    expect(put.statusCode).toBe(405);
    const putEntry = await api.request({
      method: 'PUT',
      url: `${listUrl(key.id)}/1.2.3.4`,
      as: owner,
    });
    expect(putEntry.statusCode).toBe(405);
  });

  it('lets the org’s ORG_OWNERs (users or keys) and GLOBAL_OWNERs edit; others get the 401', async () => {
    const key = await createKey(['ORG_MEMBER']);
    const ownerKey = await createKey(['ORG_OWNER']);
    const foreignOwnerKey = await createKey(['ORG_OWNER'], otherOrg, otherOwner);
    for (const as of [api.bob, otherOwner, key.as, foreignOwnerKey.as, undefined]) {
      for (const request of [
        { url: listUrl(key.id) },
        { method: 'POST' as const, url: listUrl(key.id), body: [{ ipAddress: 'junk' }] },
        { method: 'DELETE' as const, url: `${listUrl(key.id)}/junk` },
        { url: listUrl(newObjectId(), 'whitelist') },
      ]) {
        const res = await api.request({ ...request, as });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(UNAUTHORIZED);
      }
    }
    // A GLOBAL_OWNER naming a missing org gets the same 401.
    const noOrg = await api.request({
      url: listUrl(key.id, 'accessList', newObjectId()),
      as: api.root,
    });
    expect(noOrg.statusCode).toBe(401);
    for (const as of [owner, api.root, ownerKey.as]) {
      const added = await api.request({
        method: 'POST',
        url: listUrl(key.id),
        as,
        body: [{ cidrBlock: '100.64.0.0/10' }],
      });
      expect(added.statusCode).toBe(201);
      const removed = await api.request({
        method: 'DELETE',
        url: `${listUrl(key.id)}/100.64.0.0%2F10`,
        as,
      });
      expect(removed.statusCode).toBe(204);
    }
  });

  it('refuses a key removing the entry it is using, and deletes the list with the key', async () => {
    const key = await createKey(['ORG_OWNER']);
    const url = listUrl(key.id);
    // app.inject's address: from here on the list gates the key's own requests.
    const added = await api.request({
      method: 'POST',
      url,
      as: key.as,
      body: [{ ipAddress: '127.0.0.1' }, { ipAddress: '192.0.2.1' }],
    });
    expect(added.statusCode).toBe(201);
    const own = await api.request({ method: 'DELETE', url: `${url}/127.0.0.1`, as: key.as });
    expect(own.statusCode).toBe(400);
    expect(own.json()).toMatchObject({
      errorCode: 'CANNOT_REMOVE_CALLER_FROM_WHITELIST',
      parameters: ['127.0.0.1'],
    });
    expect(
      (await api.request({ method: 'DELETE', url: `${url}/192.0.2.1`, as: key.as })).statusCode,
    ).toBe(204);
    const owned = { kind: 'apiKey', id: key.id } as const;
    expect(await api.service.store.accessBlocks(owned)).toEqual(['127.0.0.1/32']);
    const gone = await api.request({
      method: 'DELETE',
      url: `${prefix}/orgs/${api.orgId}/apiKeys/${key.id}`,
      as: owner,
    });
    expect(gone.statusCode).toBe(204);
    expect(await api.service.store.accessBlocks(owned)).toEqual([]);
  });
});
