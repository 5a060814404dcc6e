// What `npm run bench` can be told, all through the environment:
//
//   BENCH_SCENARIOS    letters of the scenarios to run (default abcdefg; e.g. "a,b" or "ab")
//   BENCH_DURATION     seconds per measured run (default 6)
//   BENCH_WARMUP       seconds of unmeasured load per arm before the first round (default 2)
//   BENCH_ROUNDS       alternating rounds over keyward / Apache / bare node (default 3)
//   BENCH_CONNECTIONS  concurrent connections (default 50)
//   BENCH_KEYWARD_ARGS extra `keyward serve` flags, e.g. "--log-level warn"
//   BENCH_CPU_PROF     a folder: keyward runs under `node --cpu-prof` and writes its profiles there
//   BENCH_LOOP_DELAY   1: every keyward process reports its event-loop delay per run (loop-delay.ts)
//   BENCH_BASE_BIN     another build's bin/keyward.js (say, main's): scenario g serves the same
//                      database with it too, `--workers 1`, as 'keyward-base', to judge a change
//   BENCH_BASE_WORKERS the base build's `--workers` (default 1; "auto" to judge a change to how
//                      workers work together)
//   BENCH_SERVERS      only the arms against these servers, e.g. "keyward-w1,keyward-base"
//   BENCH_RESULTS      where the JSON goes (default bench/results)
//   BENCH_WRK_THREADS  wrk threads in scenario g, each with its own slice of headers (default 2)
//   BENCH_WRK_MAX_RPS  the fastest any server could go here; scenario g precomputes headers
//                      for this rate × the duration, with headroom (default 60000)
//   BENCH_RATE         scenario g's wrk offers this many req/s in all instead of as many as it
//                      can: latency at a fixed load below saturation (unset: saturation)

import { resolve } from 'node:path';

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchConfig {
  readonly scenarios: ReadonlySet<ScenarioId>;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly keywardArgs: readonly string[];
  readonly cpuProfDir?: string;
  readonly loopDelay: boolean;
  readonly baseBin?: string;
  readonly baseWorkers: string;
  readonly servers?: ReadonlySet<string>;
  readonly resultsDir: string;
  readonly wrkThreads: number;
  readonly wrkMaxRps: number;
  readonly wrkRate?: number;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

function scenarios(): Set<ScenarioId> {
  const raw = (process.env.BENCH_SCENARIOS ?? '').toLowerCase().replace(/[\s,]/g, '');
  if (raw === '') return new Set(SCENARIO_IDS);
  const chosen = new Set<ScenarioId>();
  for (const letter of raw) {
    if (!(SCENARIO_IDS as readonly string[]).includes(letter)) {
      throw new Error(
        `BENCH_SCENARIOS: unknown scenario "${letter}" (known: ${SCENARIO_IDS.join('')})`,
      );
    }
    chosen.add(letter as ScenarioId);
  }
  return chosen;
}

export function readConfig(): BenchConfig {
  const cpuProf = process.env.BENCH_CPU_PROF;
  return {
    scenarios: scenarios(),
    durationSeconds: integer('BENCH_DURATION', 6, 1, 120),
    warmupSeconds: integer('BENCH_WARMUP', 2, 0, 60),
    rounds: integer('BENCH_ROUNDS', 3, 1, 20),
    connections: integer('BENCH_CONNECTIONS', 50, 1, 1000),
    keywardArgs: (process.env.BENCH_KEYWARD_ARGS ?? '').split(/\s+/).filter(Boolean),
    ...(cpuProf ? { cpuProfDir: resolve(cpuProf) } : {}),
    loopDelay: process.env.BENCH_LOOP_DELAY === '1',
    ...(process.env.BENCH_BASE_BIN ? { baseBin: resolve(process.env.BENCH_BASE_BIN) } : {}),
    baseWorkers: process.env.BENCH_BASE_WORKERS || '1',
    ...(process.env.BENCH_SERVERS
      ? { servers: new Set(process.env.BENCH_SERVERS.split(/[\s,]+/).filter(Boolean)) }
      : {}),
    resultsDir: resolve(process.env.BENCH_RESULTS ?? new URL('results', import.meta.url).pathname),
    // Two threads: one per core. One per connection (BENCH_WRK_THREADS=50) would tie each
    // nonce to one connection, but measured twice wrk's CPU per request here.
    wrkThreads: integer('BENCH_WRK_THREADS', 2, 1, 1000),
    // Above the bare node:http ceiling wrk measured here (51,679 req/s).
    wrkMaxRps: integer('BENCH_WRK_MAX_RPS', 60_000, 100, 1_000_000),
    ...(process.env.BENCH_RATE ? { wrkRate: integer('BENCH_RATE', 0, 1, 1_000_000) } : {}),
  };
}
