// `npm run bench:gateway -- [ROUNDS] [SECONDS]` (after `npm run build`; needs nginx, Apache
// and wrk): issue 11's gateway benchmark. Authenticated GETs of a static 2 KB file through
// nginx + keyward forward auth (docs/gateway.md's nginx config as the tests render it,
// upstream keepalive to keyward; the guarded location serves the file itself instead of
// proxying, as Apache does), against Apache mod_auth_digest serving the same file, and
// nginx serving it with no auth (the ceiling). Same generator for all: wrk, precomputed
// nonce-reuse headers, 50 connections, arms alternating round by round.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx, startStaticNginx } from '../test/support/proxies.js';
import { alternate, type WrkArm } from './alternate.js';
import { startApache } from './baselines/apache.js';
import { seed, startKeyward } from './keyward.js';
import { stopAll } from './proc.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 5);
const PATH = '/files/report.json';
// Debian's nginx.conf ships `worker_processes auto` (one per core), as keyward's `--workers`
// default is; BENCH_NGINX_WORKERS and BENCH_KEYWARD_WORKERS change them.
const NGINX_WORKERS = process.env.BENCH_NGINX_WORKERS ?? 'auto';
const KEYWARD_WORKERS = process.env.BENCH_KEYWARD_WORKERS ?? 'auto';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-gateway-'));
const stops: (() => Promise<void>)[] = [];
try {
  const body = Buffer.from(JSON.stringify({ padding: 'x'.repeat(2048 - 15) }));
  chmodSync(dir, 0o755); // nginx's workers (user nobody) read the file
  const root = join(dir, 'htdocs');
  mkdirSync(join(root, 'files'), { recursive: true });
  writeFileSync(join(root, PATH), body);
  const database = join(dir, 'keyward.db');
  const { realm, users } = await seed(database, [
    { username: 'bench@example.com', keys: 1, authWith: 'first' },
  ]);
  const user = users[0];
  if (!user) throw new Error('no user');

  // keyward as shipped (default workers), and with --workers 1 for comparison, each behind
  // its own nginx; the two share the database (reads only, bar the usage flush).
  const gatewayWith = async (workers: string) => {
    const keyward = await startKeyward(database, mkdtempSync(join(dir, 'keyward-')), [
      ...['--trust-proxy', 'loopback'],
      ...['--workers', workers],
    ]);
    stops.push(keyward.stop);
    // The upstream address is unused: the guarded locations serve `root`.
    const to = { keyward: new URL(keyward.origin).host, upstream: '127.0.0.1:9' };
    const nginx = await startNginx(to, { root, workers: NGINX_WORKERS });
    stops.push(nginx.stop);
    return { keyward, nginx };
  };
  const gateway = await gatewayWith(KEYWARD_WORKERS);
  const single = await gatewayWith('1');
  const ceiling = await startStaticNginx(root, NGINX_WORKERS);
  stops.push(ceiling.stop);
  const apache = await startApache({ realm, credentials: [user], files: [{ path: PATH, body }] });
  stops.push(apache.stop);

  const spec = (origin: string, mode: 'none' | 'nonce-reuse', path = PATH) => ({
    origin,
    method: 'GET',
    path,
    mode,
    credential: user,
    algorithm: 'MD5' as const,
    expectStatus: 200,
    connections: CONNECTIONS,
    threads: 2,
    maxRps: 60_000,
  });
  const arms: WrkArm[] = [
    { name: 'nginx + keyward', spec: spec(gateway.nginx.url, 'nonce-reuse') },
    { name: 'nginx + keyward --workers 1', spec: spec(single.nginx.url, 'nonce-reuse') },
    { name: 'apache digest', spec: spec(apache.origin, 'nonce-reuse') },
    { name: 'nginx no auth', spec: spec(ceiling.url, 'none') },
    // Not a target: keyward's own API (default workers) on the same user, without nginx.
    {
      name: 'keyward alone (GET user)',
      spec: spec(gateway.keyward.origin, 'nonce-reuse', `/api/atlas/v1.0/users/${user.id}`),
    },
  ];
  const tallies = await alternate(arms, {
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupSeconds: 2,
    dir,
  });
  const ours = tallies.get('nginx + keyward');
  const theirs = tallies.get('apache digest');
  const top = tallies.get('nginx no auth');
  if (ours && theirs && top) {
    const ratio = ours.rps / theirs.rps;
    const met = ratio >= 1 && ours.p99Ms <= 10 && ours.valid;
    console.log(
      `target nginx + keyward ≥ 1.0× Apache, p99 ≤ 10 ms: ${met ? 'met' : 'missed'} ` +
        `(${ratio.toFixed(2)}× Apache, p99 ${ours.p99Ms} ms; ` +
        `${(ours.rps / top.rps).toFixed(2)}× nginx without auth)`,
    );
  }
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
