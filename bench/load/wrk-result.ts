// Reads the one line wrk-digest.lua's done() prints into the bench's LoadResult. Its
// latency figures are wrk's own (the figures `wrk --latency` prints, in microseconds, not
// rounded to the two decimals of the printed table).

import type { LoadResult } from './digest-autocannon.js';

interface DoneLine {
  readonly durationUs: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly stale: number;
  readonly exhausted: number;
  readonly errors: { connect: number; read: number; write: number; timeout: number };
  readonly latencyUs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

const MARK = 'wrk-digest ';

/**
 * The run's result from wrk's stdout. `ok` counts answers with the expected status (the
 * script records every other status); a 401 is `rejected`, and a run with any rejection,
 * stale answer or exhausted slice is not a valid measurement (see `invalidity`).
 */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (line === undefined) throw new Error(`wrk printed no "${MARK.trim()}" line:\n${stdout}`);
  const done = JSON.parse(line.slice(MARK.length)) as DoneLine;
  let other = 0;
  const unexpected: Record<string, number> = {};
  for (const [status, n] of Object.entries(done.statuses)) {
    other += n;
    if (status !== '401') unexpected[status] = n;
  }
  const ok = done.requests - other;
  const seconds = done.durationUs / 1e6;
  return {
    ok,
    seconds,
    rps: ok / seconds,
    p50Ms: done.latencyUs.p50 / 1000,
    p99Ms: done.latencyUs.p99 / 1000,
    meanMs: done.latencyUs.mean / 1000,
    httpRequests: done.requests,
    challenges: 0,
    rejected: done.statuses['401'] ?? 0,
    unexpected,
    errors: done.errors.connect + done.errors.read + done.errors.write,
    timeouts: done.errors.timeout,
    stale: done.stale,
    exhausted: done.exhausted,
  };
}

/**
 * Why a run with precomputed headers does not count, or undefined when it does: any answer
 * but the expected one. Socket errors and timeouts (wrk reconnects) show in the table.
 */
export function invalidity(result: LoadResult): string | undefined {
  const reasons: string[] = [];
  if (result.rejected) {
    const stale = result.stale ? ` (${result.stale} with stale=true)` : '';
    reasons.push(`${result.rejected} × 401${stale}`);
  }
  for (const [status, n] of Object.entries(result.unexpected)) reasons.push(`${n} × ${status}`);
  if (result.exhausted) {
    reasons.push(
      `precomputed headers ran out (${result.exhausted} requests without one, their threads stopped): raise BENCH_WRK_MAX_RPS`,
    );
  }
  return reasons.length ? reasons.join(', ') : undefined;
}
