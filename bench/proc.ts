// Process plumbing for the bench: free ports, bounded waits, peak RSS from /proc, and one
// registry of everything started, so an error or Ctrl-C stops it all.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export { freePort } from '../test/support/embedded-postgres.js';

/** Polls `check` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < timeoutMs / everyMs + 1; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** A process and its descendants (Apache's parent and its worker children). */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length && i < 1000; i++) tree.push(...children(tree[i]!));
  return tree;
}

/**
 * Peak resident set (VmHWM) of a process plus its descendants, in MB. For a multi-process
 * server (Apache) this sums each process's peak, so shared pages count once per process.
 */
export function peakRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) kb += statusField(p, 'VmHWM') ?? 0;
  return Math.round((kb / 1024) * 10) / 10;
}

/** The largest peak resident set (VmHWM) of any one process in the tree, MB: a worker's. */
export function largestPeakRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) kb = Math.max(kb, statusField(p, 'VmHWM') ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Restarts the peak-RSS count (Linux: `5` into clear_refs); false where not permitted. */
export function resetPeakRss(pid: number): boolean {
  let ok = true;
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * User + system CPU seconds used so far by a process and its live descendants; for 'self',
 * the bench process plus the children it has reaped (a wrk run that has ended), so a
 * difference across a run counts the load generator whichever one it was.
 */
export function cpuSeconds(pid: number | 'self'): number {
  let ticks = 0;
  for (const p of pid === 'self' ? ['self'] : processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      if (p === 'self') ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // exited
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Waits (bounded) for a process to exit, then SIGKILLs it if it has not. */
export async function awaitExit(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    await waitFor(`pid ${pid} to exit`, () => (isAlive(pid) ? undefined : true), timeoutMs, 50);
  } catch {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

// Everything started registers how to stop it; run.ts calls stopAll on exit, error or signal.
const stoppers = new Map<number, () => Promise<void>>();
let nextId = 0;

export function registerStop(stop: () => Promise<void>): () => void {
  const id = nextId++;
  stoppers.set(id, stop);
  return () => {
    stoppers.delete(id);
  };
}

/** Stops everything still registered, newest first; never throws. */
export async function stopAll(): Promise<void> {
  const pending = [...stoppers.entries()].reverse();
  stoppers.clear();
  for (const [, stop] of pending) {
    try {
      await stop();
    } catch (error) {
      console.error('[bench] cleanup failed:', error);
    }
  }
}

/** A server under test, however it was started. */
export interface Target {
  readonly name: string;
  readonly origin: string;
  /** The server's (root) process id. */
  readonly pid: number;
  /** Peak RSS so far (VmHWM), MB. */
  peakRssMb(): number;
  /** The server's log, where it writes one (keyward): BENCH_LOOP_DELAY reads it. */
  readonly logFile?: string;
  stop(): Promise<void>;
}
