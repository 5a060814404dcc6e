import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../../src/digest/index.js';
import { heapPerItem, sliceOfLargeHeader } from '../support/heap.js';

describe('ReplayWindow: nc per nonce', () => {
  it('accepts out-of-order nc values once each and rejects repeats as replay', () => {
    const w = new ReplayWindow();
    for (const nc of [5, 3, 9, 4, 1]) expect(w.accept('n', 0, nc, 'k')).toBe('accepted');
    for (const nc of [5, 3, 9, 4, 1]) expect(w.accept('n', 0, nc, 'k')).toBe('replay');
    expect(w.accept('n', 0, 2, 'k')).toBe('accepted');
  });

  it('accepts a counter that does not start at 1 and jumps (one counter across nonces, decimal-looking)', () => {
    const w = new ReplayWindow();
    // A client counting in decimal sends 00000009 then 00000010: hex 9 then hex 16.
    for (const nc of ['00000009', '00000010', '00000011', '00000099', '00000100']) {
      expect(w.accept('first', 0, Number.parseInt(nc, 16), 'k')).toBe('accepted');
    }
    expect(w.accept('second', 0, 0x101, 'k')).toBe('accepted');
    expect(w.accept('second', 0, 0x101, 'k')).toBe('replay');
    expect(w.accept('first', 0, 0x101, 'k')).toBe('accepted');
  });

  it('answers below-window for an nc older than the window, and keeps the window edge exact', () => {
    const w = new ReplayWindow({ ncWindow: 64 });
    expect(w.accept('n', 0, 1000, 'k')).toBe('accepted');
    expect(w.accept('n', 0, 1000 - 63, 'k')).toBe('accepted');
    expect(w.accept('n', 0, 1000 - 64, 'k')).toBe('below-window');
    expect(w.accept('n', 0, 1, 'k')).toBe('below-window');
  });

  it('carries seen bits across 32-bit word boundaries when the window moves', () => {
    const w = new ReplayWindow({ ncWindow: 128 });
    w.accept('n', 0, 32, 'k');
    w.accept('n', 0, 1, 'k'); // offset 31: the top bit of the first word
    w.accept('n', 0, 33, 'k'); // shift by one: that bit must move into the second word
    w.accept('n', 0, 100, 'k'); // shift by 67: across two words and 3 bits
    expect(w.accept('n', 0, 1, 'k')).toBe('replay');
    expect(w.accept('n', 0, 32, 'k')).toBe('replay');
    expect(w.accept('n', 0, 2, 'k')).toBe('accepted');
  });

  it('matches an exact model under shifts of any size', () => {
    // Mostly small values, so revisits and word-boundary shifts are common.
    const nc = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 200 }), weight: 10 },
      { arbitrary: fc.integer({ min: 1, max: 0xffffffff }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(nc, { minLength: 50, maxLength: 300 }), (sequence) => {
        const W = 96;
        const window = new ReplayWindow({ ncWindow: W });
        const seen = new Set<number>();
        let highest = Number.NEGATIVE_INFINITY;
        for (const value of sequence) {
          const expected =
            value > highest
              ? 'accepted'
              : highest - value >= W
                ? 'below-window'
                : seen.has(value)
                  ? 'replay'
                  : 'accepted';
          expect(window.accept('n', 0, value, 'k')).toBe(expected);
          if (expected === 'accepted') {
            seen.add(value);
            highest = Math.max(highest, value);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('remembers the key that last used a nonce', () => {
    const w = new ReplayWindow();
    expect(w.tracked('n')?.keyId).toBeUndefined();
    w.accept('n', 0, 1, 'k1');
    expect(w.tracked('n')?.keyId).toBe('k1');
    w.accept('n', 0, 2, 'k2');
    expect(w.tracked('n')?.keyId).toBe('k2');
  });
});

describe('ReplayWindow: bounds', () => {
  it('evicts oldest first; an evicted nonce, or any untracked one issued by then, is evicted (stale)', () => {
    const w = new ReplayWindow({ maxNonces: 2 });
    expect(w.accept('a', 100, 1, 'k')).toBe('accepted');
    expect(w.accept('b', 300, 1, 'k')).toBe('accepted');
    expect(w.accept('c', 200, 1, 'k')).toBe('accepted'); // evicts a (issued at 100)
    expect(w.size).toBe(2);
    expect(w.horizon).toBe(100);
    expect(w.accept('a', 100, 2, 'k')).toBe('evicted');
    expect(w.accept('a', 100, 1, 'k')).toBe('evicted'); // would otherwise be a replay
    expect(w.accept('older', 50, 1, 'k')).toBe('evicted');
    expect(w.accept('d', 400, 1, 'k')).toBe('accepted'); // evicts b (300)
    expect(w.horizon).toBe(300);
    expect(w.accept('e', 250, 1, 'k')).toBe('evicted'); // issued before the horizon
    expect(w.accept('c', 200, 2, 'k')).toBe('accepted'); // still tracked
  });

  it('never holds more than maxNonces entries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 5 })), {
          maxLength: 300,
        }),
        (maxNonces, uses) => {
          const w = new ReplayWindow({ maxNonces });
          for (const [id, nc] of uses) {
            w.accept(`n${id}`, id, nc, 'k');
            expect(w.size).toBeLessThanOrEqual(maxNonces);
          }
        },
      ),
    );
  });

  it('purges expired nonces from the head, without raising the eviction horizon', () => {
    const w = new ReplayWindow();
    w.accept('a', 100, 1, 'k');
    w.accept('b', 200, 1, 'k');
    w.accept('c', 150, 1, 'k');
    w.purgeIssuedBefore(180);
    expect(w.tracked('a')?.keyId).toBeUndefined();
    expect(w.tracked('b')?.keyId).toBe('k'); // the head is not expired, so the scan stops there
    expect(w.size).toBe(2);
    expect(w.horizon).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('ReplayWindow: memory', () => {
  it('does not keep the header each nonce was cut from alive', async () => {
    const count = 5000;
    const window = new ReplayWindow({ maxNonces: count });
    const perEntry = await heapPerItem(count, (i) =>
      window.accept(sliceOfLargeHeader(i.toString(36).padStart(52, '-')), i, 1, 'k'),
    );
    // Holding the headers would cost over 4 KiB an entry; an entry itself is about 300 bytes.
    expect(perEntry).toBeLessThan(1024);
    expect(window.size).toBe(count);
  });

  it('keeps a nonce used once in a small entry, with no bitmap array until it needs one', async () => {
    const count = 20_000;
    const window = new ReplayWindow({ maxNonces: count });
    const perEntry = await heapPerItem(count, (i) => window.accept(ownNonce(i), i, 1, 'k'));
    // Measured 180 bytes; with an eight-word array per entry it was 287.
    expect(perEntry).toBeLessThan(235);
    expect(window.size).toBe(count);
  });
});

/** A 52-character nonce in its own string, as the window stores it. */
function ownNonce(i: number): string {
  return `${i.toString(36).padStart(52, '-')}`;
}
