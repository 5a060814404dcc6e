/**
 * Back-off for failed authentications, like nginx's digest "evasion": after `limit`
 * failures for one key (a client address or a username) within `windowMs`, the key is
 * refused for `baseLockoutMs`, doubling with each further failure up to `maxLockoutMs`.
 * A success clears the key. Memory is bounded: the oldest keys go first.
 */
export interface ThrottleOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly baseLockoutMs: number;
  readonly maxLockoutMs: number;
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Record {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class FailureThrottle {
  private readonly records = new Map<string, Record>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const record = this.records.get(key);
    if (!record) return 0;
    const wait = record.lockedUntil - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    let record = this.records.get(key);
    if (!record || now - record.lastFailure > this.options.windowMs) {
      record = { failures: 0, lastFailure: now, lockedUntil: 0 };
    }
    this.records.delete(key); // re-insert: the map's order is least recently failed first
    record.failures += 1;
    record.lastFailure = now;
    const over = record.failures - this.options.limit;
    if (over >= 0) {
      const lockout = Math.min(this.options.baseLockoutMs * 2 ** over, this.options.maxLockoutMs);
      record.lockedUntil = now + lockout;
    }
    this.remember(key, record);
  }

  succeed(key: string): void {
    this.records.delete(key);
  }

  get size(): number {
    return this.records.size;
  }

  private remember(key: string, record: Record): void {
    const max = this.options.maxKeys ?? 100_000;
    while (this.records.size >= max) {
      const oldest = this.records.keys().next();
      if (oldest.done) break;
      this.records.delete(oldest.value);
    }
    this.records.set(key, record);
  }
}
