// The access-list routes over the real app (SQLite): every error code, pagination and
// envelope, both prefixes and both names, and who may edit. Requests come from 127.0.0.1
// (app.inject); the gate itself, from real addresses, is in access-list-gate.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, ATLAS, TestApi } from '../support/api.js';

const PUBLIC = '/api/public/v1.0';

describe('/users/{USER-ID}/accessList', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ usageFlushIntervalMs: 60_000 });
  });
  afterAll(() => api.close());

  const listUrl = (who: Account, name = 'accessList', prefix = ATLAS) =>
    `${prefix}/users/${who.user.id}/${name}`;
  const post = (who: Account, body: unknown, as: Account = who, name = 'accessList') =>
    api.request({ method: 'POST', url: listUrl(who, name), as, body });

  it('adds entries from an array (one address is one entry) and answers 201 with the list', async () => {
    const { bob } = api;
    const added = await post(bob, [
      { ipAddress: '203.0.113.7', comment: 'laptop' },
      { cidrBlock: '198.51.100.0/24' },
      { cidrBlock: '2001:DB8::/32' },
      // app.inject's address: the list gates bob's own requests from here on.
      { cidrBlock: '127.0.0.0/8' },
    ]);
    expect(added.statusCode).toBe(201);
    const list = added.json();
    expect(list.totalCount).toBe(4);
    const laptop = list.results.find(
      (e: { cidrBlock: string }) => e.cidrBlock === '203.0.113.7/32',
    );
    expect(laptop).toEqual({
      cidrBlock: '203.0.113.7/32',
      comment: 'laptop',
      count: 0,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      ipAddress: '203.0.113.7',
      links: [
        {
          href: `http://localhost:80${listUrl(bob)}/203.0.113.7%2F32`,
          rel: 'self',
        },
      ],
    });
    // Key order as Atlas sends it: alphabetical.
    expect(Object.keys(laptop)).toEqual([...Object.keys(laptop)].sort());
    const block = list.results.find((e: { cidrBlock: string }) => e.cidrBlock === '2001:db8::/32');
    expect(block.ipAddress).toBeUndefined();
    // Listed already (1.2.3.4 is 1.2.3.4/32): ignored, the first comment kept.
    const again = await post(
      bob,
      [{ cidrBlock: '203.0.113.7/32', comment: 'other' }],
      bob,
      'whitelist',
    );
    expect(again.statusCode).toBe(201);
    expect(again.json().totalCount).toBe(4);
    const one = await api.request({ url: `${listUrl(bob)}/203.0.113.7`, as: bob });
    expect(one.statusCode).toBe(200);
    expect(one.json().comment).toBe('laptop');
    // The block by its URL-encoded path, under the other prefix and the deprecated name.
    const byBlock = await api.request({
      url: `${listUrl(bob, 'whitelist', PUBLIC)}/198.51.100.0%2F24?envelope=true`,
      as: bob,
    });
    expect(byBlock.statusCode).toBe(200);
    expect(byBlock.json()).toMatchObject({
      status: 200,
      content: { cidrBlock: '198.51.100.0/24' },
    });
  });

  it('pages the list with pageNum, itemsPerPage, includeCount, pretty and envelope', async () => {
    const { alice } = api;
    // 127.0.0.1 (app.inject's address) first: sorted with the rest, added at the same second.
    const body = ['127.0.0.1', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map(
      (ipAddress) => ({ ipAddress }),
    );
    expect((await post(alice, body)).statusCode).toBe(201);
    const page = await api.request({
      url: `${listUrl(alice, 'whitelist', PUBLIC)}?pageNum=2&itemsPerPage=2&envelope=true&pretty=true`,
      as: alice,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('\n  "');
    const json = page.json();
    expect(json.status).toBe(200);
    expect(json.totalCount).toBe(5);
    expect(json.results.map((e: { ipAddress: string }) => e.ipAddress)).toEqual([
      '192.0.2.2',
      '192.0.2.3',
    ]);
    expect(json.links.map((l: { rel: string }) => l.rel)).toEqual(['previous', 'self', 'next']);
    const last = await api.request({
      url: `${listUrl(alice)}?pageNum=3&itemsPerPage=2&includeCount=false`,
      as: alice,
    });
    expect(last.json().totalCount).toBeUndefined();
    expect(last.json().results).toHaveLength(1);
    const bad = await api.request({ url: `${listUrl(alice)}?itemsPerPage=501`, as: alice });
    expect(bad.json().errorCode).toBe('INVALID_QUERY_PARAMETER');
  });

  it('answers every error with its Atlas code', async () => {
    const { bob } = api;
    const code = async (body: unknown) => {
      const response = await post(bob, body);
      return [response.statusCode, response.json().errorCode, response.json().detail];
    };
    expect(await code([{ ipAddress: '1.2.3.4', cidrBlock: '1.2.3.4/32' }])).toEqual([
      400,
      'BAD_WHITELIST_ADD_REQUEST',
      'Should not specify both the IP address and the CIDR block.',
    ]);
    expect(await code([{ ipAddress: '1.2.3.999' }])).toEqual([
      400,
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
      'The address 1.2.3.999 must be in valid IP address or CIDR notation.',
    ]);
    expect((await code([{ ipAddress: '10.0.0.0/8' }]))[1]).toBe(
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
    );
    expect((await code([{ comment: 'no address' }]))[1]).toBe(
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
    );
    expect((await code([{ cidrBlock: '10.0.0.0/33' }]))[1]).toBe(
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
    );
    expect(await code([{ ipAddress: '10.1.1.1' }, { cidrBlock: '10.1.1.1/32' }])).toEqual([
      400,
      'DUPLICATE_ADDRESSES_IN_INPUT',
      'Two or more of the IP addresses being added to the access list are the same.',
    ]);
    // Not an array, even for one entry; unknown fields: the body's schema.
    expect((await code({ ipAddress: '10.1.1.1' }))[1]).toBe('INVALID_ATTRIBUTE');
    expect((await code([{ ipAddress: '10.1.1.1', note: 'x' }]))[1]).toBe('INVALID_ATTRIBUTE');
    // Nothing of a refused body was added.
    const list = await api.request({ url: listUrl(bob), as: bob });
    expect(JSON.stringify(list.json())).not.toContain('10.1.1.1');

    const missing = await api.request({ url: `${listUrl(bob)}/10.9.9.9`, as: bob });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      errorCode: 'ACCESS_LIST_ENTRY_NOT_FOUND',
      parameters: ['10.9.9.9/32'],
    });
    const gone = await api.request({
      method: 'DELETE',
      url: `${listUrl(bob)}/10.9.9.0%2F24`,
      as: bob,
    });
    expect(gone.json().errorCode).toBe('ACCESS_LIST_ENTRY_NOT_FOUND');
    const junk = await api.request({ url: `${listUrl(bob)}/not-an-ip`, as: bob });
    expect(junk.json().errorCode).toBe('INVALID_IP_ADDRESS_OR_CIDR_NOTATION');
    const method = await api.request({ method: 'PUT', url: listUrl(bob), as: bob, body: [] });
    expect(method.statusCode).toBe(405);
  });

  it('holds at most 500 entries a list, 500 a body', async () => {
    const { root } = api;
    // 127.0.0.1 (app.inject's address) and 499 more.
    const full = Array.from({ length: 500 }, (_, i) => ({
      ipAddress: `127.0.${(i + 1) >> 8}.${(i + 1) & 255}`,
    }));
    const filled = await post(root, full);
    expect(filled.statusCode).toBe(201);
    expect(filled.json().totalCount).toBe(500);
    const again = await post(root, [{ ipAddress: '127.0.0.1' }]);
    expect(again.statusCode).toBe(201);
    const over = await post(root, [{ ipAddress: '192.0.2.200' }]);
    expect(over.statusCode).toBe(409);
    expect(over.json().errorCode).toBe('TOO_MANY_ACCESS_LIST_ENTRIES');
    const tooLong = await post(root, [...full, { ipAddress: '192.0.2.201' }]);
    expect(tooLong.json().errorCode).toBe('INVALID_ATTRIBUTE');
  });

  it('lets the user and GLOBAL_OWNERs edit, and anyone else gets the plain 401', async () => {
    const { alice, bob, root } = api;
    const url = `${listUrl(bob)}/203.0.113.7`;
    for (const request of [
      { url: listUrl(bob), as: alice },
      { url, as: alice },
      { method: 'POST' as const, url: listUrl(bob), as: alice, body: [{ ipAddress: 'junk' }] },
      { method: 'DELETE' as const, url: `${listUrl(bob)}/junk`, as: alice },
      { url: listUrl(bob) },
      { url: `${ATLAS}/users/${'f'.repeat(24)}/accessList`, as: alice },
    ]) {
      const response = await api.request(request);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: 401,
        reason: 'Unauthorized',
        detail: 'You are not authorized for this resource.',
      });
    }
    expect((await api.request({ url, as: root })).statusCode).toBe(200);
    const added = await api.request({
      method: 'POST',
      url: listUrl(bob),
      as: root,
      body: [{ cidrBlock: '100.64.0.0/10' }],
    });
    expect(added.statusCode).toBe(201);
    const removed = await api.request({
      method: 'DELETE',
      url: `${listUrl(bob, 'whitelist', PUBLIC)}/100.64.0.0%2F10`,
      as: root,
    });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
  });
});
