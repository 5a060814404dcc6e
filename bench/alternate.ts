// Arms measured in turn, round after round (order rotated each round), so a busier moment of
// this shared machine falls on every arm; for the standalone wrk benches (gateway.ts,
// several-hosts.ts). Every run gets fresh precomputed headers (bench/load/wrk.ts), and a run
// with any answer but the expected one is marked INVALID (socket errors are only shown, as
// in bench/report.ts: wrk reconnects).
import type { LoadResult } from './load/digest-autocannon.js';
import { prepareWrk, type WrkSpec } from './load/wrk.js';
import { invalidity } from './load/wrk-result.js';

export interface WrkArm {
  readonly name: string;
  /** The load, minus what a round decides (duration) and the lines' folder. */
  readonly spec: Omit<WrkSpec, 'durationSeconds' | 'dir'>;
  /** Called just before each measured run (e.g. to reset peak RSS). */
  before?(): void;
  /** Said after each measured run, e.g. the peak RSS of each process. */
  after?(): string;
}

export interface Tally {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly valid: boolean;
}

export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

const invalid = (r: LoadResult) => invalidity(r) !== undefined;

export async function alternate(
  arms: readonly WrkArm[],
  options: { rounds: number; seconds: number; warmupSeconds: number; dir: string },
): Promise<Map<string, Tally>> {
  const run = async (arm: WrkArm, durationSeconds: number) =>
    (await prepareWrk({ ...arm.spec, durationSeconds, dir: options.dir })).run();
  for (const arm of arms) await run(arm, options.warmupSeconds);
  const results = new Map<string, LoadResult[]>(arms.map((arm) => [arm.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length]!);
    for (const arm of order) {
      arm.before?.();
      const result = await run(arm, options.seconds);
      results.get(arm.name)?.push(result);
      const p = `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`;
      const why = invalidity(result);
      const socket = result.errors + result.timeouts;
      const flag = `${socket ? `, ${socket} socket errors/timeouts` : ''}${why ? ` INVALID: ${why}` : ''}`;
      const extra = arm.after ? `; ${arm.after()}` : '';
      console.log(
        `round ${round + 1} ${arm.name}: ${Math.round(result.rps)} req/s, ${p}${extra}${flag}`,
      );
    }
  }
  const tallies = new Map<string, Tally>();
  for (const [name, runs] of results) {
    tallies.set(name, {
      rps: median(runs.map((r) => r.rps)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      valid: !runs.some(invalid),
    });
    const t = tallies.get(name)!;
    console.log(
      `median ${name}: ${Math.round(t.rps)} req/s, p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms` +
        (t.valid ? '' : ' (INVALID runs)'),
    );
  }
  return tallies;
}
