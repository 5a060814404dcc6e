import { describe, expect, it } from 'vitest';
import { type Attempt, type AttemptTicket, FailureThrottle } from '../../src/domain/throttle.js';

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

describe('FailureThrottle.attempt', () => {
  it('counts an attempt before its outcome: at most the limit are admitted at once', () => {
    const { t } = throttle();
    const attempts = Array.from({ length: 10 }, () => t.attempt(['ip:a', 'user:root']));
    expect(attempts.filter((a) => a.kind === 'admitted')).toHaveLength(3);
    expect(attempts.slice(3).every((a) => a.kind === 'refused' && a.retryAfter === 1)).toBe(true);
    // Per username too, whichever address the attempts come from.
    expect(t.attempt(['ip:b', 'user:root']).kind).toBe('refused');
    expect(t.attempt(['ip:b', 'user:other']).kind).toBe('admitted');
    // A key of any length counts as itself: held as a digest, never as another key.
    const long = 'user:'.padEnd(60_000, 'x');
    for (let i = 0; i < 3; i++) expect(t.attempt(['ip:c', long]).kind).toBe('admitted');
    expect(t.attempt(['ip:d', long]).kind).toBe('refused');
    expect(t.attempt(['ip:d', `${long}y`]).kind).toBe('admitted');
    expect(t.attempt(['ip:d', long.slice(0, 40)]).kind).toBe('admitted');
  });

  it('a success clears its keys; a withdrawn attempt does not count, lockout included', () => {
    const { t } = throttle();
    const first = admitted(t.attempt(['k']));
    admitted(t.attempt(['k']));
    const third = admitted(t.attempt(['k'])); // reaches the limit: locked
    expect(t.retryAfter('k')).toBe(1);
    third.withdraw();
    expect(t.retryAfter('k')).toBe(0);
    admitted(t.attempt(['k']));
    first.succeed();
    expect(t.size).toBe(0);
    // Taken back after the record was cleared: the fresh record keeps its count.
    t.fail('k');
    third.withdraw();
    t.fail('k');
    t.fail('k');
    expect(t.retryAfter('k')).toBe(1);
  });
});

describe('FailureThrottle memory', () => {
  it('forgets a record once its window and its lockout have both passed', () => {
    const { t, advance } = throttle({ windowMs: 60_000, maxLockoutMs: 120_000 });
    for (let i = 0; i < 3; i++) t.fail('locked'); // 1 s lockout
    advance(30_000);
    t.fail('recent');
    advance(30_001); // `locked`'s window has passed, and its lockout long ago
    expect(t.retryAfter('other')).toBe(0);
    expect(t.size).toBe(1);
    for (let i = 0; i < 10; i++) t.fail('long'); // 120 s lockout, longer than the window
    advance(90_000);
    expect(t.retryAfter('long')).toBe(30);
    expect(t.size).toBe(1);
    advance(30_000);
    expect(t.retryAfter('long')).toBe(0);
    expect(t.size).toBe(0);
  });
});

function admitted(attempt: Attempt): AttemptTicket {
  if (attempt.kind !== 'admitted') throw new Error('refused');
  return attempt.ticket;
}
