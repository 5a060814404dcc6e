import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../src/domain/records.js';
import { KeyListDocuments } from '../../src/http/key-list-document.js';
import { ATLAS, TestApi } from '../support/api.js';

describe("a user's own key list, serialized once per change", () => {
  let api: TestApi;
  let url: string;
  beforeAll(async () => {
    api = await TestApi.start();
    const { alice } = api;
    url = `${ATLAS}/users/${alice.user.id}/keys`;
    for (const description of ['"quoted" \\ back\nline\ttab', 'é 😀 \u2028', '']) {
      const res = await api.request({ method: 'POST', url, as: alice, body: { description } });
      expect(res.statusCode).toBe(201);
    }
    const second = (await api.request({ url, as: alice })).json().results[1].id;
    const off = await api.request({
      method: 'PATCH',
      url: `${url}/${second}`,
      as: alice,
      body: { enabled: false },
    });
    expect(off.statusCode).toBe(200);
    // Stored counts and lastUsed on the first key, and more not yet written on top.
    await api.service.usage.flush();
    await api.request({ url, as: alice });
  });
  afterAll(() => api.close());

  // Alice's own list comes from memory through the cached document; root's view of it
  // from the store through the route's schema serializer. Root's requests do not count on
  // alice's keys, so both show the same figures.
  it.each([
    '',
    '?itemsPerPage=2',
    '?itemsPerPage=2&pageNum=2',
    '?includeCount=false',
    '?pageNum=9',
  ])('has the bytes the schema serializer gives (%s)', async (query) => {
    const own = await api.request({ url: url + query, as: api.alice });
    const seen = await api.request({ url: url + query, as: api.root });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe(seen.headers['content-type']);
    expect(own.body).toBe(seen.body);
    const first = own.json().results[0];
    if (query === '') expect(first.usedCount).toBe(7);
  });

  it('counts every authentication, written or not', async () => {
    const before = (await api.request({ url, as: api.alice })).json().results[0].usedCount;
    const after = (await api.request({ url, as: api.alice })).json().results[0].usedCount;
    expect(after).toBe(before + 1);
    await api.service.usage.flush();
    const flushed = (await api.request({ url, as: api.alice })).json().results[0].usedCount;
    expect(flushed).toBe(before + 2);
  });
});

describe('KeyListDocuments', () => {
  const key = (id: string, usedCount: number): ApiKeyRecord => ({
    id,
    userId: 'u'.repeat(24),
    description: `key ${id}`,
    createdAt: '2026-11-29T00:00:00Z',
    enabled: true,
    suffix: 'abcdef12',
    usedCount,
    ...(usedCount ? { lastUsed: '2026-11-29T01:00:00Z' } : {}),
  });
  const query = { pageNum: 1, itemsPerPage: 100 };

  it('adds unflushed counts per request to a template kept per list array', () => {
    const documents = new KeyListDocuments();
    const list = [key('a', 0), key('b', 4)];
    let pending = 0;
    const unflushed = (id: string) =>
      id === 'a' && pending ? { count: pending, lastUsed: '2026-11-29T02:00:00Z' } : undefined;
    const counts = (json: string) =>
      (JSON.parse(json).results as { usedCount: number; lastUsed?: string }[]).map((k) => [
        k.usedCount,
        k.lastUsed,
      ]);
    expect(counts(documents.render(list, 'http://h/x', query, unflushed))).toEqual([
      [0, undefined],
      [4, '2026-11-29T01:00:00Z'],
    ]);
    pending = 3;
    expect(counts(documents.render(list, 'http://h/x', query, unflushed))).toEqual([
      [3, '2026-11-29T02:00:00Z'],
      [4, '2026-11-29T01:00:00Z'],
    ]);
    // A new array (the cache reloaded after a flush or a change) is serialized anew.
    const reloaded = [key('a', 3), key('b', 4), key('c', 0)];
    const fresh = JSON.parse(documents.render(reloaded, 'http://h/x', query, () => undefined));
    expect(fresh.totalCount).toBe(3);
    expect(fresh.results.map((k: { usedCount: number }) => k.usedCount)).toEqual([3, 4, 0]);
  });
});
