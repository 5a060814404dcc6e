import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicUrl } from '../../src/config.js';
import { newObjectId } from '../../src/domain/ids.js';
import { keyMaterial } from '../../src/domain/keys.js';
import { ATLAS, TestApi } from '../support/api.js';

interface Link {
  href: string;
  rel: string;
}

describe('list pagination', () => {
  let api: TestApi;
  let url: string;
  const TOTAL = 501; // alice's first key plus 500 seeded ones

  beforeAll(async () => {
    api = await TestApi.start();
    const { alice } = api;
    const material = keyMaterial(alice.username, api.service.realm);
    const base = Date.parse('2020-01-01T00:00:00Z');
    await api.service.store.insertKeys(
      Array.from({ length: TOTAL - 1 }, (_, i) => ({
        id: newObjectId(new Date(base + i * 1000)),
        userId: alice.user.id,
        description: `seeded ${i}`,
        createdAt: `${new Date(base + i * 1000).toISOString().slice(0, 19)}Z`,
        suffix: material.suffix,
        ha1: material.ha1,
      })),
    );
    url = `${ATLAS}/users/${alice.user.id}/keys`;
  });
  afterAll(() => api.close());

  const get = async (query: string) => api.request({ url: `${url}${query}`, as: api.alice });
  const rels = (links: Link[]) => Object.fromEntries(links.map((l) => [l.rel, l.href]));

  it('defaults to page 1 of 100 with a self link carrying both parameters', async () => {
    const res = await get('');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.results).toHaveLength(100);
    expect(body.totalCount).toBe(TOTAL);
    const links = rels(body.links);
    expect(links.self).toBe(`http://localhost:80${url}?pageNum=1&itemsPerPage=100`);
    expect(links.next).toBe(`http://localhost:80${url}?pageNum=2&itemsPerPage=100`);
    expect(links.previous).toBeUndefined();
  });

  it('serves itemsPerPage=500 and the last page with previous but no next', async () => {
    const first = (await get('?itemsPerPage=500')).json();
    expect(first.results).toHaveLength(500);
    const last = (await get('?itemsPerPage=500&pageNum=2')).json();
    expect(last.results).toHaveLength(1);
    expect(Object.keys(rels(last.links)).sort()).toEqual(['previous', 'self']);
    const ids = new Set([...first.results, ...last.results].map((k: { id: string }) => k.id));
    expect(ids.size).toBe(TOTAL);
  });

  it('pages with itemsPerPage=1 in creation order', async () => {
    const one = (await get('?itemsPerPage=1&pageNum=2')).json();
    const two = (await get('?itemsPerPage=2&pageNum=1')).json();
    expect(one.results).toHaveLength(1);
    expect(one.results[0].id).toBe(two.results[1].id);
    expect(rels(one.links).previous).toContain('pageNum=1&itemsPerPage=1');
  });

  it('answers a page past the end with 200 and no results', async () => {
    const res = await get('?pageNum=99');
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([]);
    expect(res.json().totalCount).toBe(TOTAL);
    expect(rels(res.json().links).next).toBeUndefined();
  });

  it('omits totalCount with includeCount=false and still knows the next page', async () => {
    const body = (await get('?includeCount=false&itemsPerPage=500')).json();
    expect(body).not.toHaveProperty('totalCount');
    expect(rels(body.links).next).toBeDefined();
    const last = (await get('?includeCount=false&itemsPerPage=500&pageNum=2')).json();
    expect(rels(last.links).next).toBeUndefined();
  });

  it.each([
    ['itemsPerPage=501'],
    ['itemsPerPage=0'],
    ['itemsPerPage=abc'],
    ['pageNum=0'],
    ['pageNum=-1'],
    ['pageNum=1.5'],
    ['pageNum=99999999999999999999'],
    ['includeCount=yes'],
    ['pretty=1'],
    ['envelope=TRUE'],
  ])('rejects %s with INVALID_QUERY_PARAMETER', async (query) => {
    const res = await get(`?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 400,
      errorCode: 'INVALID_QUERY_PARAMETER',
      reason: 'Bad Request',
      parameters: [query.split('=')[0]],
    });
  });

  it('uses the configured public URL for links', async () => {
    const other = await TestApi.start({
      publicUrl: publicUrl('https://keys.example.com/base'),
    });
    try {
      const res = await other.request({
        url: `${ATLAS}/users/${other.alice.user.id}/keys`,
        as: other.alice,
      });
      expect(rels(res.json().links).self).toBe(
        `https://keys.example.com/base${ATLAS}/users/${other.alice.user.id}/keys?pageNum=1&itemsPerPage=100`,
      );
    } finally {
      await other.close();
    }
  });
});
