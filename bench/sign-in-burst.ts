// How long an administrator's console sign-in takes while a burst of wrong sign-ins arrives:
// a real `keyward serve` (from dist/, so `npm run build` first) over HTTP, the burst from one
// address and then from one address per request (X-Forwarded-For, the proxy trusted).
// Run by hand: npx tsx bench/sign-in-burst.ts [burst size, default 200]

import { spawnSync } from 'node:child_process';
import { ServerProcess } from '../test/support/server-process.js';

const BIN = new URL('../bin/keyward.js', import.meta.url).pathname;
const PASSWORD = 'the administrator password';
const BURST = Number(process.argv[2] ?? 200);

/** One browser's sign-in: fetch the form (cookie and token), then post it. */
async function signIn(origin: string, username: string, password: string, address: string) {
  const headers = { 'x-forwarded-for': address };
  const form = await fetch(`${origin}/console/sign-in`, { headers });
  const page = await form.text();
  const token = /name="_form" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const response = await fetch(`${origin}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _form: token, username, password }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

async function timedAdmin(origin: string): Promise<string> {
  const started = performance.now();
  const status = await signIn(origin, 'admin', PASSWORD, '198.51.100.1');
  return `${status} in ${((performance.now() - started) / 1000).toFixed(2)} s`;
}

async function burst(origin: string, addressOf: (i: number) => string) {
  const statuses = new Map<number, number>();
  const sent = Array.from({ length: BURST }, (_, i) =>
    signIn(origin, `guess-${i}`, 'wrong password', addressOf(i)).then((status) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
  );
  // The administrator arrives once the burst is on its way.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const admin = await timedAdmin(origin);
  await Promise.all(sent);
  return { admin, statuses: Object.fromEntries(statuses) };
}

const server = await ServerProcess.start([
  '--trust-proxy',
  'loopback',
  '--auth-failure-limit',
  '10',
  '--log-level',
  'warn',
]);
try {
  const created = spawnSync(
    process.execPath,
    [
      BIN,
      'users',
      'create',
      '--username',
      'admin',
      '--global-owner',
      '--password-stdin',
      '--database',
      server.database,
    ],
    { input: `${PASSWORD}\n`, encoding: 'utf8', env: process.env },
  );
  // The CLI writes the same SQLite file the server reads.
  if (created.status !== 0) throw new Error(created.stderr);
  console.log('admin alone:', await timedAdmin(server.url));
  console.log(`${BURST} from one address:`, await burst(server.url, () => '203.0.113.7'));
  console.log(
    `${BURST} from ${BURST} addresses:`,
    await burst(server.url, (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
  );
} finally {
  await server.stop();
}
