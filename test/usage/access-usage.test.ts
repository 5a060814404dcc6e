// Use through access-list entries: counted in memory, shown before it is written, written
// in one batch per flush into the real store, and kept for the next flush when a write fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessOwner, AccessUsageDelta } from '../../src/domain/access-list.js';
import { createUser } from '../../src/domain/users.js';
import { AccessUsage } from '../../src/usage/access-usage.js';
import { type FreshStore, freshStore } from '../support/databases.js';

const T1 = '2026-11-30T05:00:00Z';
const T2 = '2026-11-30T05:00:01Z';

describe('AccessUsage', () => {
  let fresh: FreshStore;
  let owner: AccessOwner;
  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    const user = await createUser(fresh.store, { username: 'ada' });
    if (!user.ok) throw new Error(user.error);
    owner = { kind: 'user', id: user.value.id };
    await fresh.store.addAccessEntries(owner, [{ cidrBlock: '10.0.0.0/8', created: T1 }], 500);
  });
  afterEach(() => fresh.cleanup());

  const stored = async () => {
    const entry = await fresh.store.getAccessEntry(owner, '10.0.0.0/8');
    if (!entry) throw new Error('no entry');
    return entry;
  };

  it('shows unwritten use, then writes it once', async () => {
    const usage = new AccessUsage(fresh.store);
    usage.record(owner, '10.0.0.0/8', '10.0.0.1', T1);
    usage.record(owner, '10.0.0.0/8', '10.0.0.2', T2);
    usage.record(owner, '10.0.0.0/8', '10.0.0.3', T1);
    expect(usage.withUnflushed(owner, await stored())).toMatchObject({
      count: 3,
      lastUsed: T2,
      lastUsedAddress: '10.0.0.2',
    });
    await usage.flush();
    await usage.flush();
    const written = await stored();
    expect(written).toMatchObject({ count: 3, lastUsed: T2, lastUsedAddress: '10.0.0.2' });
    expect(usage.withUnflushed(owner, written)).toEqual(written);
  });

  it('keeps what a failed write held, for the next flush', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const batches: number[] = [];
    const usage = new AccessUsage(
      {
        applyAccessUsage: async (deltas: readonly AccessUsageDelta[]) => {
          batches.push(deltas.length);
          if (fail) throw new Error('database away');
          await fresh.store.applyAccessUsage(deltas);
        },
      },
      (error) => errors.push(error),
    );
    usage.record(owner, '10.0.0.0/8', '10.0.0.1', T1);
    await usage.flush();
    expect(errors).toHaveLength(1);
    usage.record(owner, '10.0.0.0/8', '10.0.0.2', T2);
    expect(usage.withUnflushed(owner, await stored()).count).toBe(2);
    fail = false;
    await usage.stop();
    expect(batches).toEqual([1, 1]);
    expect(await stored()).toMatchObject({ count: 2, lastUsed: T2, lastUsedAddress: '10.0.0.2' });
  });
});
