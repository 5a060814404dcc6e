// `npx tsx bench/redis-cost.ts [ROUNDS] [SECONDS]` (after `npm run build`): what `--redis-url`
// costs one `keyward serve --workers 1` against the in-process replay window and throttle.
// wrk sends precomputed nonce-reuse headers (no hashing while measuring, bench/load/wrk.ts)
// at 50 connections; the two configurations alternate, so a busier moment of this shared
// machine falls on both. Prints req/s and p99 per round and the medians. Also times one
// replay check's Redis round trip alone (sequential, and 50 at a time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisConnection } from '../src/shared/redis-connection.js';
import { RedisReplay } from '../src/shared/redis-replay.js';
import { RedisServer } from '../test/support/redis-server.js';
import { seed, startKeyward } from './keyward.js';
import { prepareWrk } from './load/wrk.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 5);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function roundTrips(url: string): Promise<void> {
  const quiet = { warn: () => {}, info: () => {} };
  const connection = await RedisConnection.connect({ url, log: quiet });
  const replay = new RedisReplay(connection, { lifetimeMs: 300_000 });
  await replay.establish();
  const now = Date.now();
  const count = 20_000;
  let started = performance.now();
  for (let nc = 1; nc <= count; nc++) await replay.check('sequential', now, nc, now);
  const sequentialUs = ((performance.now() - started) * 1000) / count;
  started = performance.now();
  for (let batch = 0; batch < count / 50; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => replay.check(`n${i}`, now, batch + 1, now)),
    );
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  console.log(
    `replay check alone: ${sequentialUs.toFixed(0)} µs per sequential round trip; ` +
      `${Math.round(perSecond)} checks/s 50 at a time`,
  );
  await connection.close();
}

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-redis-'));
const redis = await RedisServer.start();
try {
  await roundTrips(redis.url);
  const database = join(dir, 'keyward.db');
  const [user] = (
    await seed(database, [{ username: 'bench@example.com', keys: 1, authWith: 'first' }])
  ).users;
  if (!user) throw new Error('no user');
  const arms = { memory: [] as number[][], redis: [] as number[][] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const arm of ['memory', 'redis'] as const) {
      const args = ['--workers', '1', '--log-level', 'warn', '--auth-failure-limit', '1000000'];
      if (arm === 'redis') args.push('--redis-url', redis.url);
      // BENCH_CPU_PROF=<folder>: a CPU profile of each keyward (bench/profile-summary.ts).
      const profile = process.env.BENCH_CPU_PROF;
      const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${arm}`] : [];
      const target = await startKeyward(database, dir, args, nodeArgs);
      try {
        const load = await prepareWrk({
          origin: target.origin,
          method: 'GET',
          path: `/api/atlas/v1.0/users/${user.id}`,
          mode: 'nonce-reuse',
          credential: user,
          algorithm: 'MD5',
          expectStatus: 200,
          connections: 50,
          durationSeconds: SECONDS,
          threads: 2,
          maxRps: 40_000,
          dir,
        });
        const result = await load.run();
        arms[arm].push([result.rps, result.p99Ms]);
        console.log(
          `round ${round + 1} ${arm}: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms} ms`,
        );
      } finally {
        await target.stop();
      }
    }
  }
  const rps = (arm: keyof typeof arms) => median(arms[arm].map(([r]) => r ?? 0));
  const p99 = (arm: keyof typeof arms) => median(arms[arm].map(([, p]) => p ?? 0));
  console.log(
    `median: memory ${Math.round(rps('memory'))} req/s (p99 ${p99('memory')} ms), redis ` +
      `${Math.round(rps('redis'))} req/s (p99 ${p99('redis')} ms): ` +
      `${((1 - rps('redis') / rps('memory')) * 100).toFixed(1)}% less with Redis`,
  );
} finally {
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
