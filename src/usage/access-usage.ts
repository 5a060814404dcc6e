import type { AccessListEntry, AccessOwner, AccessUsageDelta } from '../domain/access-list.js';
import { currentTimestamp, latest } from '../domain/time.js';

export interface AccessUsageSink {
  applyAccessUsage(deltas: readonly AccessUsageDelta[]): Promise<void>;
}

const entryKey = (owner: AccessOwner, cidrBlock: string) =>
  `${owner.kind}:${owner.id}:${cidrBlock}`;

/**
 * Use through access-list entries, counted in memory and written once per interval beside
 * the keys' usage counts (src/usage/usage-counter.ts): the request path never writes. A
 * clean stop flushes; a crash loses at most one interval. Far fewer rows than key usage
 * (only owners with a list, one row per entry used), so one transaction per flush.
 */
export class AccessUsage {
  private pending = new Map<string, AccessUsageDelta>();
  private inFlight = new Map<string, AccessUsageDelta>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: AccessUsageSink,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  record(owner: AccessOwner, cidrBlock: string, address: string, at = currentTimestamp()): void {
    const key = entryKey(owner, cidrBlock);
    const seen = this.pending.get(key);
    const newer = !seen || at >= seen.lastUsed;
    this.pending.set(key, {
      owner,
      cidrBlock,
      count: (seen?.count ?? 0) + 1,
      lastUsed: seen ? latest(at, seen.lastUsed) : at,
      lastUsedAddress: newer ? address : seen.lastUsedAddress,
    });
  }

  /** The entry with its use not yet written added, so lists show current figures. */
  withUnflushed(owner: AccessOwner, entry: AccessListEntry): AccessListEntry {
    const key = entryKey(owner, entry.cidrBlock);
    let result = entry;
    for (const delta of [this.inFlight.get(key), this.pending.get(key)]) {
      if (!delta) continue;
      const newer = result.lastUsed === undefined || delta.lastUsed >= result.lastUsed;
      result = {
        ...result,
        count: result.count + delta.count,
        ...(newer ? { lastUsed: delta.lastUsed, lastUsedAddress: delta.lastUsedAddress } : {}),
      };
    }
    return result;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Flushes never overlap, so no use is written twice. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    this.inFlight = this.pending;
    this.pending = new Map();
    try {
      await this.sink.applyAccessUsage([...this.inFlight.values()]);
    } catch (error) {
      // Not written: counted again with the next flush.
      for (const delta of this.inFlight.values()) this.merge(delta);
      this.onError(error);
    } finally {
      this.inFlight = new Map();
    }
  }

  private merge(delta: AccessUsageDelta): void {
    const key = entryKey(delta.owner, delta.cidrBlock);
    const seen = this.pending.get(key);
    if (!seen) {
      this.pending.set(key, delta);
      return;
    }
    const newer = delta.lastUsed >= seen.lastUsed;
    this.pending.set(key, {
      ...seen,
      count: seen.count + delta.count,
      lastUsed: latest(delta.lastUsed, seen.lastUsed),
      lastUsedAddress: newer ? delta.lastUsedAddress : seen.lastUsedAddress,
    });
  }
}
