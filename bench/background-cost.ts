// `npx tsx bench/background-cost.ts [sqlite|postgres] [ROUNDS]`: what the work keyward does
// beside requests costs the event loop (issue 10, item 7). A request waits behind any
// synchronous stretch, so on SQLite (better-sqlite3 and node:sqlite answer synchronously)
// a flush's whole run time is a stall; on PostgreSQL only the client's own CPU is. For each
// piece it prints the median wall time per call and the event-loop delay seen while it ran
// (perf_hooks.monitorEventLoopDelay, 1 ms resolution; on a busy machine other processes
// inflate the max). SQLite runs twice: checkpointing in the commit (SQLite's default) and in
// a worker thread (a server's store):
//   - the usage write (Store.applyUsage) with 1, 100, 1,000 and 10,000 keys in one batch,
//     and the flush keyward does (UsageCounter.flush, in parts) of as many keys;
//   - the revision poll (Store.credentialsRevision);
//   - the key-list reload after a flush (Store.listKeys, 10 keys and 1,000, the most cached).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { newObjectId } from '../src/domain/ids.js';
import { keyMaterial } from '../src/domain/keys.js';
import { toTimestamp } from '../src/domain/time.js';
import { createUser } from '../src/domain/users.js';
import { openStore } from '../src/store/open-store.js';
import type { NewApiKey, Store } from '../src/store/store.js';
import { UsageCounter } from '../src/usage/usage-counter.js';
import { startPostgres } from './postgres.js';
import { stopAll } from './proc.js';

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const ROUNDS = Number(process.argv[3] ?? 20);
const BATCHES = [1, 100, 256, 1000, 10_000];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let variant = engine;

async function timed(what: string, rounds: number, run: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
    // Let the monitor's timer fire between calls, as requests would run between flushes.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  delay.disable();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - 1).toFixed(1);
  console.log(
    `${variant} ${what.padEnd(28)} median ${median(times).toFixed(2).padStart(7)} ms per call, ` +
      `loop delay p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms`,
  );
}

async function seedKeys(store: Store, count: number): Promise<string[]> {
  const user = await createUser(store, { username: `bg${count}@example.com` });
  if (!user.ok) throw new Error(user.error);
  const material = keyMaterial(user.value.username, 'bench');
  const keys: NewApiKey[] = Array.from({ length: count }, (_, i) => ({
    id: newObjectId(),
    userId: user.value.id,
    description: `bg ${i}`,
    createdAt: toTimestamp(),
    suffix: material.suffix,
    ha1: material.ha1,
  }));
  await store.insertKeys(keys);
  return keys.map((k) => k.id);
}

async function main(checkpointInWorker: boolean): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'keyward-bg-'));
  const database = engine === 'postgres' ? (await startPostgres()).url : join(dir, 'bg.db');
  const store = await openStore(database, { checkpointInWorker });
  try {
    await seedKeys(store, 10);
    const userId = (await store.getUserByUsername('bg10@example.com'))!.id;
    for (const size of BATCHES) {
      const ids = await seedKeys(store, size);
      const deltas = ids.map((keyId) => ({ keyId, count: 3, lastUsed: toTimestamp() }));
      const rounds = size >= 10_000 ? 5 : ROUNDS;
      await timed(`one write of ${size} keys`, rounds, () => store.applyUsage(deltas));
      // What keyward does: UsageCounter writes in parts, serving requests in between.
      const counter = new UsageCounter(store);
      await timed(`flush of ${size} keys`, rounds, () => {
        for (const id of ids) counter.record(id);
        return counter.flush();
      });
    }
    await timed('revision poll', ROUNDS * 5, () => store.credentialsRevision());
    await timed('key-list reload (10 keys)', ROUNDS * 5, () =>
      store.listKeys(userId, { offset: 0, limit: 1001, includeCount: false }),
    );
    // The most a cached list holds (UserCache maxKeysPerList): the worst reload after a flush.
    const busiest = (await store.getUserByUsername('bg1000@example.com'))!.id;
    await timed('key-list reload (1,000 keys)', ROUNDS, () =>
      store.listKeys(busiest, { offset: 0, limit: 1001, includeCount: false }),
    );
  } finally {
    await store.close();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

// SQLite twice, in one run: checkpoints inside the commit that crosses 1,000 WAL pages
// (SQLite's default, the baseline) and in a worker thread (what `keyward serve` does).
if (engine === 'postgres') await main(false);
else {
  for (const inWorker of [false, true]) {
    variant = inWorker ? 'sqlite, checkpoint in worker' : 'sqlite, checkpoint in commit';
    await main(inWorker);
  }
}
