// A key made by another worker or instance is usable at once everywhere, not after the
// revision poll: a client that creates a key and then uses it lands on any of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from './support/api.js';

describe('a key created on one instance, used at once on another (one SQLite database)', () => {
  let a: TestApi;
  let b: TestApi;
  beforeEach(async () => {
    a = await TestApi.start({ authFailureLimit: 10 });
    b = await a.anotherInstance();
  });
  afterEach(async () => {
    await b.close();
    await a.close();
  });

  it('is accepted by the other instance, which had the owner cached, before any poll', async () => {
    const url = `${ATLAS}/users/${a.alice.user.id}`;
    // Alice is in b's cache now, with her first key only.
    expect((await b.request({ url, as: a.alice })).statusCode).toBe(200);
    const created = await a.request({
      method: 'POST',
      url: `${url}/keys`,
      body: { description: 'made on a' },
      as: a.alice,
    });
    expect(created.statusCode).toBe(201);
    const key = created.json<{ key: string }>().key;
    expect((await b.request({ url, as: { ...a.alice, key } })).statusCode).toBe(200);
  });

  it('still refuses a wrong key for a cached user, and still throttles it', async () => {
    const url = `${ATLAS}/users/${a.alice.user.id}`;
    expect((await b.request({ url, as: a.alice })).statusCode).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await b.request({ url, as: { ...a.alice, key: `wrong-${i}` } })).statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    expect(statuses.at(-1)).toBe(429);
  });
});
