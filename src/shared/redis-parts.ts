import type { ThrottleOptions } from '../domain/throttle.js';
import { RedisConnection, type RedisLog } from './redis-connection.js';
import { RedisReplay } from './redis-replay.js';
import { RedisThrottle } from './redis-throttle.js';

/** What instances on several hosts share through one Redis: `--redis-url`. */
export interface RedisParts {
  readonly replay: RedisReplay;
  readonly throttle: RedisThrottle;
  close(): Promise<void>;
}

export interface RedisPartsOptions {
  readonly url: string;
  readonly nonceLifetimeMs: number;
  readonly throttle: ThrottleOptions;
  readonly log: RedisLog;
}

/**
 * Connects and sets up both parts. An unreachable Redis does not stop the start: requests
 * are answered 503 until it can be reached (logged once), then everything works by itself.
 */
export async function openRedisParts(options: RedisPartsOptions): Promise<RedisParts> {
  const { url, log } = options;
  const connection = await RedisConnection.connect({ url, log });
  const replay = new RedisReplay(connection, { lifetimeMs: options.nonceLifetimeMs });
  // Unreachable now: the first request that needs the epoch establishes it.
  await replay.establish().catch(() => {});
  await warnIfEvicting(connection, log);
  const throttle = await RedisThrottle.open(connection, options.throttle);
  return {
    replay,
    throttle,
    async close() {
      await throttle.close();
      await connection.close();
    },
  };
}

/**
 * A nonce's key evicted under memory pressure would let each of its (nonce, nc) through once
 * more: only `noeviction` is safe (a full Redis then refuses writes, answered 503).
 */
async function warnIfEvicting(connection: RedisConnection, log: RedisLog): Promise<void> {
  const reply = await connection.command(['CONFIG', 'GET', 'maxmemory-policy']).catch(() => []);
  const policy = Array.isArray(reply) ? reply[1] : undefined;
  if (typeof policy === 'string' && policy !== 'noeviction') {
    log.warn(
      { maxmemoryPolicy: policy },
      'Redis may evict keys: set maxmemory-policy noeviction, or an evicted nonce could be replayed',
    );
  }
}
