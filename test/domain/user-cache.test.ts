import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/domain/keys.js';
import type { UserRecord } from '../../src/domain/records.js';
import { UserCache } from '../../src/domain/user-cache.js';
import { createUser } from '../../src/domain/users.js';
import type { Store } from '../../src/store/store.js';
import { type FreshStore, freshStore } from '../support/databases.js';

describe('UserCache over a real store', () => {
  let fresh: FreshStore;
  let store: Store;
  let user: UserRecord;
  let loads: number;
  let cache: UserCache;

  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    store = fresh.store;
    const created = await createUser(store, { username: 'carol' });
    if (!created.ok) throw new Error(created.error);
    user = created.value;
    await issueKey(store, { user, description: 'first', realm: 'r', maxKeysPerUser: 100 });
    loads = 0;
    // The real store, with its credential reads counted.
    cache = new UserCache({
      loadCredentials: (name) => {
        loads++;
        return store.loadCredentials(name);
      },
      listKeys: (id, page) => store.listKeys(id, page),
      credentialsRevision: () => store.credentialsRevision(),
    });
    await cache.refresh();
  });
  afterEach(() => fresh.cleanup());

  const issue = async () => {
    const issued = await issueKey(store, {
      user,
      description: 'more',
      realm: 'r',
      maxKeysPerUser: 100,
    });
    if (!issued.ok) throw new Error(issued.error);
    return { ...issued.value, revision: issued.revision };
  };

  it('extends an entry in place for its own new keys and keeps it across the poll', async () => {
    expect((await cache.credentials('carol'))?.keys).toHaveLength(1);
    expect(await cache.keys('carol')).toHaveLength(1);
    const { credential, record, revision } = await issue();
    cache.addKey('carol', credential, record, revision);
    await cache.refresh();
    expect(cache.peek('carol')?.credentials?.keys.map((k) => k.keyId)).toContain(record.id);
    expect((await cache.keys('carol'))?.map((k) => k.id)).toContain(record.id);
    expect(loads).toBe(1);
  });

  it('drops everything when someone else wrote, even alongside its own writes', async () => {
    await cache.credentials('carol');
    const mine = await issue();
    cache.addKey('carol', mine.credential, mine.record, mine.revision);
    await issue(); // another writer: the cache is not told
    await cache.refresh();
    expect(cache.peek('carol')).toBeUndefined();
    expect((await cache.credentials('carol'))?.keys).toHaveLength(3);
    expect(loads).toBe(2);
  });

  it('keeps HA1s but reloads the key list after a usage flush', async () => {
    const credentials = await cache.credentials('carol');
    await cache.keys('carol');
    const keyId = credentials!.keys[0]!.keyId;
    await store.applyUsage([{ keyId, count: 3, lastUsed: '2026-01-01T00:00:00Z' }]);
    cache.invalidateKeys([keyId]);
    expect(cache.peek('carol')?.credentials).toBe(credentials);
    expect((await cache.keys('carol'))?.[0]?.usedCount).toBe(3);
    expect(loads).toBe(1);
  });
});
