import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_KEYS, THROTTLE_BYTES_PER_KEY } from '../../src/domain/throttle.js';

const ROOT = new URL('../..', import.meta.url).pathname;

// In a process of its own, with --expose-gc, so the heap it measures holds nothing else.
describe('FailureThrottle memory bound', () => {
  it(`holds at most ${THROTTLE_BYTES_PER_KEY} bytes per key, however long the keys sent`, () => {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'test/support/throttle-heap.ts', `${DEFAULT_MAX_KEYS}`],
      // Keys of equal length past 16,383 characters share one V8 hash: a throttle that
      // keeps them as sent slows to a crawl, and would hang here without a limit.
      { cwd: ROOT, encoding: 'utf8', timeout: 100_000 },
    );
    const { longKeys, fullTable } = JSON.parse(output);
    // 60,000-character usernames cost what short ones do.
    expect(longKeys.records).toBe(2000);
    expect(longKeys.bytesPerRecord).toBeLessThanOrEqual(THROTTLE_BYTES_PER_KEY);
    // Filled past its bound with the largest keys kept as sent: the stated total holds.
    expect(fullTable.records).toBe(DEFAULT_MAX_KEYS);
    expect(fullTable.bytesPerRecord).toBeLessThanOrEqual(THROTTLE_BYTES_PER_KEY);
  }, 120_000);
});
