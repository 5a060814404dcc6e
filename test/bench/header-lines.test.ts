// The precomputed headers wrk sends (bench/load/header-lines.ts), checked by keyward's own
// authenticator: every line is accepted, once, and the file is laid out as the Lua script
// reads it (fixed-width lines at the indexed offsets). Correctness only; speed is bench's.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BenchAlgorithm, pickChallenge } from '../../bench/load/digest.js';
import {
  formatIndex,
  linesPerSlice,
  type SliceSpec,
  writeLinesFile,
} from '../../bench/load/header-lines.js';
import { computeHa1, createDigestAuthenticator } from '../../src/digest/index.js';
import type { KeyCredential } from '../../src/domain/records.js';

const REALM = 'MMS Public API';
const credential = {
  username: 'alice@example.com',
  password: '5b27d00d-e454-4a21-863e-670587c49cc9',
};
const URI = '/api/atlas/v1.0/users/5af1c5a53b34b9337e1d6f0b/keys?pageNum=1';
const key: KeyCredential = {
  keyId: 'k1',
  ha1: {
    MD5: computeHa1('MD5', credential.username, REALM, credential.password),
    'SHA-256': computeHa1('SHA-256', credential.username, REALM, credential.password),
    'SHA-512-256': computeHa1('SHA-512-256', credential.username, REALM, credential.password),
  },
};

const dir = mkdtempSync(join(tmpdir(), 'keyward-header-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NONCES_PER_SLICE = 4;
const COUNT = 5000;

describe.each<BenchAlgorithm>(['MD5', 'SHA-256'])('precomputed %s headers', (algorithm) => {
  const auth = createDigestAuthenticator({
    realm: REALM,
    algorithms: ['MD5', 'SHA-256'],
    nonceSecrets: [Buffer.alloc(32, 9)],
  });
  const specs: SliceSpec[] = [0, 1, 2].map(() => ({
    credential,
    challenges: Array.from(
      { length: NONCES_PER_SLICE },
      () => pickChallenge(auth.challenge(false), algorithm)!,
    ),
    algorithm,
    method: 'GET',
    uri: URI,
  }));
  const file = join(dir, `lines-${algorithm}`);
  // More than one 4096-line chunk per slice, from nc=2 as wrk.ts writes them.
  const index = writeLinesFile(file, specs, 2, COUNT);
  const bytes = readFileSync(file);
  // Read back as the Lua script does: from the slice's offset, `count` lines.
  const slices = index.map(({ offset, count }) =>
    bytes.subarray(offset).toString().split('\n').slice(0, count),
  );
  const verify = (line: string) => {
    const parsed = auth.parse(line);
    if (parsed.kind !== 'credentials') throw new Error(`not parsed: ${line}`);
    return { ...auth.verify(parsed.credentials, { method: 'GET', uri: URI }, [key]), parsed };
  };

  it('lays the slices end to end, one index line each', () => {
    expect(index.map((s) => s.count)).toEqual([COUNT, COUNT, COUNT]);
    expect(slices.flat().join('\n')).toBe(bytes.toString().trimEnd());
    expect(formatIndex(index)).toBe(index.map((s) => `${s.offset} ${COUNT}\n`).join(''));
  });

  it('uses each (nonce, nc) once and the authenticator accepts every line, once', () => {
    const pairs = new Set<string>();
    // Slice 0's first line arrives after 1000 of its later lines: a laggard connection.
    const [first, ...rest] = slices[0]!;
    for (const line of [
      ...rest.slice(0, 1000),
      first!,
      ...rest.slice(1000),
      ...slices.slice(1).flat(),
    ]) {
      const outcome = verify(line);
      expect(outcome.kind).toBe('authenticated');
      const { nonce, nc, algorithm: sent } = outcome.parsed.credentials;
      expect(sent).toBe(algorithm);
      pairs.add(`${nonce} ${nc}`);
    }
    expect(pairs.size).toBe(3 * COUNT);
    expect(verify(slices[2]![COUNT - 1]!)).toMatchObject({ kind: 'rejected', reason: 'replay' });
  });
});

describe('linesPerSlice', () => {
  it('covers the rate for the run plus a second, with a quarter to spare, split over slices', () => {
    expect(linesPerSlice({ maxRps: 60_000, seconds: 6, slices: 2 })).toBe(262_500);
    expect(linesPerSlice({ maxRps: 1000, seconds: 1, slices: 3 })).toBe(834);
  });

  it('refuses an unbounded or empty plan', () => {
    expect(() => linesPerSlice({ maxRps: 0, seconds: 6, slices: 2 })).toThrow();
    expect(() =>
      linesPerSlice({ maxRps: Number.POSITIVE_INFINITY, seconds: 6, slices: 2 }),
    ).toThrow();
    expect(() => linesPerSlice({ maxRps: 1000, seconds: 6, slices: 0 })).toThrow();
  });
});
