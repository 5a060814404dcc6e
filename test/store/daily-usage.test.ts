import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/domain/keys.js';
import { createUser } from '../../src/domain/users.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

describe.each(dialects)('daily usage on %s', (dialect) => {
  let fresh: FreshStore;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
  });
  afterEach(() => fresh.cleanup());

  it('adds each flush to its key and day, beside the totals, and forgets deleted keys', async () => {
    const { store } = fresh;
    const user = await createUser(store, { username: 'daily' });
    if (!user.ok) throw new Error(user.error);
    const issue = async () => {
      const issued = await issueKey(store, {
        user: user.value,
        description: 'd',
        realm: 'r',
        maxKeysPerUser: 10,
      });
      if (!issued.ok) throw new Error(issued.error);
      return issued.value.record.id;
    };
    const [a, b] = [await issue(), await issue()];
    await store.applyUsage([
      { keyId: a, count: 3, lastUsed: '2026-11-23T23:59:59Z' },
      { keyId: b, count: 1, lastUsed: '2026-11-24T00:00:01Z' },
    ]);
    await store.applyUsage([
      { keyId: a, count: 2, lastUsed: '2026-11-24T08:00:00Z' },
      { keyId: a, count: 4, lastUsed: '2026-11-24T09:00:00Z' },
    ]);
    expect(await store.dailyUsage([a, b], '2026-11-01')).toEqual([
      { keyId: a, day: '2026-11-23', count: 3 },
      { keyId: a, day: '2026-11-24', count: 6 },
      { keyId: b, day: '2026-11-24', count: 1 },
    ]);
    expect(await store.dailyUsage([a], '2026-11-24')).toEqual([
      { keyId: a, day: '2026-11-24', count: 6 },
    ]);
    expect((await store.getKey(user.value.id, a))?.usedCount).toBe(9);

    await store.deleteKey(user.value.id, b);
    await store.applyUsage([{ keyId: b, count: 5, lastUsed: '2026-11-24T10:00:00Z' }]);
    expect(await store.dailyUsage([a, b], '2026-11-01')).toHaveLength(2);
  });
});
