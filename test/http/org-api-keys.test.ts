// Programmatic API keys over HTTP: the resources, each error code, and who may use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { type Account, TestApi } from '../support/api.js';
import { twoOrgOwners } from '../support/org-keys.js';

const DESC_DETAIL =
  'The API key description is required, and must be between 1 and 250 characters long.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Credentials {
  readonly username: string;
  readonly key: string;
}

describe.each(['/api/atlas/v1.0', '/api/public/v1.0'])(
  'programmatic API keys under %s',
  (prefix) => {
    let api: TestApi;
    let owner: Account;
    let otherOrg: string;
    let otherOwner: Account;
    const keys = () => `${prefix}/orgs/${api.orgId}/apiKeys`;

    beforeAll(async () => {
      api = await TestApi.start();
      ({ owner, otherOrg, otherOwner } = await twoOrgOwners(api));
    });
    afterAll(() => api.close());

    const create = async (as: Credentials, roles: string[], org = api.orgId) => {
      const url = `${prefix}/orgs/${org}/apiKeys`;
      const res = await api.request({ method: 'POST', url, as, body: { desc: 'ci', roles } });
      expect(res.statusCode, res.body).toBe(200);
      const doc = res.json();
      return { doc, as: { username: doc.publicKey as string, key: doc.privateKey as string } };
    };

    it('creates a key, shown in full once and redacted ever after', async () => {
      const res = await api.request({
        method: 'POST',
        url: keys(),
        as: owner,
        body: { desc: 'deploys', roles: ['ORG_MEMBER', 'ORG_READ_ONLY', 'ORG_MEMBER'] },
      });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(Object.keys(doc)).toEqual(['desc', 'id', 'links', 'privateKey', 'publicKey', 'roles']);
      expect(doc.publicKey).toMatch(/^[a-z]{8}$/);
      expect(doc.privateKey).toMatch(UUID);
      expect(doc.roles).toEqual([
        { orgId: api.orgId, roleName: 'ORG_MEMBER' },
        { orgId: api.orgId, roleName: 'ORG_READ_ONLY' },
      ]);
      expect(doc.links).toEqual([{ href: `http://localhost:80${keys()}/${doc.id}`, rel: 'self' }]);
      const redacted = `********-****-****-${doc.privateKey.slice(-12)}`;
      const one = await api.request({ url: `${keys()}/${doc.id}`, as: owner });
      expect(one.json()).toEqual({ ...doc, privateKey: redacted });
      const list = await api.request({ url: keys(), as: owner });
      expect(list.json().results).toContainEqual({ ...doc, privateKey: redacted });
      expect(list.body).not.toContain(doc.privateKey);
    });

    it('authenticates with publicKey:privateKey and acts with the key’s org roles', async () => {
      const member = await create(owner, ['ORG_MEMBER']);
      const users = await api.request({ url: `${prefix}/orgs/${api.orgId}/users`, as: member.as });
      expect(users.statusCode).toBe(200);
      expect(users.headers['authentication-info']).toMatch(/rspauth=/);
      expect((await api.request({ url: keys(), as: member.as })).statusCode).toBe(401);

      const ownerKey = await create(owner, ['ORG_OWNER']);
      expect((await api.request({ url: keys(), as: ownerKey.as })).statusCode).toBe(200);
      // An ORG_OWNER key manages its siblings: creates one, which authenticates at once.
      const made = await create(ownerKey.as, ['ORG_READ_ONLY']);
      const read = await api.request({ url: `${prefix}/orgs/${api.orgId}/users`, as: made.as });
      expect(read.statusCode).toBe(200);
      // Not another org's keys or users.
      for (const url of [
        `${prefix}/orgs/${otherOrg}/apiKeys`,
        `${prefix}/orgs/${otherOrg}/users`,
      ]) {
        expect((await api.request({ url, as: ownerKey.as })).statusCode).toBe(401);
      }
    });

    it('gives a programmatic key no /users resources, its own or anyone’s', async () => {
      const { doc, as } = await create(owner, ['ORG_OWNER']);
      for (const url of [
        `${prefix}/users/${doc.id}/keys`,
        `${prefix}/users/${api.alice.user.id}/keys`,
        `${prefix}/users/${api.alice.user.id}`,
        `${prefix}/users/byName/${doc.publicKey}`,
      ]) {
        const res = await api.request({ url, as });
        expect(res.statusCode, url).toBe(401);
        expect(res.headers['www-authenticate']).toBeDefined();
      }
      const post = await api.request({
        method: 'POST',
        url: `${prefix}/users/${api.alice.user.id}/keys`,
        as,
        body: { description: 'x' },
      });
      expect(post.statusCode).toBe(401);
    });

    it('is for the org’s ORG_OWNERs and GLOBAL_OWNERs only', async () => {
      const { doc } = await create(owner, ['ORG_MEMBER']);
      const routes = [
        { method: 'GET', url: keys() },
        { method: 'POST', url: keys(), body: { desc: 'x', roles: ['ORG_MEMBER'] } },
        { method: 'GET', url: `${keys()}/${doc.id}` },
        { method: 'PATCH', url: `${keys()}/${doc.id}`, body: { desc: 'y' } },
        { method: 'DELETE', url: `${keys()}/${doc.id}` },
      ] as const;
      for (const route of routes) {
        for (const as of [api.alice, otherOwner, undefined]) {
          const res = await api.request({ ...route, as });
          expect(res.statusCode, `${route.method} ${route.url} as ${as?.username}`).toBe(401);
        }
      }
      expect((await api.request({ url: keys(), as: api.root })).statusCode).toBe(200);
      const rootCreates = await api.request({
        method: 'POST',
        url: keys(),
        as: api.root,
        body: { desc: 'by root', roles: ['ORG_MEMBER'] },
      });
      expect(rootCreates.statusCode).toBe(200);
      // A GLOBAL_OWNER naming an org that does not exist: the same 401 as anyone else.
      const missing = await api.request({
        url: `${prefix}/orgs/${newObjectId()}/apiKeys`,
        as: api.root,
      });
      expect(missing.statusCode).toBe(401);
    });

    it('updates desc and roles; a role taken away is refused at once', async () => {
      const ownerKey = await create(owner, ['ORG_OWNER']);
      const url = `${keys()}/${ownerKey.doc.id}`;
      const desc = await api.request({
        method: 'PATCH',
        url,
        as: owner,
        body: { desc: 'renamed' },
      });
      expect(desc.json()).toMatchObject({ desc: 'renamed', roles: ownerKey.doc.roles });
      const roles = await api.request({
        method: 'PATCH',
        url,
        as: owner,
        body: { roles: ['ORG_MEMBER'] },
      });
      expect(roles.json()).toMatchObject({
        desc: 'renamed',
        roles: [{ orgId: api.orgId, roleName: 'ORG_MEMBER' }],
        privateKey: `********-****-****-${ownerKey.as.key.slice(-12)}`,
      });
      expect((await api.request({ url: keys(), as: ownerKey.as })).statusCode).toBe(401);
    });

    it('deletes with 204, after which the key no longer authenticates', async () => {
      const { doc, as } = await create(owner, ['ORG_OWNER']);
      expect((await api.request({ url: keys(), as })).statusCode).toBe(200);
      const res = await api.request({ method: 'DELETE', url: `${keys()}/${doc.id}`, as: owner });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect((await api.request({ url: keys(), as })).statusCode).toBe(401);
      const gone = await api.request({ url: `${keys()}/${doc.id}`, as: owner });
      expect(gone.statusCode).toBe(404);
    });

    it('answers each error code as Atlas does', async () => {
      const post = (body: unknown) => api.request({ method: 'POST', url: keys(), as: owner, body });
      const error = async (res: Promise<{ statusCode: number; json: () => unknown }>) => {
        const answer = await res;
        return { status: answer.statusCode, ...(answer.json() as object) };
      };
      for (const body of [
        { roles: ['ORG_MEMBER'] },
        { desc: '', roles: ['ORG_MEMBER'] },
        { desc: '   ', roles: ['ORG_MEMBER'] },
        { desc: 'x'.repeat(251), roles: ['ORG_MEMBER'] },
      ]) {
        expect(await error(post(body))).toMatchObject({
          status: 400,
          errorCode: 'INVALID_API_KEY_DESC',
          detail: DESC_DETAIL,
        });
      }
      expect((await post({ desc: 'x'.repeat(250), roles: ['ORG_MEMBER'] })).statusCode).toBe(200);
      for (const body of [{ desc: 'x' }, { desc: 'x', roles: [] }]) {
        expect(await error(post(body))).toMatchObject({
          status: 400,
          errorCode: 'MISSING_API_KEY_ROLES',
        });
      }
      expect(await error(post({ desc: 'x', roles: ['ORG_MEMBER', 'GROUP_OWNER'] }))).toMatchObject({
        status: 400,
        errorCode: 'INVALID_ENUM_VALUE',
        parameters: ['GROUP_OWNER'],
      });
      expect(await error(post({ desc: 'x', roles: ['ORG_MEMBER'], extra: 1 }))).toMatchObject({
        errorCode: 'INVALID_ATTRIBUTE',
      });
      expect(await error(post({ desc: 5, roles: ['ORG_MEMBER'] }))).toMatchObject({
        errorCode: 'INVALID_ATTRIBUTE',
      });

      const { doc } = await create(owner, ['ORG_MEMBER']);
      const patch = (body: unknown) =>
        api.request({ method: 'PATCH', url: `${keys()}/${doc.id}`, as: owner, body });
      expect(await error(patch({ desc: '' }))).toMatchObject({ errorCode: 'INVALID_API_KEY_DESC' });
      expect(await error(patch({ roles: [] }))).toMatchObject({
        errorCode: 'MISSING_API_KEY_ROLES',
      });
      expect(await error(patch({ roles: ['NOPE'] }))).toMatchObject({
        errorCode: 'INVALID_ENUM_VALUE',
      });

      const unknown = newObjectId();
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = api.request({
          method,
          url: `${keys()}/${unknown}`,
          as: owner,
          ...(method === 'PATCH' ? { body: { desc: 'x' } } : {}),
        });
        expect(await error(res)).toMatchObject({
          status: 404,
          errorCode: 'API_KEY_NOT_FOUND',
          detail: `No API key with ID ${unknown} exists.`,
          parameters: [unknown],
        });
      }
      // Another org's key is unknown here, even to its owner's org's path.
      const theirs = await create(otherOwner, ['ORG_MEMBER'], otherOrg);
      const crossed = await api.request({ url: `${keys()}/${theirs.doc.id}`, as: owner });
      expect(crossed.statusCode).toBe(404);
      expect(await error(api.request({ url: `${keys()}/nope`, as: owner }))).toMatchObject({
        errorCode: 'INVALID_PATH_PARAMETER',
      });
      const put = await api.request({ method: 'PUT', url: keys(), as: owner, body: {} });
      expect(put.statusCode).toBe(405);
    });

    it('pages the list, with includeCount, pretty and envelope', async () => {
      const org = newObjectId();
      await api.service.store.createOrg({
        id: org,
        name: `paged ${prefix}`,
        createdAt: '2026-01-01T00:00:00Z',
      });
      const url = `${prefix}/orgs/${org}/apiKeys`;
      const ids: string[] = [];
      for (const desc of ['a', 'b', 'c']) {
        const res = await api.request({
          method: 'POST',
          url,
          as: api.root,
          body: { desc, roles: ['ORG_MEMBER'] },
        });
        ids.push(res.json().id);
      }
      const page2 = await api.request({ url: `${url}?itemsPerPage=2&pageNum=2`, as: api.root });
      expect(page2.json()).toMatchObject({ totalCount: 3, results: [{ id: ids[2], desc: 'c' }] });
      expect(
        page2
          .json()
          .links.map((l: { rel: string }) => l.rel)
          .sort(),
      ).toEqual(['previous', 'self']);
      const uncounted = await api.request({
        url: `${url}?itemsPerPage=1&includeCount=false&envelope=true&pretty=true`,
        as: api.root,
      });
      expect(uncounted.body).toContain('\n  "links"');
      const body = uncounted.json();
      expect(body.status).toBe(200);
      expect(body.totalCount).toBeUndefined();
      expect(body.results).toHaveLength(1);
      expect(body.links.map((l: { rel: string }) => l.rel).sort()).toEqual(['next', 'self']);
      const bad = await api.request({ url: `${url}?itemsPerPage=501`, as: api.root });
      expect(bad.json().errorCode).toBe('INVALID_QUERY_PARAMETER');
      const one = await api.request({ url: `${url}/${ids[0]}?envelope=true`, as: api.root });
      expect(one.json()).toMatchObject({ status: 200, content: { id: ids[0], desc: 'a' } });
    });
  },
);
