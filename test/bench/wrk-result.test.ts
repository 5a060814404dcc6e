// The bench reads wrk runs from the line wrk-digest.lua's done() prints; a run with any
// answer but the expected one (a refused header, a stale nonce, headers run out) must be
// reported invalid, never averaged in silently.

import { describe, expect, it } from 'vitest';
import { invalidity, parseWrkOutput } from '../../bench/load/wrk-result.js';

const HUMAN = `Running 6s test @ http://127.0.0.1:40659/api/atlas/v1.0/users/x/keys
  2 threads and 50 connections
  Latency Distribution
     50%    3.41ms
     99%   14.44ms
  60000 requests in 6.00s, 130.00MB read
Requests/sec:  10000.00
`;

const done = (fields: Record<string, unknown>) =>
  `${HUMAN}wrk-digest ${JSON.stringify({
    durationUs: 6_000_000,
    requests: 60_000,
    statuses: {},
    stale: 0,
    exhausted: 0,
    errors: { connect: 0, read: 2, write: 0, timeout: 1 },
    latencyUs: { mean: 4210.5, p50: 3411, p90: 8000, p99: 14409, max: 90000 },
    ...fields,
  })}\n`;

describe('parseWrkOutput', () => {
  it('reads rate and latency percentiles from the done() line', () => {
    const r = parseWrkOutput(done({}));
    expect(r).toMatchObject({ ok: 60_000, seconds: 6, rps: 10_000, rejected: 0, unexpected: {} });
    expect([r.p50Ms, r.p99Ms, r.meanMs]).toEqual([3.411, 14.409, 4.2105]);
    expect([r.errors, r.timeouts]).toEqual([2, 1]);
    expect(invalidity(r)).toBeUndefined();
  });

  it('counts only expected answers and calls a run with a 401 invalid', () => {
    const r = parseWrkOutput(done({ statuses: { '401': 30, '500': 2 }, stale: 30 }));
    expect(r.ok).toBe(60_000 - 32);
    expect(r.rejected).toBe(30);
    expect(r.unexpected).toEqual({ '500': 2 });
    expect(invalidity(r)).toBe('30 × 401 (30 with stale=true), 2 × 500');
  });

  it('calls a run whose headers ran out invalid', () => {
    expect(invalidity(parseWrkOutput(done({ exhausted: 3 })))).toMatch(
      /ran out.*BENCH_WRK_MAX_RPS/,
    );
  });

  it('refuses output without the done() line', () => {
    expect(() => parseWrkOutput(HUMAN)).toThrow(/no "wrk-digest" line/);
  });
});
