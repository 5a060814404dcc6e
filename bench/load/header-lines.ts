// Precomputed Authorization values for wrk (bench/load/wrk.ts), so the load generator does
// no hashing while it measures. One slice per wrk thread, each on its own nonce, with
// nc = firstNc, firstNc + 1, …: every (nonce, nc) appears once in the whole file, and no
// slice is ever read twice, so nothing is replayed. Within a slice every line has the same
// width (one nonce, nc always 8 hex digits, a fixed-width cnonce), which lets the Lua
// script cut lines out of a chunk by arithmetic, without scanning for newlines.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Challenge, Credential } from './digest.js';
import { type BenchAlgorithm, DigestSigner } from './digest.js';

/** What one slice signs: the same request, one nonce. */
export interface SliceSpec {
  readonly credential: Credential;
  readonly challenge: Challenge;
  readonly algorithm: BenchAlgorithm;
  readonly method: string;
  /** The request target, exactly as it goes on the request line. */
  readonly uri: string;
}

/** Where a slice sits in the lines file: what the Lua script reads for its thread. */
export interface SliceIndex {
  readonly offset: number;
  readonly count: number;
  /** Bytes per line, without the newline. */
  readonly width: number;
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

/** Unique per (slice, nc) and of fixed width, as a client's random cnonce would be. */
export function cnonceFor(slice: number, nc: number): string {
  return `wrk${slice.toString(16).padStart(4, '0')}${nc.toString(16).padStart(8, '0')}`;
}

const MAX_NC = 0xffffffff;

/**
 * The Authorization values of slice `slice` for nc = firstNc … firstNc + count - 1, in
 * chunks of at most `chunkLines` lines, each line ending in a newline.
 */
export function* sliceChunks(
  spec: SliceSpec,
  slice: number,
  firstNc: number,
  count: number,
  chunkLines = 4096,
): Generator<string> {
  if (firstNc < 1 || firstNc + count - 1 > MAX_NC) throw new Error('nc is 1 … 2^32 - 1');
  const signer = new DigestSigner(spec.credential, spec.challenge.realm, spec.algorithm);
  const line = signer.prepare(spec.challenge, spec.method, spec.uri);
  const width = line(firstNc, cnonceFor(slice, firstNc)).length;
  for (let start = 0; start < count; start += chunkLines) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + chunkLines); i++) {
      const nc = firstNc + i;
      const value = line(nc, cnonceFor(slice, nc));
      if (value.length !== width) throw new Error('a slice needs lines of one width');
      lines.push(value, '\n');
    }
    yield lines.join('');
  }
}

/** The one line of slice `slice` with nonce count `nc`, without its newline. */
export function sliceLine(spec: SliceSpec, slice: number, nc: number): string {
  const [chunk] = sliceChunks(spec, slice, nc, 1);
  return chunk!.slice(0, -1);
}

/**
 * Writes slice i's lines for nc = firstNc … firstNc + count - 1 to `file`, slice after
 * slice (slice i signs with specs[i]'s nonce); returns where each slice sits, in bytes.
 */
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
      const width = Buffer.byteLength(sliceLine(spec, slice, firstNc));
      for (const chunk of sliceChunks(spec, slice, firstNc, count)) writeSync(fd, chunk);
      index.push({ offset, count, width });
      offset += count * (width + 1);
    }
  } finally {
    closeSync(fd);
  }
  return index;
}

/** The index file the Lua script reads: one "offset count width" line per slice. */
export function formatIndex(slices: readonly SliceIndex[]): string {
  return slices.map((s) => `${s.offset} ${s.count} ${s.width}\n`).join('');
}
