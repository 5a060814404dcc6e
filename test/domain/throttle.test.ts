import { describe, expect, it } from 'vitest';
import { FailureThrottle } from '../../src/domain/throttle.js';

function throttle(options: Partial<ConstructorParameters<typeof FailureThrottle>[0]> = {}) {
  let now = 1_000_000;
  const t = new FailureThrottle({
    limit: 3,
    windowMs: 60_000,
    baseLockoutMs: 1000,
    maxLockoutMs: 8000,
    now: () => now,
    ...options,
  });
  return { t, advance: (ms: number) => (now += ms) };
}

describe('FailureThrottle', () => {
  it('locks a key out after the limit, doubling per further failure up to the cap', () => {
    const { t } = throttle();
    t.fail('k');
    t.fail('k');
    expect(t.retryAfter('k')).toBe(0);
    t.fail('k'); // the third failure reaches the limit
    expect(t.retryAfter('k')).toBe(1);
    t.fail('k');
    expect(t.retryAfter('k')).toBe(2);
    t.fail('k');
    expect(t.retryAfter('k')).toBe(4);
    for (let i = 0; i < 10; i++) t.fail('k');
    expect(t.retryAfter('k')).toBe(8);
    expect(t.retryAfter('other')).toBe(0);
  });

  it('lets the key try again when the lockout ends, and a success clears it', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 3; i++) t.fail('k');
    advance(1001);
    expect(t.retryAfter('k')).toBe(0);
    t.fail('k'); // still within the window: the count goes on
    expect(t.retryAfter('k')).toBe(2);
    t.succeed('k');
    expect(t.retryAfter('k')).toBe(0);
    t.fail('k');
    expect(t.retryAfter('k')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { t, advance } = throttle();
    t.fail('k');
    t.fail('k');
    advance(60_001);
    t.fail('k');
    expect(t.retryAfter('k')).toBe(0);
  });

  it('holds at most maxKeys keys, dropping the least recently failed', () => {
    const { t } = throttle({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) t.fail(`k${i}`);
    expect(t.size).toBe(100);
    for (let i = 0; i < 3; i++) t.fail('k999');
    expect(t.retryAfter('k999')).toBeGreaterThan(0);
  });
});
