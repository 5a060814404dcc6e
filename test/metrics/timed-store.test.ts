import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timedStore } from '../../src/metrics/timed-store.js';
import type { Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

describe.each(dialects)('timedStore on %s', (dialect) => {
  let db: FreshStore;
  let store: Store;
  let timed: [string, number][];
  beforeEach(async () => {
    db = await freshStore(dialect);
    timed = [];
    store = timedStore(db.store, (operation, seconds) => timed.push([operation, seconds]));
  });
  afterEach(() => db.cleanup());

  it('times each call under its method’s name, refused ones too', async () => {
    await store.setSetting('metrics-test', 'x');
    expect(await store.getSetting('metrics-test')).toBe('x');
    const refused = await store.setMembership('nobody', 'nothing', 'ORG_MEMBER');
    expect(refused.ok).toBe(false);
    expect(timed.map(([operation]) => operation)).toEqual([
      'setSetting',
      'getSetting',
      'setMembership',
    ]);
    for (const [, seconds] of timed) expect(seconds).toBeGreaterThan(0);
  });

  it('passes synchronous members through untimed', () => {
    expect(store.dialect).toBe(db.store.dialect);
    const stop = store.onRevision(() => {});
    stop();
    expect(timed).toEqual([]);
  });
});
