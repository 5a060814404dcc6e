import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { ATLAS, TestApi } from '../support/api.js';
import { parsePrometheusText, total } from '../support/prometheus-text.js';

// A usage flush that the database refuses: counted in keyward_usage_flush_failures_total, and
// the uses it carried are kept and written by the next flush, none lost and none doubled.
// The refusal is real: another connection holds SQLite's write lock past busy_timeout.
describe('a usage flush the database refuses', { timeout: 60_000 }, () => {
  let api: TestApi;
  beforeAll(async () => {
    // Only the test's own flushes: the periodic one could write the uses before the lock.
    api = await TestApi.start({ metricsPort: 0, usageFlushIntervalMs: 3_600_000 });
  });
  afterAll(() => api.close());

  const failures = async () => {
    const metrics = api.service.metrics;
    if (!metrics) throw new Error('metrics are off');
    const text = await metrics.scrape().render();
    return total(parsePrometheusText(text), 'keyward_usage_flush_failures_total');
  };
  const usedCount = async () =>
    (await api.service.store.getKey(api.alice.user.id, api.alice.keyId))?.usedCount;

  it('is counted as a failure, and its uses are written by the next flush', async () => {
    const url = `${ATLAS}/users/${api.alice.user.id}/keys`;
    const before = await usedCount();
    for (let i = 0; i < 3; i++) {
      expect((await api.request({ url, as: api.alice })).statusCode).toBe(200);
    }
    // A use is counted as its response ends, which may follow the injected request's answer.
    await expect.poll(() => api.service.usage.unflushed(api.alice.keyId)?.count).toBe(3);
    // Through keyward's own SQLite library (node:sqlite on Node 24+): a second copy of SQLite
    // in one process does not see the first one's locks.
    const locker = openSqlite(api.database);
    let locked = false;
    try {
      locker.exec('begin exclusive');
      locked = true;
      await api.service.usage.flush();
      expect(await failures()).toBe(1);
      expect(await usedCount()).toBe(before);
    } finally {
      if (locked) locker.exec('rollback');
      locker.close();
    }
    await api.service.usage.flush();
    expect(await usedCount()).toBe((before ?? 0) + 3);
    expect(await failures()).toBe(1);
  });
});
