import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserCache } from '../../src/domain/user-cache.js';
import { MAX_USERNAME_LENGTH } from '../../src/domain/users.js';
import { type FreshStore, freshStore } from '../support/databases.js';

// Usernames come from Authorization headers, up to 8 KiB each: the cache must not hold
// what no user can be called.
describe('UserCache and names no user can have', () => {
  let fresh: FreshStore;
  let loads: string[];
  let cache: UserCache;

  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    const { store } = fresh;
    loads = [];
    cache = new UserCache({
      loadCredentials: (name) => {
        loads.push(name);
        return store.loadCredentials(name);
      },
      listKeys: (id, page) => store.listKeys(id, page),
      credentialsRevision: () => store.credentialsRevision(),
    });
  });
  afterEach(() => fresh.cleanup());

  it('knows a name longer than any username as unknown, without a lookup or an entry', async () => {
    for (let i = 0; i < 100; i++) {
      const name = `${i}`.padEnd(8192, 'x');
      expect(cache.peek(name)).toEqual({ credentials: undefined });
      expect(await cache.credentials(name)).toBeUndefined();
    }
    expect(loads).toEqual([]);
    // An unknown name of a valid length is looked up once, then remembered.
    const name = 'x'.repeat(MAX_USERNAME_LENGTH);
    expect(cache.peek(name)).toBeUndefined();
    expect(await cache.credentials(name)).toBeUndefined();
    expect(await cache.credentials(name)).toBeUndefined();
    expect(cache.peek(name)).toEqual({ credentials: undefined });
    expect(loads).toEqual([name]);
  });
});
