// Nonce-reuse load with no hashing while measuring: before a run, nonces are asked of the
// server (as many as connections, split over wrk's threads), one header per nonce is
// checked against it, and a bounded file of Authorization values is written (each
// (nonce, nc) once, sized from BENCH_WRK_MAX_RPS × duration with headroom); then wrk sends
// them through wrk-digest.lua. Autocannon hashes per request and caps near 23k req/s here,
// which would hide a faster server; wrk with these lines reached 51k req/s against bare
// node:http.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchAlgorithm, Credential } from './digest.js';
import type { LoadResult } from './digest-autocannon.js';
import { formatIndex, linesPerSlice, sliceLines, writeLinesFile } from './header-lines.js';
import { checkAuthorization, type Exchange, fetchChallenges } from './nonces.js';
import { parseWrkOutput } from './wrk-result.js';

export const WRK_INSTALL = 'apt-get install -y wrk';
const SCRIPT = new URL('wrk-digest.lua', import.meta.url).pathname;

/** Why wrk cannot run here, or undefined when it can. */
export function wrkUnavailable(): string | undefined {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) return 'wrk not found';
  // `wrk --version` prints "wrk debian/4.1.0-3+b2 [epoll] …" and then exits 1 with its usage.
  return /^wrk \S+ \[/m.test(probe.stdout) ? undefined : `wrk --version printed no version`;
}

export interface WrkSpec extends Exchange {
  readonly mode: 'none' | 'nonce-reuse';
  readonly credential?: Credential;
  readonly algorithm: BenchAlgorithm;
  readonly expectStatus: number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** wrk threads, each with its own nonces and slice of lines (at most `connections`). */
  readonly threads: number;
  /** The fastest any server could go here; the lines are sized for it. */
  readonly maxRps: number;
  /**
   * Milliseconds each connection waits before its next request (0: none). A fixed offered
   * load below saturation: latency then shows the server's own stalls, not the queue that
   * any saturated server builds (50 connections over N req/s wait 50/N s on average).
   */
  readonly paceMs?: number;
  /** Where the lines file goes (removed after the run). */
  readonly dir: string;
}

export interface PreparedLoad {
  run(): Promise<LoadResult>;
}

/**
 * Asks for the nonces (a connection's worth of lines per nonce: one per connection in all),
 * checks each with nc=1, and writes nc=2 onwards and the index for the Lua script.
 */
async function writeLines(spec: WrkSpec, threads: number): Promise<string> {
  const credential = spec.credential;
  if (!credential) throw new Error('a Digest load needs a credential');
  const perThread = Math.ceil(spec.connections / threads);
  const challenges = await fetchChallenges(spec, spec.algorithm, threads * perThread);
  const slices = Array.from({ length: threads }, (_, i) => ({
    ...spec,
    credential,
    challenges: challenges.slice(i * perThread, (i + 1) * perThread),
    uri: spec.path,
  }));
  for (const [slice, signs] of slices.entries()) {
    for (const line of sliceLines(signs, slice, 1, perThread)) {
      await checkAuthorization(spec, line, spec.expectStatus);
    }
  }
  const count = linesPerSlice({
    maxRps: spec.maxRps,
    seconds: spec.durationSeconds,
    slices: threads,
  });
  const folder = mkdtempSync(join(spec.dir, 'wrk-lines-'));
  const index = writeLinesFile(join(folder, 'lines'), slices, 2, count);
  writeFileSync(join(folder, 'index'), formatIndex(index));
  return folder;
}

function runWrk(spec: WrkSpec, threads: number, folder: string | undefined): Promise<LoadResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WRK_DIGEST_METHOD: spec.method,
    WRK_DIGEST_PATH: spec.path,
    WRK_DIGEST_EXPECT: String(spec.expectStatus),
    WRK_DIGEST_PACE_MS: String(spec.paceMs ?? 0),
    ...(spec.body === undefined ? {} : { WRK_DIGEST_BODY: spec.body }),
    ...(folder === undefined
      ? {}
      : { WRK_DIGEST_LINES: join(folder, 'lines'), WRK_DIGEST_INDEX: join(folder, 'index') }),
  };
  const args = [
    ...['-t', String(threads), '-c', String(spec.connections)],
    ...['-d', `${spec.durationSeconds}s`, '--timeout', '10s', '--latency'],
    ...['-s', SCRIPT, new URL(spec.path, spec.origin).toString()],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${out}`));
      else {
        try {
          resolve(parseWrkOutput(out));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

/** Everything a run needs is done here (nonces, hashing, files); `run` only measures. */
export async function prepareWrk(spec: WrkSpec): Promise<PreparedLoad> {
  const threads = Math.max(1, Math.min(spec.threads, spec.connections));
  const folder = spec.mode === 'none' ? undefined : await writeLines(spec, threads);
  return {
    async run() {
      try {
        return await runWrk(spec, threads, folder);
      } finally {
        if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
