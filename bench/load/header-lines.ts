// Precomputed Authorization values for wrk (bench/load/wrk.ts), so the load generator does
// no hashing while it measures. One slice per wrk thread; a slice takes its nonces in turn
// (line i: nonce i mod k, nc = firstNc + ⌊i / k⌋), so every (nonce, nc) appears once in the
// whole file, and no slice is ever read twice, so nothing is replayed.
//
// Why several nonces per thread: a thread's connections share its lines, and a request
// that lags behind while 256 later nc of its nonce are accepted falls below keyward's
// replay window (answered stale=true). That happened on this busy machine with one nonce
// per 25 connections; with a nonce per connection's worth of lines, a laggard has k times
// as long.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Challenge, Credential } from './digest.js';
import { type BenchAlgorithm, DigestSigner } from './digest.js';

/** What one slice signs: the same request, on each of its nonces in turn. */
export interface SliceSpec {
  readonly credential: Credential;
  readonly challenges: readonly Challenge[];
  readonly algorithm: BenchAlgorithm;
  readonly method: string;
  /** The request target, exactly as it goes on the request line. */
  readonly uri: string;
}

/** Where a slice sits in the lines file: what the Lua script reads for its thread. */
export interface SliceIndex {
  /** Byte offset of its first line. */
  readonly offset: number;
  readonly count: number;
}

export interface LineBudget {
  /** The most requests per second any server could answer here (the bare-node ceiling). */
  readonly maxRps: number;
  readonly seconds: number;
  readonly slices: number;
}

// wrk runs a little past its duration (threads start one after another and join after
// it), and a thread's share of the requests is not exactly 1/slices.
const EXTRA_SECONDS = 1;
const HEADROOM = 1.25;

/** Lines per slice for a run: enough at `maxRps` with headroom; bounded, never endless. */
export function linesPerSlice({ maxRps, seconds, slices }: LineBudget): number {
  const finite = Number.isFinite(maxRps) && Number.isFinite(seconds);
  if (!(finite && maxRps > 0 && seconds > 0 && Number.isInteger(slices) && slices > 0)) {
    throw new Error('linesPerSlice: maxRps, seconds and slices must be finite and positive');
  }
  return Math.ceil((maxRps * (seconds + EXTRA_SECONDS) * HEADROOM) / slices);
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** Unique per (slice, nonce, nc), as a client's random cnonce would be. */
export function cnonceFor(slice: number, nonce: number, nc: number): string {
  return `wrk${hex(slice, 4)}${hex(nonce, 4)}${hex(nc, 8)}`;
}

const MAX_NC = 0xffffffff;

/**
 * Lines `from` … `from + count - 1` of slice `slice` (line i: nonce i mod k, nc =
 * firstNc + ⌊i / k⌋), in chunks of at most `chunkLines` lines, each line ending in "\n".
 */
export function* sliceChunks(
  spec: SliceSpec,
  slice: number,
  firstNc: number,
  count: number,
  chunkLines = 4096,
): Generator<string> {
  const k = spec.challenges.length;
  if (k === 0) throw new Error('a slice needs at least one nonce');
  if (firstNc < 1 || firstNc + Math.ceil(count / k) - 1 > MAX_NC) {
    throw new Error('nc is 1 … 2^32 - 1');
  }
  const signer = new DigestSigner(spec.credential, spec.challenges[0]!.realm, spec.algorithm);
  const signs = spec.challenges.map((c) => signer.prepare(c, spec.method, spec.uri));
  for (let start = 0; start < count; start += chunkLines) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + chunkLines); i++) {
      const nonce = i % k;
      const nc = firstNc + Math.floor(i / k);
      lines.push(signs[nonce]!(nc, cnonceFor(slice, nonce, nc)), '\n');
    }
    yield lines.join('');
  }
}

/** A few lines of a slice, without their newlines. */
export function sliceLines(spec: SliceSpec, slice: number, firstNc: number, count: number) {
  return [...sliceChunks(spec, slice, firstNc, count)].join('').split('\n').slice(0, count);
}

/** Writes `count` lines of each slice to `file`, slice after slice; returns where each sits. */
export function writeLinesFile(
  file: string,
  specs: readonly SliceSpec[],
  firstNc: number,
  count: number,
): SliceIndex[] {
  const fd = openSync(file, 'w');
  const index: SliceIndex[] = [];
  let offset = 0;
  try {
    for (const [slice, spec] of specs.entries()) {
      index.push({ offset, count });
      for (const chunk of sliceChunks(spec, slice, firstNc, count)) {
        offset += writeSync(fd, chunk);
      }
    }
  } finally {
    closeSync(fd);
  }
  return index;
}

/** The index file the Lua script reads: one "offset count" line per slice. */
export function formatIndex(slices: readonly SliceIndex[]): string {
  return slices.map((s) => `${s.offset} ${s.count}\n`).join('');
}
