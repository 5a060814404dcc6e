import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';
import { dialects, type FreshDatabase, freshDatabase } from '../support/databases.js';

// The API's main path on each database the service supports, through the same code.
describe.each(dialects)('the key API on %s', (dialect) => {
  let fresh: FreshDatabase;
  let api: TestApi;
  beforeAll(async () => {
    fresh = await freshDatabase(dialect);
    api = await TestApi.start({ database: fresh.database });
  });
  afterAll(async () => {
    await api.close();
    await fresh.cleanup();
  });

  it('creates, lists with current usage, disables and deletes keys', async () => {
    const { alice } = api;
    const url = `${ATLAS}/users/${alice.user.id}/keys`;
    const created = await api.request({
      method: 'POST',
      url,
      as: alice,
      body: { description: dialect },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const fresh = { username: alice.username, key: created.json().key };
    for (let i = 0; i < 3; i++) {
      expect(
        (await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: fresh })).statusCode,
      ).toBe(200);
    }
    await api.service.usage.flush();
    const listed = (await api.request({ url, as: alice })).json();
    expect(listed.totalCount).toBe(2);
    expect(listed.results.find((k: { id: string }) => k.id === id).usedCount).toBe(3);

    const patched = await api.request({
      method: 'PATCH',
      url: `${url}/${id}`,
      as: alice,
      body: { enabled: false },
    });
    expect(patched.json().enabled).toBe(false);
    expect(
      (await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: fresh })).statusCode,
    ).toBe(401);
    expect(
      (await api.request({ method: 'DELETE', url: `${url}/${id}`, as: alice })).statusCode,
    ).toBe(204);
    expect((await api.request({ url, as: alice })).json().totalCount).toBe(1);
  });
});
