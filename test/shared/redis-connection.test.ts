import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisConnection, RedisUnavailable } from '../../src/shared/redis-connection.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server.close();
});

it('logs an outage once, not per command, fails fast meanwhile and recovers by itself', async () => {
  const lines: string[] = [];
  const log = {
    warn: (_: object, message: string) => lines.push(`warn ${message}`),
    info: (_: object, message: string) => lines.push(`info ${message}`),
  };
  const connection = await RedisConnection.connect({ url: server.url, log });
  try {
    expect(await connection.command(['PING'])).toBe('PONG');
    await server.stop();
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      await expect(connection.command(['PING'])).rejects.toBeInstanceOf(RedisUnavailable);
    }
    // No queueing while disconnected: twenty refusals take far less than one timeout.
    expect(performance.now() - started).toBeLessThan(1000);
    await server.start();
    await expect
      .poll(() => connection.command(['PING']).catch(() => 'down'), {
        timeout: 5000,
      })
      .toBe('PONG');
    expect(lines).toEqual([
      'warn Redis is not reachable: authentication answers 503 until it is',
      'info Redis is reachable again',
    ]);
  } finally {
    await connection.close();
  }
});

it('starts without Redis and connects once it is there', async () => {
  const lines: string[] = [];
  const log = { warn: () => lines.push('warn'), info: () => lines.push('info') };
  await server.stop();
  const connection = await RedisConnection.connect({ url: server.url, log, timeoutMs: 200 });
  try {
    await expect(connection.command(['PING'])).rejects.toBeInstanceOf(RedisUnavailable);
    await server.start();
    await expect
      .poll(() => connection.command(['PING']).catch(() => 'down'), {
        timeout: 5000,
      })
      .toBe('PONG');
    expect(lines).toEqual(['warn', 'info']);
  } finally {
    await connection.close();
  }
});

it('gives up on a Redis that stops answering after the timeout, not later', async () => {
  const log = { warn: () => {}, info: () => {} };
  const connection = await RedisConnection.connect({ url: server.url, log, timeoutMs: 300 });
  try {
    server.pause();
    const started = performance.now();
    await expect(connection.command(['PING'])).rejects.toBeInstanceOf(RedisUnavailable);
    expect(performance.now() - started).toBeLessThan(1000);
  } finally {
    server.resume();
    await connection.close();
  }
});
