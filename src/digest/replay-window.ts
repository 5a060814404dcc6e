// Which (nonce, nc) pairs have been accepted, so each is accepted once (RFC 7616 §3.3 nc).
//
// Clients are not tidy: nc may arrive out of order (parallel requests on one nonce), need
// not start at 1, and need not be consecutive (some keep one counter across nonces, one
// counts in decimal, so 00000009 is followed by 00000010). So each nonce gets an IPsec-style
// anti-replay window (RFC 4303 §3.4.3): the highest nc seen plus a bitmap of the `ncWindow`
// values below it. Anything above is new; anything in the window is new unless its bit is
// set; anything below the window is unknowable and answered as stale (the client retries
// with a fresh nonce, which costs it one round trip and an attacker everything).
//
// Memory bound: at most `maxNonces` entries, each a 52-char nonce key (an own copy, see
// insert), a small object and a bitmap of ncWindow bits whose words past the first exist only
// once used: measured 180 bytes for a nonce used once (18 MB of heap at the default 100,000),
// 287 with the whole 256-bit bitmap. Entries leave when their nonce expires (from the head of the
// insertion queue, O(1) amortized per request) or, under a flood of fresh nonces,
// oldest-inserted first. An evicted nonce must not be accepted again (its bitmap is gone,
// so a replay would pass), hence the eviction horizon: any untracked nonce issued at or
// before the newest evicted one's issue time is answered as stale.

import { ownCopy } from '../domain/own-copy.js';

export type ReplayVerdict = 'accepted' | 'replay' | 'below-window' | 'evicted';

export interface ReplayWindowOptions {
  readonly maxNonces?: number;
  readonly ncWindow?: number;
}

interface Entry {
  readonly issuedAt: number;
  highest: number;
  /**
   * The bitmap, bit i standing for nc = highest - i: bits 0–31 in `low`, the rest in `high`
   * (word w - 1 holds bits 32w…32w+31), made only when a set bit moves past bit 31. Most
   * nonces are used once or a few times, and an array of eight words per nonce was a third
   * of an entry's heap.
   */
  low: number;
  high: number[] | undefined;
  keyId: string;
}

export class ReplayWindow {
  readonly maxNonces: number;
  readonly ncWindow: number;
  private readonly entries = new Map<string, Entry>();
  // Insertion order kept apart from the Map: a Map that is deleted from its head keeps the
  // holes until it rehashes, so walking it from the start on every request grows slower
  // with every eviction (measured: 3.6 s → 15 s per 100,000 nonces).
  private order: string[] = [];
  private head = 0;
  private evictedUpTo = Number.NEGATIVE_INFINITY;

  constructor(options: ReplayWindowOptions = {}) {
    this.maxNonces = options.maxNonces ?? 100_000;
    // Whole 32-bit words; a window of 0 would accept nothing but the highest nc.
    this.ncWindow = Math.max(32, Math.ceil((options.ncWindow ?? 256) / 32) * 32);
    if (!Number.isInteger(this.maxNonces) || this.maxNonces < 1) {
      throw new Error('ReplayWindow: maxNonces must be a positive integer');
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The largest issue time among evicted nonces; untracked nonces issued by then are stale. */
  get horizon(): number {
    return this.evictedUpTo;
  }

  /**
   * What is known of a nonce this window tracks: it was accepted before, so its MAC was
   * checked then and need not be again (the map is keyed by the exact canonical string);
   * `keyId` is the key that last authenticated it, which verification tries first.
   */
  tracked(nonce: string): { readonly issuedAt: number; readonly keyId: string } | undefined {
    return this.entries.get(nonce);
  }

  /** Drops entries whose nonce expired (issued before `cutoff`), from the head only. */
  purgeIssuedBefore(cutoff: number): void {
    while (this.head < this.order.length) {
      const nonce = this.order[this.head] as string;
      const entry = this.entries.get(nonce);
      if (entry && entry.issuedAt >= cutoff) return;
      this.entries.delete(nonce);
      this.head++;
    }
    this.compact();
  }

  /** Records `nc` for `nonce` if it has not been accepted before; says why not otherwise. */
  accept(nonce: string, issuedAt: number, nc: number, keyId: string): ReplayVerdict {
    const entry = this.entries.get(nonce);
    if (entry === undefined) {
      if (issuedAt <= this.evictedUpTo) return 'evicted';
      this.insert(nonce, issuedAt, nc, keyId);
      return 'accepted';
    }
    if (nc > entry.highest) {
      this.shiftUp(entry, nc - entry.highest);
      entry.low |= 1;
      entry.highest = nc;
      entry.keyId = keyId;
      return 'accepted';
    }
    const offset = entry.highest - nc;
    if (offset >= this.ncWindow) return 'below-window';
    const word = offset >>> 5;
    const bit = 1 << (offset & 31);
    if (word === 0) {
      if ((entry.low & bit) !== 0) return 'replay';
      entry.low |= bit;
    } else {
      entry.high ??= this.newHigh();
      if ((entry.high[word - 1]! & bit) !== 0) return 'replay';
      entry.high[word - 1]! |= bit;
    }
    entry.keyId = keyId;
    return 'accepted';
  }

  /** Drops the consumed front of `order` once it is most of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  private insert(nonce: string, issuedAt: number, nc: number, keyId: string): void {
    while (this.entries.size >= this.maxNonces && this.head < this.order.length) {
      const oldest = this.order[this.head++] as string;
      const entry = this.entries.get(oldest);
      if (!entry) continue;
      this.entries.delete(oldest);
      if (entry.issuedAt > this.evictedUpTo) this.evictedUpTo = entry.issuedAt;
    }
    this.compact();
    // Held as is, every entry would retain its request's header (measured: 593 bytes per
    // entry instead of 288).
    nonce = ownCopy(nonce);
    this.order.push(nonce);
    this.entries.set(nonce, { issuedAt, highest: nc, low: 1, high: undefined, keyId });
  }

  // A plain array, not a Uint32Array: a typed array costs ~120 bytes more per nonce
  // (measured at 100,000 nonces: 30 MB of heap instead of 42).
  private newHigh(): number[] {
    return new Array<number>((this.ncWindow >>> 5) - 1).fill(0);
  }

  /** Moves every bit `by` places towards older ncs; bits past the window drop. */
  private shiftUp(entry: Entry, by: number): void {
    if (entry.high === undefined) {
      // Stays in `low` while no set bit crosses bit 31.
      if (by < 32 && entry.low >>> (32 - by) === 0) {
        entry.low <<= by;
        return;
      }
      if (entry.low === 0 || by >= this.ncWindow) {
        entry.low = 0;
        return;
      }
      entry.high = this.newHigh();
    }
    // In place over low + high, from the oldest word down: no array made per request.
    const high = entry.high;
    const wordShift = Math.floor(by / 32);
    const bitShift = by & 31;
    for (let w = high.length; w >= 1; w--) {
      const src = w - wordShift;
      if (src < 0) {
        high[w - 1] = 0;
        continue;
      }
      const word = src === 0 ? entry.low : high[src - 1]!;
      const below = bitShift === 0 || src === 0 ? 0 : src === 1 ? entry.low : high[src - 2]!;
      high[w - 1] = (word << bitShift) | (bitShift === 0 ? 0 : below >>> (32 - bitShift));
    }
    entry.low = wordShift === 0 ? entry.low << bitShift : 0;
  }
}
