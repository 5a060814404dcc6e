import type { ApiKeyRecord, ObjectId, Timestamp } from '../domain/records.js';
import { currentTimestamp, latest } from '../domain/time.js';
import type { UsageDelta } from '../store/store.js';

export interface UsageSink {
  applyUsage(deltas: readonly UsageDelta[]): Promise<void>;
}

/** Where a use came from; kept for the latest use only, and written with the counts. */
export interface UseSource {
  readonly address: string;
  readonly userAgent?: string;
}

interface Pending {
  count: number;
  lastUsed: Timestamp;
  source?: UseSource;
}

/** Enough of a User-Agent to recognise a client, and a bound on what a client makes us store. */
const MAX_USER_AGENT_LENGTH = 200;

/** The source of a request, as a usage record keeps it. */
export function useSource(address: string, userAgent: string | undefined): UseSource {
  return userAgent === undefined
    ? { address }
    : { address, userAgent: userAgent.slice(0, MAX_USER_AGENT_LENGTH) };
}

/**
 * Keys per write. A SQLite write runs synchronously on the event loop, about 9 µs per key
 * here (bench/background-cost.ts: 1,000 keys stalled requests 9 ms, 10,000 keys 104 ms):
 * written 256 at a time, with requests served between writes, no stall passes ~2.5 ms
 * however many keys were used in the interval. PostgreSQL gains the same bound on the
 * client's own encoding work.
 */
export const MAX_KEYS_PER_WRITE = 256;

/**
 * Counts successful authentications per key in memory and writes them once per interval,
 * at most `maxKeysPerWrite` keys per transaction, so the request path never waits on a
 * write. A clean stop flushes everything; a crash loses at most the counts of one interval.
 */
export class UsageCounter {
  private pending = new Map<ObjectId, Pending>();
  /** The batch being written: still counted by `unflushed` until the write lands. */
  private inFlight = new Map<ObjectId, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: UsageSink,
    private readonly hooks: {
      onError?: (error: unknown) => void;
      /** After a batch is written: caches holding stored counts for these keys are stale. */
      onFlushed?: (keyIds: Iterable<ObjectId>) => void;
    } = {},
    private readonly maxKeysPerWrite = MAX_KEYS_PER_WRITE,
  ) {}

  record(keyId: ObjectId, at: Timestamp = currentTimestamp(), source?: UseSource): void {
    const entry = this.pending.get(keyId);
    if (entry) {
      entry.count += 1;
      entry.lastUsed = latest(at, entry.lastUsed);
      if (source) entry.source = source;
    } else {
      this.pending.set(
        keyId,
        source ? { count: 1, lastUsed: at, source } : { count: 1, lastUsed: at },
      );
    }
  }

  /** Counts not yet written for one key. */
  unflushed(keyId: ObjectId): Readonly<Pending> | undefined {
    const pending = this.pending.get(keyId);
    const inFlight = this.inFlight.get(keyId);
    if (!pending || !inFlight) return pending ?? inFlight;
    return {
      count: pending.count + inFlight.count,
      lastUsed: latest(pending.lastUsed, inFlight.lastUsed),
      ...((pending.source ?? inFlight.source) && { source: pending.source ?? inFlight.source }),
    };
  }

  /** The key with its counts not yet written added, so lists show current figures. */
  withUnflushed(key: ApiKeyRecord): ApiKeyRecord {
    const pending = this.unflushed(key.id);
    if (!pending) return key;
    const { source } = pending;
    return {
      ...key,
      usedCount: key.usedCount + pending.count,
      lastUsed: latest(pending.lastUsed, key.lastUsed),
      ...(source && { lastUsedAddress: source.address, lastUsedUserAgent: source.userAgent }),
    };
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Writes what is pending; flushes never overlap, so counts are never written twice. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    const deltas = [...batch].map(([keyId, { count, lastUsed, source }]) =>
      toDelta(keyId, count, lastUsed, source),
    );
    const size = this.maxKeysPerWrite;
    for (let start = 0; start < deltas.length; start += size) {
      // Requests queued during the previous write go first.
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const part = deltas.slice(start, start + size);
      try {
        await this.sink.applyUsage(part);
      } catch (error) {
        // This part and the ones after it were not written: counted again next time.
        this.inFlight = new Map();
        for (const delta of deltas.slice(start)) this.merge(delta);
        this.hooks.onError?.(error);
        return;
      }
      // Written: the store's counts hold these now, so `unflushed` must not add them again.
      for (const { keyId } of part) batch.delete(keyId);
      this.hooks.onFlushed?.(part.map((d) => d.keyId));
    }
    this.inFlight = new Map();
  }

  private merge({ keyId, count, lastUsed, lastUsedAddress, lastUsedUserAgent }: UsageDelta): void {
    const source =
      lastUsedAddress === undefined ? undefined : useSource(lastUsedAddress, lastUsedUserAgent);
    const entry = this.pending.get(keyId);
    if (!entry) {
      this.pending.set(keyId, source ? { count, lastUsed, source } : { count, lastUsed });
      return;
    }
    entry.count += count;
    entry.lastUsed = latest(lastUsed, entry.lastUsed);
    // A pending use is newer than one that failed to write.
    entry.source ??= source;
  }
}

function toDelta(keyId: ObjectId, count: number, lastUsed: Timestamp, source?: UseSource) {
  if (!source) return { keyId, count, lastUsed };
  const { address, userAgent } = source;
  return { keyId, count, lastUsed, lastUsedAddress: address, lastUsedUserAgent: userAgent };
}
