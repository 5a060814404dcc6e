import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { keyMaterial } from '../../src/domain/keys.js';
import type { ObjectId } from '../../src/domain/records.js';
import { createUser } from '../../src/domain/users.js';
import type { UsageDelta } from '../../src/store/store.js';
import { MAX_KEYS_PER_WRITE, UsageCounter } from '../../src/usage/usage-counter.js';
import { type FreshStore, freshStore } from '../support/databases.js';

const KEYS = 2 * MAX_KEYS_PER_WRITE + 100;

describe('usage flush on SQLite, whose writes block the event loop', () => {
  let fresh: FreshStore;
  let ids: ObjectId[];
  let userId: ObjectId;
  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    const user = await createUser(fresh.store, { username: 'busy' });
    if (!user.ok) throw new Error(user.error);
    userId = user.value.id;
    const material = keyMaterial('busy', 'r');
    ids = Array.from({ length: KEYS }, () => newObjectId());
    await fresh.store.insertKeys(
      ids.map((id) => ({
        id,
        userId,
        description: 'k',
        createdAt: '2026-11-29T00:00:00Z',
        suffix: material.suffix,
        ha1: material.ha1,
      })),
    );
  });
  afterEach(() => fresh.cleanup());

  const storedCounts = async () => {
    const page = await fresh.store.listKeys(userId, {
      offset: 0,
      limit: KEYS,
      includeCount: false,
    });
    return page.items.reduce((sum, key) => sum + key.usedCount, 0);
  };

  it('writes many keys in bounded parts with requests served in between, counts exact', async () => {
    const writes: number[] = [];
    const turns: number[] = [];
    const counter = new UsageCounter({
      applyUsage: async (deltas: readonly UsageDelta[]) => {
        writes.push(deltas.length);
        // A request that arrived during this write: it must run before the next write.
        setImmediate(() => turns.push(writes.length));
        await fresh.store.applyUsage(deltas);
      },
    });
    for (const id of ids) {
      counter.record(id, '2026-11-29T10:00:00Z');
      counter.record(id, '2026-11-29T10:00:01Z');
    }
    await counter.flush();
    expect(writes.every((n) => n <= MAX_KEYS_PER_WRITE)).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(KEYS);
    expect(turns).toEqual(writes.slice(0, -1).map((_, i) => i + 1));
    expect(await storedCounts()).toBe(2 * KEYS);
    expect(ids.every((id) => counter.unflushed(id) === undefined)).toBe(true);
  });

  it('keeps the parts not written after a failure and writes them once on the next flush', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const counter = new UsageCounter(
      {
        applyUsage: async (deltas: readonly UsageDelta[]) => {
          if (++calls === 2) throw new Error('database went away');
          await fresh.store.applyUsage(deltas);
        },
      },
      { onError: (error) => errors.push(error) },
    );
    for (const id of ids) counter.record(id, '2026-11-29T10:00:00Z');
    await counter.flush();
    expect(errors).toHaveLength(1);
    expect(await storedCounts()).toBe(MAX_KEYS_PER_WRITE);
    // Written keys show their stored count only; the rest still count as unflushed.
    expect(counter.unflushed(ids[0]!)).toBeUndefined();
    expect(counter.unflushed(ids[KEYS - 1]!)?.count).toBe(1);
    counter.record(ids[KEYS - 1]!, '2026-11-29T10:00:02Z');
    await counter.flush();
    expect(await storedCounts()).toBe(KEYS + 1);
  });
});
