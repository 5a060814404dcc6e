import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

describe('users and orgs', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  it('finds a user by name with the Atlas user document', async () => {
    const { alice } = api;
    const res = await api.request({ url: `${ATLAS}/users/byName/${alice.username}`, as: alice });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([
      'emailAddress',
      'firstName',
      'id',
      'lastName',
      'links',
      'roles',
      'username',
    ]);
    expect(body).toMatchObject({
      id: alice.user.id,
      username: alice.username,
      firstName: 'Alice',
      roles: [{ orgId: api.orgId, roleName: 'ORG_MEMBER' }],
      links: [{ href: `http://localhost:80${ATLAS}/users/${alice.user.id}`, rel: 'self' }],
    });
  });

  it('shows GLOBAL_OWNER among the roles and lets the owner look anyone up', async () => {
    const self = (
      await api.request({ url: `${ATLAS}/users/${api.root.user.id}`, as: api.root })
    ).json();
    expect(self.roles).toEqual([{ roleName: 'GLOBAL_OWNER' }]);
    const other = await api.request({
      url: `${ATLAS}/users/byName/${api.bob.username}`,
      as: api.root,
    });
    expect(other.json().id).toBe(api.bob.user.id);
  });

  it('does not reveal whether another username exists', async () => {
    const existing = await api.request({
      url: `${ATLAS}/users/byName/${api.bob.username}`,
      as: api.alice,
    });
    const missing = await api.request({ url: `${ATLAS}/users/byName/ghost`, as: api.alice });
    expect(existing.statusCode).toBe(401);
    expect(missing.statusCode).toBe(401);
    expect(existing.body).toBe(missing.body);
  });

  it('lists the members of an org for a member, with links under the prefix used', async () => {
    const res = await api.request({ url: `/api/public/v1.0/orgs/${api.orgId}/users`, as: api.bob });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totalCount).toBe(2);
    expect(body.results.map((u: { username: string }) => u.username).sort()).toEqual([
      api.alice.username,
      api.bob.username,
    ]);
    expect(body.results[0].links[0].href).toContain('/api/public/v1.0/users/');
  });

  it('answers /health without credentials', async () => {
    const res = await api.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
