import type { RedisClientType } from 'redis';
import {
  type Attempt,
  idOf,
  type Throttle,
  type ThrottleOptions,
  ThrottleUnavailable,
} from '../domain/throttle.js';
import { closeClient, type RedisConnection, RedisUnavailable } from './redis-connection.js';
import { ATTEMPT, LOCKS, WITHDRAW } from './redis-throttle-scripts.js';

type Reply = readonly (string | number)[];

/**
 * The failure throttle shared by every instance on one Redis, with FailureThrottle's rules:
 * with N instances a guesser gets no more attempts than against one. Counting is Redis's
 * (`attempt` and `failed`: one script each, check and count in one step, so concurrent
 * guesses on several hosts cannot all pass). `retryAfter` must answer at once, so each
 * instance mirrors the locks: from its own replies, from the channel every lock is
 * published on, and from the set of locks in force whenever its subscription (re)connects.
 * A lock is thus known everywhere within about one Redis round trip of being set.
 */
export class RedisThrottle implements Throttle {
  /** Key id → when its lock ends, by this host's clock. */
  private readonly mirror = new Map<string, number>();
  /**
   * Key id → when a failure was last counted for it, by any instance: a success costs a
   * round trip only for these (measured: a DEL on every success took a tenth of throughput).
   */
  private readonly failing = new Map<string, number>();
  private readonly now: () => number;
  private readonly locksKey: string;
  private readonly channel: string;
  private readonly maxKeys: number;

  private constructor(
    private readonly redis: RedisConnection,
    private readonly subscriber: RedisClientType,
    private readonly options: ThrottleOptions,
    prefix: string,
  ) {
    this.now = options.now ?? Date.now;
    this.locksKey = `${prefix}locks`;
    this.channel = `${prefix}locked`;
    this.prefix = `${prefix}t:`;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  private readonly prefix: string;
  private subscribed = false;

  static async open(
    redis: RedisConnection,
    options: ThrottleOptions,
    prefix = 'keyward:',
  ): Promise<RedisThrottle> {
    const subscriber = redis.duplicate();
    const throttle = new RedisThrottle(redis, subscriber, options, prefix);
    const ready = new Promise<void>((resolve) => {
      subscriber.on('ready', () => void throttle.resubscribe().finally(resolve));
      setTimeout(resolve, redis.timeout);
    });
    subscriber.connect().catch(() => {});
    await ready;
    return throttle;
  }

  retryAfter(key: string): number {
    const id = idOf(key);
    const until = this.mirror.get(id);
    if (until === undefined) return 0;
    const wait = until - this.now();
    if (wait > 0) return Math.ceil(wait / 1000);
    this.mirror.delete(id);
    return 0;
  }

  async failed(keys: readonly string[]): Promise<number> {
    const outcome = await this.attempt(keys);
    return outcome.kind === 'refused' ? outcome.retryAfter : 0;
  }

  succeed(key: string): void {
    const id = idOf(key);
    const seen = this.failing.get(id);
    if (seen === undefined) return;
    this.failing.delete(id);
    this.mirror.delete(id);
    if (this.now() - seen > this.options.windowMs) return;
    // Not awaited (the interface is synchronous): a lost clear only leaves failures to expire.
    this.redis.command(['DEL', this.prefix + id]).catch(() => {});
  }

  async attempt(keys: readonly string[]): Promise<Attempt> {
    const ids = keys.map(idOf);
    const { limit, windowMs, baseLockoutMs, maxLockoutMs } = this.options;
    const reply = (await this.run(
      ATTEMPT,
      [this.locksKey, ...ids.map((id) => this.prefix + id)],
      [limit, windowMs, baseLockoutMs, maxLockoutMs, this.channel, ...ids].map(String),
    )) as Reply;
    const at = this.now();
    if (reply[0] === 0) {
      const wait = Number(reply[1]);
      for (const id of ids) this.remember(id, at + wait);
      return { kind: 'refused', retryAfter: Math.ceil(wait / 1000) };
    }
    const starts = ids.map((id, i) => {
      const lock = Number(reply[2 + 2 * i]);
      this.counted(id, lock, at);
      return String(reply[1 + 2 * i]);
    });
    return {
      kind: 'admitted',
      ticket: {
        succeed: () => {
          for (const key of keys) this.succeed(key);
        },
        withdraw: () => {
          const args = ids.flatMap((id, i) => [starts[i] as string, id]);
          this.run(
            WITHDRAW,
            [this.locksKey, ...ids.map((id) => this.prefix + id)],
            [String(limit), ...args],
          ).catch(() => {});
        },
      },
    };
  }

  close(): Promise<void> {
    return closeClient(this.subscriber);
  }

  private async run(...args: Parameters<RedisConnection['run']>) {
    try {
      return await this.redis.run(...args);
    } catch (error) {
      throw error instanceof RedisUnavailable ? new ThrottleUnavailable(error) : error;
    }
  }

  /** A count published by any instance: "<lock ms, 0: none> <id>". */
  private learn(message: string): void {
    const space = message.indexOf(' ');
    const lock = Number(message.slice(0, space));
    if (space > 0 && lock >= 0) this.counted(message.slice(space + 1), lock, this.now());
  }

  private counted(id: string, lock: number, at: number): void {
    bounded(this.failing, this.maxKeys, (seen) => at - seen > this.options.windowMs);
    this.failing.delete(id);
    this.failing.set(id, at);
    if (lock > 0) this.remember(id, at + lock);
  }

  /** On every (re)connect: subscribe unless the client renews it, then catch up on locks. */
  private async resubscribe(): Promise<void> {
    try {
      if (!this.subscribed) {
        await this.subscriber.subscribe(this.channel, (message: string) => this.learn(message));
        this.subscribed = true;
      }
      const reply = (await this.redis.run(LOCKS, [this.locksKey], [])) as Reply;
      const at = this.now();
      for (let i = 0; i + 1 < reply.length; i += 2)
        this.remember(String(reply[i]), at + Number(reply[i + 1]));
    } catch {
      // Unreachable: logged by the connection; the next reconnect tries again.
    }
  }

  private remember(id: string, until: number): void {
    const at = this.now();
    bounded(this.mirror, this.maxKeys, (end) => end <= at);
    if ((this.mirror.get(id) ?? 0) < until) this.mirror.set(id, until);
  }
}

/** Makes room for one more entry: drops the stale ones, then the oldest if still full. */
function bounded(map: Map<string, number>, max: number, stale: (value: number) => boolean): void {
  if (map.size < max) return;
  for (const [key, value] of map) if (stale(value)) map.delete(key);
  const oldest = map.keys().next();
  if (map.size >= max && !oldest.done) map.delete(oldest.value);
}
