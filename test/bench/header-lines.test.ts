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

describe.each<BenchAlgorithm>(['MD5', 'SHA-256'])('precomputed %s headers', (algorithm) => {
  const auth = createDigestAuthenticator({
    realm: REALM,
    algorithms: ['MD5', 'SHA-256'],
    nonceSecrets: [Buffer.alloc(32, 9)],
  });
  // One nonce per slice, as wrk.ts asks one per thread.
  const specs: SliceSpec[] = [0, 1, 2].map(() => ({
    credential,
    challenge: pickChallenge(auth.challenge(false), algorithm)!,
    algorithm,
    method: 'GET',
    uri: URI,
  }));
  const file = join(dir, `lines-${algorithm}`);
  // More than one 4096-line chunk per slice, starting past nc=1 as wrk.ts does.
  const index = writeLinesFile(file, specs, 2, 5000);
  const bytes = readFileSync(file);
  const lines = index.flatMap(({ offset, count, width }) =>
    Array.from({ length: count }, (_, i) => {
      const at = offset + i * (width + 1);
      expect(bytes[at + width]).toBe(0x0a); // each line ends where the width says
      return bytes.subarray(at, at + width).toString();
    }),
  );

  it('lays the slices end to end, one index line each', () => {
    expect(index.map((s) => s.count)).toEqual([5000, 5000, 5000]);
    const last = index[2]!;
    expect(last.offset + last.count * (last.width + 1)).toBe(bytes.length);
    expect(formatIndex(index).split('\n')[1]).toBe(`${index[1]!.offset} 5000 ${index[1]!.width}`);
  });

  it('uses each (nonce, nc) once and the authenticator accepts every line, once', () => {
    const pairs = new Set<string>();
    for (const line of lines) {
      const parsed = auth.parse(line);
      if (parsed.kind !== 'credentials') throw new Error(`not parsed: ${line}`);
      const { nonce, nc, algorithm: sent } = parsed.credentials;
      expect(sent).toBe(algorithm);
      pairs.add(`${nonce} ${nc}`);
      expect(auth.verify(parsed.credentials, { method: 'GET', uri: URI }, [key]).kind).toBe(
        'authenticated',
      );
    }
    expect(pairs.size).toBe(lines.length);
    // The last line of slice 0: within the replay window, so refused as a replay, not as stale.
    const again = auth.parse(lines[4999]!);
    if (again.kind !== 'credentials') throw new Error('not parsed');
    expect(auth.verify(again.credentials, { method: 'GET', uri: URI }, [key])).toMatchObject({
      kind: 'rejected',
      reason: 'replay',
    });
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
