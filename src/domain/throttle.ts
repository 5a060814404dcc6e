import { hash } from 'node:crypto';

/**
 * Back-off for failed authentications, like nginx's digest "evasion": after `limit`
 * failures for one key (a client address or a username) within `windowMs`, the key is
 * refused for `baseLockoutMs`, doubling with each further failure up to `maxLockoutMs`.
 * A success clears the key.
 *
 * Memory is bounded whatever the keys: a key longer than `RAW_KEY_MAX` is held as its
 * SHA-256, a record is dropped once both its window and its lockout have passed, and past
 * `maxKeys` the least recently failed go first: at most `maxKeys × THROTTLE_BYTES_PER_KEY`.
 */
export interface ThrottleOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly baseLockoutMs: number;
  readonly maxLockoutMs: number;
  readonly maxKeys?: number;
  readonly now?: () => number;
}

export const DEFAULT_MAX_KEYS = 100_000;
/** Heap per record at most (a test holds the throttle to it): 35 MB at 100,000 keys. */
export const THROTTLE_BYTES_PER_KEY = 350;
// A SHA-256 in base64url has 43 characters, more than any key kept as it is: never equal.
const RAW_KEY_MAX = 40;

/** An admitted attempt, counted as a failure from the start until settled otherwise. */
export interface AttemptTicket {
  /** It succeeded: its keys start again from nothing. */
  succeed(): void;
  /** It was never evaluated (the server was too busy): it does not count. */
  withdraw(): void;
}

export type Attempt =
  | { readonly kind: 'refused'; readonly retryAfter: number }
  | { readonly kind: 'admitted'; readonly ticket: AttemptTicket };

/**
 * A throttle kept elsewhere (a shared store) cannot be reached: nothing can be counted, so
 * nothing is evaluated; authentication answers 503 until it is back.
 */
export class ThrottleUnavailable extends Error {
  constructor(cause: unknown) {
    super('the failure throttle cannot be reached', { cause });
  }
}

/** A key's record as the other workers mirror it: its id and when its lockout ends (0: none). */
export type Mark = readonly [id: string, lockedUntil: number];

/**
 * What the Digest hook and the console ask of a throttle: this process's FailureThrottle,
 * or with several workers the one the primary holds (src/cluster), which must ask over IPC
 * and so may answer later. `retryAfter` and `succeed` stay synchronous: no IPC on a success.
 */
export interface Throttle {
  retryAfter(key: string): number;
  /** A verification of `keys` failed: 0 to answer 401, or the seconds to wait (429). */
  failed(keys: readonly string[]): number | Promise<number>;
  succeed(key: string): void;
  attempt(keys: readonly string[]): Attempt | Promise<Attempt>;
}

interface Record {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class FailureThrottle implements Throttle {
  /** In order of last failure, oldest first: every count re-inserts its record. */
  private readonly records = new Map<string, Record>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks and counts in one step, for checks that await before they know the outcome:
   * concurrent attempts cannot all pass one check, so at most `limit` are ever evaluated.
   */
  attempt(keys: readonly string[]): Attempt {
    const now = this.expire();
    const ids = keys.map(idOf);
    const wait = Math.max(0, ...ids.map((id) => this.wait(id, now)));
    if (wait > 0) return { kind: 'refused', retryAfter: wait };
    const counted = ids.map((id) => [id, this.count(id, now)] as const);
    return {
      kind: 'admitted',
      ticket: {
        succeed: () => {
          for (const id of ids) this.records.delete(id);
        },
        withdraw: () => {
          for (const [id, record] of counted) this.uncount(id, record);
        },
      },
    };
  }

  /**
   * Counts a failure already evaluated, unless a key is locked by now: one process checks
   * before verifying, so a failure after the lock is refused and never counted, as here.
   */
  record(
    keys: readonly string[],
  ): { readonly kind: 'refused'; readonly retryAfter: number } | { readonly marks: Mark[] } {
    const outcome = this.attempt(keys);
    if (outcome.kind === 'refused') return outcome;
    return { marks: keys.map((key) => this.markOf(idOf(key))) };
  }

  failed(keys: readonly string[]): number {
    const outcome = this.record(keys);
    return 'kind' in outcome ? outcome.retryAfter : 0;
  }

  /** Every key locked now, for a worker that starts after the locks were set. */
  locks(): Mark[] {
    const now = this.expire();
    const marks: Mark[] = [];
    for (const [id, record] of this.records)
      if (record.lockedUntil > now) marks.push([id, record.lockedUntil]);
    return marks;
  }

  private markOf(id: string): Mark {
    return [id, this.records.get(id)?.lockedUntil ?? 0];
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    return this.wait(idOf(key), this.expire());
  }

  fail(key: string): void {
    this.count(idOf(key), this.expire());
  }

  succeed(key: string): void {
    this.records.delete(idOf(key));
  }

  get size(): number {
    return this.records.size;
  }

  private wait(id: string, now: number): number {
    const record = this.records.get(id);
    const wait = record ? record.lockedUntil - now : 0;
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  private count(id: string, now: number): Record {
    let record = this.records.get(id);
    if (!record || now - record.lastFailure > this.options.windowMs) {
      record = { failures: 0, lastFailure: now, lockedUntil: 0 };
    }
    this.records.delete(id);
    record.failures += 1;
    record.lastFailure = now;
    const over = record.failures - this.options.limit;
    if (over >= 0) {
      const lockout = Math.min(this.options.baseLockoutMs * 2 ** over, this.options.maxLockoutMs);
      record.lockedUntil = now + lockout;
    }
    this.remember(id, record);
    return record;
  }

  /** Takes back one count, unless the record was cleared or restarted since. */
  private uncount(id: string, record: Record): void {
    if (this.records.get(id) !== record) return;
    record.failures -= 1;
    // Below the limit again: the lockout came from the count taken back.
    if (record.failures < this.options.limit) record.lockedUntil = 0;
    if (record.failures === 0) this.records.delete(id);
  }

  private remember(id: string, record: Record): void {
    const max = this.options.maxKeys ?? DEFAULT_MAX_KEYS;
    while (this.records.size >= max) {
      const oldest = this.records.keys().next();
      if (oldest.done) break;
      this.records.delete(oldest.value);
    }
    this.records.set(id, record);
  }

  /**
   * Drops records whose window and lockout have both passed, from the oldest: amortised
   * O(1) per call. A long lockout at the head holds the rest back until it ends.
   */
  private expire(): number {
    const now = this.now();
    for (const [id, record] of this.records) {
      if (now - record.lastFailure <= this.options.windowMs || record.lockedUntil > now) break;
      this.records.delete(id);
    }
    return now;
  }
}

/** How a key is held: as it is, or as its SHA-256 when long. */
export function idOf(key: string): string {
  return key.length <= RAW_KEY_MAX ? key : hash('sha256', key, 'base64url');
}
