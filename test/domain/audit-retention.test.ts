import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneAuditTrail } from '../../src/domain/audit-retention.js';
import { type FreshStore, freshStore } from '../support/databases.js';

const DAY_MS = 86_400_000;

describe('audit retention', () => {
  let fresh: FreshStore;
  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    await fresh.store.recordAudit({ action: 'console.signInFailed', targets: {} });
  });
  afterEach(() => fresh.cleanup());

  const held = async () =>
    (await fresh.store.listAudit({}, { offset: 0, limit: 10, includeCount: true })).total;

  // `now` stands two days ahead, so the one event is two days old.
  const pruneAt = async (retentionDays: number) => {
    const errors: unknown[] = [];
    const pruning = pruneAuditTrail(
      fresh.store,
      retentionDays,
      (e) => errors.push(e),
      () => Date.now() + 2 * DAY_MS,
    );
    pruning.stop();
    await pruning.started;
    expect(errors).toEqual([]);
  };

  it('keeps events younger than the retention', async () => {
    await pruneAt(3);
    expect(await held()).toBe(1);
  });

  it('deletes events older than the retention at start', async () => {
    await pruneAt(1);
    expect(await held()).toBe(0);
  });
});
