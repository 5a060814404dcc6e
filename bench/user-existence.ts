// `npx tsx bench/user-existence.ts`: does GET /users/byName/{other} take longer when the
// other username exists? (issue 9, item 5). A key holder who may not act on others asks,
// alternately, for an existing user and an unknown one; both answer 401. Prints the median
// and p90 of each in microseconds. In-process (app.inject, SQLite in a temp folder), so the
// figures leave out the network and show the handler's own difference.

import { performance } from 'node:perf_hooks';
import { ATLAS, TestApi } from '../test/support/api.js';
import { digestAuthorization } from '../test/support/digest-client.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5000);
const WARMUP = 500;

const api = await TestApi.start();
const challenge = await api.challenge();
let nc = 0;

async function timed(username: string): Promise<number> {
  const url = `${ATLAS}/users/byName/${encodeURIComponent(username)}`;
  const authorization = digestAuthorization({
    username: api.alice.username,
    password: api.alice.key,
    method: 'GET',
    uri: url,
    challenge,
    nc: ++nc,
  });
  const start = performance.now();
  const res = await api.app.inject({ url, headers: { authorization } });
  const micros = (performance.now() - start) * 1000;
  if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}`);
  return micros;
}

const EXISTING = api.bob.username;
const UNKNOWN = 'nobody@example.com';
const samples = { existing: [] as number[], unknown: [] as number[] };
for (let i = 0; i < WARMUP + ROUNDS; i++) {
  // Alternating, in either order, so drift (GC, other load on the machine) and any
  // first-of-a-pair cost fall on both alike.
  for (const name of i % 2 === 0 ? [EXISTING, UNKNOWN] : [UNKNOWN, EXISTING]) {
    const micros = await timed(name);
    if (i >= WARMUP) samples[name === EXISTING ? 'existing' : 'unknown'].push(micros);
  }
}
await api.close();

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))] ?? Number.NaN;
for (const [name, values] of Object.entries(samples)) {
  const median = quantile(values, 0.5).toFixed(1);
  const p90 = quantile(values, 0.9).toFixed(1);
  process.stdout.write(
    `${name.padEnd(8)} median ${median} µs  p90 ${p90} µs  (n=${values.length})\n`,
  );
}
