// `npm run bench:hosts -- [ROUNDS] [SECONDS]` (after `npm run build`; needs haproxy,
// redis-server and wrk): issue 10's several-hosts arm. Three `keyward serve` instances on one
// embedded PostgreSQL and one Redis behind haproxy round-robin without affinity (as
// test/e2e/several-hosts.test.ts and docs/operations.md set them up), against one
// `keyward serve` with its default workers on SQLite without Redis. wrk sends precomputed
// nonce-reuse headers (through the balancer for the instances: with Redis every instance
// accepts every nonce), 50 connections, arms alternating round by round. Prints req/s, p99
// and each keyward process's peak RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Haproxy } from '../test/support/haproxy.js';
import { RedisServer } from '../test/support/redis-server.js';
import { alternate, type WrkArm } from './alternate.js';
import { type KeywardTarget, type SeededUser, seed, startKeyward } from './keyward.js';
import { startPostgres } from './postgres.js';
import { processTree, resetPeakRss, stopAll } from './proc.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 5);
// Each instance stands for a host; three on this 2-core machine already outnumber the cores.
const INSTANCE_WORKERS = process.env.BENCH_INSTANCE_WORKERS ?? '1';

const peakMb = (pid: number) => {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Math.round(Number(kb ?? 0) / 1024);
  } catch {
    return 0;
  }
};

/** Resets, then reports, the peak RSS of every process of these keyward targets. */
function rssOf(targets: readonly KeywardTarget[]): Pick<WrkArm, 'before' | 'after'> {
  const pids = () => targets.flatMap((t) => processTree(t.pid));
  return {
    before: () => {
      for (const t of targets) resetPeakRss(t.pid);
    },
    after: () => `peak RSS per process ${pids().map(peakMb).join(', ')} MB`,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-hosts-'));
const stops: (() => Promise<void>)[] = [];
const user = (username: string) => [{ username, keys: 1, authWith: 'first' as const }];
try {
  const redis = await RedisServer.start();
  stops.push(() => redis.close());
  const postgres = await startPostgres();
  stops.push(postgres.stop);
  const [shared] = (await seed(postgres.url, user('hosts@example.com'))).users;
  const sqlite = join(dir, 'keyward.db');
  const [single] = (await seed(sqlite, user('single@example.com'))).users;
  if (!shared || !single) throw new Error('no user');

  const args = ['--redis-url', redis.url, '--trust-proxy', 'loopback'];
  const instances: KeywardTarget[] = [];
  for (let i = 0; i < 3; i++) {
    // A folder each: startKeyward writes its log (where it reads the port) into it.
    const own = mkdtempSync(join(dir, `instance-${i}-`));
    const target = await startKeyward(postgres.url, own, [...args, '--workers', INSTANCE_WORKERS]);
    stops.push(target.stop);
    instances.push(target);
  }
  const balancer = await Haproxy.start(instances.map((t) => Number(new URL(t.origin).port)));
  stops.push(() => balancer.stop());
  const one = await startKeyward(sqlite, mkdtempSync(join(dir, 'single-')));
  stops.push(one.stop);

  const spec = (origin: string, credential: SeededUser) => ({
    origin,
    method: 'GET',
    path: `/api/atlas/v1.0/users/${credential.id}`,
    mode: 'nonce-reuse' as const,
    credential,
    algorithm: 'MD5' as const,
    expectStatus: 200,
    connections: 50,
    threads: 2,
    maxRps: 40_000,
  });
  const hosts = '3 instances, PostgreSQL + Redis, haproxy';
  const serve = 'one serve, SQLite, default workers';
  const arms: WrkArm[] = [
    { name: hosts, spec: spec(balancer.url, shared), ...rssOf(instances) },
    { name: serve, spec: spec(one.origin, single), ...rssOf([one]) },
  ];
  const tallies = await alternate(arms, {
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupSeconds: 2,
    dir,
  });
  const a = tallies.get(hosts);
  const b = tallies.get(serve);
  if (a && b) console.log(`3 instances behind haproxy: ${(a.rps / b.rps).toFixed(2)}× one serve`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
