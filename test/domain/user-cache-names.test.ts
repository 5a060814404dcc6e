import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownCopy } from '../../src/domain/own-copy.js';
import { UserCache } from '../../src/domain/user-cache.js';
import { MAX_USERNAME_LENGTH } from '../../src/domain/users.js';
import { type FreshStore, freshStore } from '../support/databases.js';
import { heapPerItem, sliceOfLargeHeader } from '../support/heap.js';

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
        loads.push(ownCopy(name));
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

  it('does not keep the header an unknown name was cut from alive', async () => {
    const count = 2000;
    // V8 copies slices shorter than 13 characters; longer ones point into the header.
    const perName = await heapPerItem(count, (i) =>
      cache.credentials(sliceOfLargeHeader(`nobody-called-${i}`)),
    );
    // Holding the headers would cost over 4 KiB a name.
    expect(perName).toBeLessThan(1024);
    expect(cache.peek(`nobody-called-${count - 1}`)).toEqual({ credentials: undefined });
  });
});
