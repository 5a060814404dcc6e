import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { toTimestamp } from '../../src/domain/time.js';
import { type Account, createAccount, TestApi } from '../support/api.js';

const UNAUTHORIZED =
  '{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource."}';

describe.each(['/api/atlas/v1.0', '/api/public/v1.0'])('the org resources under %s', (prefix) => {
  let api: TestApi;
  let owner: Account;
  let otherOrg: string;
  const newOrg = async (name: string) => {
    const id = newObjectId();
    await api.service.store.createOrg({ id, name, createdAt: toTimestamp() });
    return id;
  };
  beforeAll(async () => {
    api = await TestApi.start();
    otherOrg = await newOrg('Other Org');
    owner = await createAccount(api.service, {
      username: 'owner@example.com',
      org: { orgId: api.orgId, roleName: 'ORG_OWNER' },
    });
  });
  afterAll(() => api.close());

  const get = (url: string, as: Account) => api.request({ url: prefix + url, as });
  const patch = (url: string, as: Account, body: unknown) =>
    api.request({ method: 'PATCH', url: prefix + url, as, body });
  const del = (url: string, as: Account) =>
    api.request({ method: 'DELETE', url: prefix + url, as });

  it("lists a member's orgs as Atlas org documents, links under the prefix used", async () => {
    const res = await get('/orgs', api.alice);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totalCount).toBe(1);
    expect(Object.keys(body.results[0])).toEqual(['id', 'isDeleted', 'links', 'name']);
    expect(body.results[0]).toEqual({
      id: api.orgId,
      isDeleted: false,
      links: [{ href: `http://localhost:80${prefix}/orgs/${api.orgId}`, rel: 'self' }],
      name: 'Test Org',
    });
    expect(body.links).toEqual([
      { href: `http://localhost:80${prefix}/orgs?pageNum=1&itemsPerPage=100`, rel: 'self' },
    ]);
  });

  it('lists every org for a GLOBAL_OWNER, in pages, with envelope and includeCount', async () => {
    const all = (await get('/orgs', api.root)).json();
    expect(all.results.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining([api.orgId, otherOrg]),
    );
    const page = await get('/orgs?pageNum=2&itemsPerPage=1&envelope=true', api.root);
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.status).toBe(200);
    expect(body.results).toHaveLength(1);
    expect(body.totalCount).toBe(all.totalCount);
    expect(body.links.map((l: { rel: string }) => l.rel)).toEqual(
      all.totalCount > 2 ? ['previous', 'self', 'next'] : ['previous', 'self'],
    );
    const noCount = (await get('/orgs?includeCount=false&itemsPerPage=1', api.alice)).json();
    expect(noCount).not.toHaveProperty('totalCount');
    const past = (await get('/orgs?pageNum=9', api.alice)).json();
    expect(past.results).toEqual([]);
    const bad = await get('/orgs?itemsPerPage=501', api.alice);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errorCode).toBe('INVALID_QUERY_PARAMETER');
  });

  it('pages a member through the orgs it is in, in id order', async () => {
    const second = await newOrg(`Second ${prefix}`);
    await api.service.store.setMembership(api.bob.user.id, second, 'ORG_MEMBER');
    const res = await get('/orgs?itemsPerPage=1&pageNum=2&pretty=true', api.bob);
    expect(res.body).toContain('\n  "links"');
    const body = res.json();
    expect(body.totalCount).toBe(2);
    expect(body.results[0].id).toBe([api.orgId, second].sort()[1]);
    await api.service.store.removeMembership(api.bob.user.id, second);
  });

  it('shows an org to its members and to GLOBAL_OWNERs only, unknown ones alike', async () => {
    const member = await get(`/orgs/${api.orgId}`, api.alice);
    expect(member.statusCode).toBe(200);
    expect(member.json()).toMatchObject({ id: api.orgId, name: 'Test Org', isDeleted: false });
    expect((await get(`/orgs/${otherOrg}`, api.root)).statusCode).toBe(200);
    const outsider = await get(`/orgs/${otherOrg}`, api.alice);
    const unknown = await get(`/orgs/${newObjectId()}`, api.alice);
    const unknownToRoot = await get(`/orgs/${newObjectId()}`, api.root);
    for (const res of [outsider, unknown, unknownToRoot]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(UNAUTHORIZED);
    }
    const envelope = (await get(`/orgs/${api.orgId}?envelope=true`, api.alice)).json();
    expect(envelope).toMatchObject({ status: 200, content: { id: api.orgId } });
    const badId = await get('/orgs/not-an-id', api.alice);
    expect(badId.json().errorCode).toBe('INVALID_PATH_PARAMETER');
  });

  it('lets an ORG_OWNER or a GLOBAL_OWNER rename an org, with the name rules of the CLI', async () => {
    const renamed = await patch(`/orgs/${api.orgId}`, owner, { name: '  Renamed Org  ' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: api.orgId, name: 'Renamed Org' });
    expect((await get(`/orgs/${api.orgId}`, api.alice)).json().name).toBe('Renamed Org');
    const byRoot = await patch(`/orgs/${api.orgId}`, api.root, { name: 'Test Org' });
    expect(byRoot.json().name).toBe('Test Org');

    const member = await patch(`/orgs/${api.orgId}`, api.alice, { name: 'Mine now' });
    expect(member.statusCode).toBe(401);
    expect(member.body).toBe(UNAUTHORIZED);
    expect((await patch(`/orgs/${newObjectId()}`, api.root, { name: 'x' })).statusCode).toBe(401);
  });

  it('refuses bad names with the words the console and the CLI use', async () => {
    const cases: [unknown, number, string, string | undefined][] = [
      [
        { name: '   ' },
        400,
        'INVALID_ATTRIBUTE',
        'Invalid attribute name specified: the name must not be blank.',
      ],
      [
        { name: 'x'.repeat(257) },
        400,
        'INVALID_ATTRIBUTE',
        'Invalid attribute name specified: the name must be at most 256 characters.',
      ],
      [
        { name: 'Other Org' },
        409,
        'DUPLICATE_ORG_NAME',
        'An organization named Other Org already exists.',
      ],
      [{}, 400, 'MISSING_ATTRIBUTE', undefined],
      [{ name: 'x', isDeleted: true }, 400, 'INVALID_ATTRIBUTE', undefined],
      [{ name: 5 }, 400, 'INVALID_ATTRIBUTE', undefined],
    ];
    for (const [body, status, errorCode, detail] of cases) {
      const res = await patch(`/orgs/${api.orgId}`, owner, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().errorCode).toBe(errorCode);
      if (detail) expect(res.json().detail).toBe(detail);
    }
  });

  it('deletes an org only when nobody but the caller is left in it', async () => {
    const busy = await del(`/orgs/${api.orgId}`, owner);
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({
      errorCode: 'CANNOT_DELETE_ORG_ACTIVE_MEMBERS',
      error: 409,
    });
    expect((await del(`/orgs/${api.orgId}`, api.root)).statusCode).toBe(409);
    expect((await del(`/orgs/${api.orgId}`, api.alice)).statusCode).toBe(401);

    const own = await newOrg(`Own ${prefix}`);
    await api.service.store.setMembership(owner.user.id, own, 'ORG_OWNER');
    // The owner's cached roles predate the membership: the next request reloads them.
    await api.service.users.refresh();
    const deleted = await del(`/orgs/${own}`, owner);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(await api.service.store.getOrg(own)).toBeUndefined();
    const self = (await get(`/users/${owner.user.id}`, owner)).json();
    expect(self.roles).toEqual([{ orgId: api.orgId, roleName: 'ORG_OWNER' }]);
    expect((await del(`/orgs/${own}`, api.root)).statusCode).toBe(401);

    const empty = await newOrg(`Empty ${prefix}`);
    expect((await del(`/orgs/${empty}`, api.root)).statusCode).toBe(204);
  });

  it('keeps an org that still has programmatic API keys', async () => {
    const keyed = await newOrg(`Keyed ${prefix}`);
    const created = await api.request({
      method: 'POST',
      url: `${prefix}/orgs/${keyed}/apiKeys`,
      as: api.root,
      body: { desc: 'ci', roles: ['ORG_MEMBER'] },
    });
    expect(created.statusCode).toBe(200);
    const refused = await del(`/orgs/${keyed}`, api.root);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().errorCode).toBe('CANNOT_DELETE_ORG_ACTIVE_API_KEYS');
    expect(await api.service.store.getOrg(keyed)).toBeDefined();
    const gone = await api.request({
      method: 'DELETE',
      url: `${prefix}/orgs/${keyed}/apiKeys/${created.json().id}`,
      as: api.root,
    });
    expect(gone.statusCode).toBe(204);
    expect((await del(`/orgs/${keyed}`, api.root)).statusCode).toBe(204);
  });
});
