// BENCH_LOOP_DELAY=1: every keyward process (each cluster worker too: node:cluster forks with
// the primary's execArgv) loads a small module that watches its own event loop
// (perf_hooks.monitorEventLoopDelay, 1 ms resolution). SIGUSR2 makes it write one line,
// "loop-delay <pid> {p50,p99,max}" in ms, to its log and start over; the bench signals once
// before a run (to reset) and once after (to read). A stall of the request path, such as a
// synchronous SQLite write, shows as a max (and a p99) well above the loop's usual delay.
// Opt-in: the 1 ms timer costs a little throughput.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from './proc.js';

const MONITOR = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const line = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
  process.stderr.write('loop-delay ' + process.pid + ' ' + JSON.stringify(line) + '\\n');
  h.reset();
});`;

/** The node flags that load the monitor (a data: URL, so no file is needed). */
export const LOOP_DELAY_NODE_ARGS = [
  '--import',
  `data:text/javascript,${encodeURIComponent(MONITOR)}`,
];

export interface LoopDelay {
  /** The worst process's p99 and max event-loop delay during the run, ms. */
  readonly p99Ms: number;
  readonly maxMs: number;
}

function signalTree(pid: number): number {
  let signalled = 0;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, 'SIGUSR2');
      signalled++;
    } catch {
      // exited
    }
  }
  return signalled;
}

/** Starts every process's histogram over. */
export async function resetLoopDelay(pid: number): Promise<void> {
  signalTree(pid);
  await sleep(50);
}

/** Reads every process's histogram from the log written since `logBytes` was taken. */
export async function readLoopDelay(
  pid: number,
  logFile: string,
  offset: number,
): Promise<LoopDelay | undefined> {
  const expected = signalTree(pid);
  let found: { p99: number; max: number }[] = [];
  for (let attempt = 0; attempt < 40 && found.length < expected; attempt++) {
    await sleep(25);
    const text = readFileSync(logFile).subarray(offset).toString();
    found = [...text.matchAll(/^loop-delay \d+ (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!));
  }
  if (found.length === 0) return undefined;
  return {
    p99Ms: Math.max(...found.map((f) => f.p99)),
    maxMs: Math.max(...found.map((f) => f.max)),
  };
}
