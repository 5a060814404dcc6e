import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../src/shared/redis-connection.js';
import { RedisReplay } from '../../src/shared/redis-replay.js';
import { RedisServer } from '../support/redis-server.js';

const quiet = { warn: () => {}, info: () => {} };
let server: RedisServer;
let connection: RedisConnection;

beforeAll(async () => {
  server = await RedisServer.start();
  connection = await RedisConnection.connect({ url: server.url, log: quiet });
});
afterAll(async () => {
  await connection.close();
  await server.close();
});

let count = 0;
const nonceName = () => `nonce-${++count}-${Date.now()}`;

async function readyReplay(lifetimeMs = 60_000): Promise<RedisReplay> {
  const replay = new RedisReplay(connection, { lifetimeMs });
  await replay.establish();
  return replay;
}

describe('RedisReplay', () => {
  it('accepts each (nonce, nc) once, across two instances sharing the Redis', async () => {
    const a = await readyReplay();
    const b = await readyReplay();
    expect(b.issuer()).toEqual(a.issuer());
    const nonce = nonceName();
    const now = Date.now();
    expect(await a.check(nonce, now, 1, now)).toBe('accepted');
    expect(await b.check(nonce, now, 1, now)).toBe('replay');
    expect(await a.check(nonce, now, 1, now)).toBe('replay');
    expect(await b.check(nonce, now, 2, now)).toBe('accepted');
  });

  it('accepts nc out of order within the window and refuses below it as stale', async () => {
    const replay = await readyReplay();
    const nonce = nonceName();
    const now = Date.now();
    expect(await replay.check(nonce, now, 10, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 7, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 7, now)).toBe('replay');
    expect(await replay.check(nonce, now, 300, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 45, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 44, now)).toBe('below-window');
    expect(await replay.check(nonce, now, 10, now)).toBe('below-window');
    // A jump past the whole window clears it: nothing old is mistaken for seen.
    expect(await replay.check(nonce, now, 1000, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 999, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 1000, now)).toBe('replay');
    expect(await replay.check(nonce, now, 0xffffffff, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 0xffffffff, now)).toBe('replay');
  });

  it('clears the bits between the old highest and a new one (ring reuse)', async () => {
    const replay = await readyReplay();
    const nonce = nonceName();
    const now = Date.now();
    expect(await replay.check(nonce, now, 5, now)).toBe('accepted');
    // nc 261 shares the ring slot of nc 5: it must not be taken for a replay.
    expect(await replay.check(nonce, now, 261, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 260, now)).toBe('accepted');
    expect(await replay.check(nonce, now, 261, now)).toBe('replay');
  });

  it('expires a nonce key with the nonce', async () => {
    const replay = await readyReplay(200);
    const nonce = nonceName();
    const now = Date.now();
    expect(await replay.check(nonce, now - 150, 1, now)).toBe('accepted');
    const ttl = await connection.command(['PTTL', `keyward:n:${nonce}`]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await connection.command(['EXISTS', `keyward:n:${nonce}`])).toBe(0);
  });

  it('answers foreign once Redis lost its state, and a new epoch (new issuer) follows', async () => {
    const replay = await readyReplay();
    const before = replay.issuer();
    const nonce = nonceName();
    const now = Date.now();
    expect(await replay.check(nonce, now, 1, now)).toBe('accepted');
    await server.stop();
    await expect(replay.check(nonce, now, 1, now)).rejects.toThrow('Redis is not reachable');
    await server.start();
    await expect.poll(() => connection.client.isReady, { timeout: 5000 }).toBe(true);
    // Without the epoch this replay would be accepted: Redis forgot nc 1.
    expect(await replay.check(nonce, now, 1, now)).toBe('foreign');
    expect(replay.issuer()).not.toEqual(before);
    const fresh = nonceName();
    expect(await replay.check(fresh, now, 1, now)).toBe('accepted');
  });
});
