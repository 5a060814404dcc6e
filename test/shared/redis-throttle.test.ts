import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureThrottle, ThrottleUnavailable } from '../../src/domain/throttle.js';
import { RedisConnection } from '../../src/shared/redis-connection.js';
import { RedisThrottle } from '../../src/shared/redis-throttle.js';
import { RedisServer } from '../support/redis-server.js';

const quiet = { warn: () => {}, info: () => {} };
const OPTIONS = { limit: 3, windowMs: 60_000, baseLockoutMs: 2000, maxLockoutMs: 8000 };
let server: RedisServer;
const opened: { close(): Promise<void> }[] = [];

async function instance(): Promise<RedisThrottle> {
  const connection = await RedisConnection.connect({ url: server.url, log: quiet });
  const throttle = await RedisThrottle.open(connection, OPTIONS);
  opened.push(throttle, connection);
  return throttle;
}

beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  for (const part of opened) await part.close();
  await server.close();
});

describe('RedisThrottle, two instances on one Redis', () => {
  it('answers failures spread over both exactly as one FailureThrottle does', async () => {
    const [a, b] = [await instance(), await instance()];
    const one = new FailureThrottle(OPTIONS);
    const keys = [`ip:${randomUUID()}`, `user:${randomUUID()}`];
    const shared: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < 6; i++) {
      shared.push(await (i % 2 === 0 ? a : b).failed(keys));
      single.push(one.failed(keys));
    }
    expect(shared).toEqual(single);
    expect(shared).toEqual([0, 0, 0, 2, 2, 2]);
  });

  it('tells the other instance of a lock at once (its synchronous retryAfter)', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = `user:${randomUUID()}`;
    for (let i = 0; i < 3; i++) await a.failed([key]);
    expect(a.retryAfter(key)).toBe(2);
    await expect.poll(() => b.retryAfter(key), { timeout: 1000, interval: 5 }).toBe(2);
    // An instance that starts after the lock reads the locks in force.
    const c = await instance();
    expect(c.retryAfter(key)).toBe(2);
  });

  it('doubles the lockout with each further failure, up to the maximum', async () => {
    const connection = await RedisConnection.connect({ url: server.url, log: quiet });
    opened.push(connection);
    const fast = { ...OPTIONS, baseLockoutMs: 100, maxLockoutMs: 250 };
    const [a, b] = [
      await RedisThrottle.open(connection, fast),
      await RedisThrottle.open(connection, fast),
    ];
    opened.push(a, b);
    // Short enough to be kept as it is (idOf), so its record can be read below.
    const key = `user:${randomUUID().slice(0, 8)}`;
    const lockMs = async () => {
      const [last, until] = (await connection.command([
        'HMGET',
        `keyward:t:${key}`,
        'l',
        'u',
      ])) as string[];
      return Number(until) - Number(last);
    };
    for (let i = 0; i < 3; i++) await a.failed([key]);
    const locks = [await lockMs()];
    // Each further failure lands once the lockout has passed (Redis's clock: really wait).
    for (const instance of [b, a]) {
      await new Promise((resolve) => setTimeout(resolve, locks.at(-1)! + 20));
      expect(await instance.failed([key])).toBe(0);
      locks.push(await lockMs());
    }
    expect(locks).toEqual([100, 200, 250]);
  });

  it('admits at most `limit` of many concurrent attempts over both instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = `user:${randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).attempt([key])),
    );
    expect(outcomes.filter((o) => o.kind === 'admitted')).toHaveLength(3);
  });

  it('a success on one instance clears the failures counted on the other', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = `user:${randomUUID()}`;
    await a.failed([key]);
    await a.failed([key]);
    b.succeed(key);
    await expect.poll(async () => a.failed([key]).then(() => b.failed([key]))).toBe(0);
    expect(await a.failed([key])).toBe(0);
    expect(a.retryAfter(key)).toBe(2);
  });

  it('a withdrawn attempt does not count', async () => {
    const a = await instance();
    const key = `user:${randomUUID()}`;
    for (let i = 0; i < 5; i++) {
      const outcome = await a.attempt([key]);
      if (outcome.kind === 'admitted') outcome.ticket.withdraw();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await a.failed([key])).toBe(0);
    expect(await a.failed([key])).toBe(0);
    expect(await a.failed([key])).toBe(0);
    expect(await a.failed([key])).toBe(2);
  });

  it('fails closed while Redis is down and works again when it returns', async () => {
    const a = await instance();
    const key = `user:${randomUUID()}`;
    await server.stop();
    await expect(a.failed([key])).rejects.toBeInstanceOf(ThrottleUnavailable);
    await server.start();
    await expect.poll(() => a.failed([key]).catch(() => -1), { timeout: 5000 }).toBe(0);
  });
});
