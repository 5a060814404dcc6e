// `npm run flood`: FLOOD_COUNT (default 1,000,000) challenges, each answered once with a
// right key, against one in-process authenticator, as a flood of clients that never reuse a
// nonce would do. Prints how the replay window's size and the process RSS stay bounded; a
// 50,000 version runs in `npm test` (test/digest/flood.test.ts).

import { randomBytes } from 'node:crypto';
import { createDigestAuthenticator, type DigestAuthenticator } from '../src/digest/index.js';
import { keyMaterial } from '../src/domain/keys.js';
import { digestAuthorization } from '../test/support/digest-client.js';

export interface FloodReport {
  readonly accepted: number;
  readonly trackedNonces: number;
  readonly rssMb: number;
  readonly ms: number;
}

export const FLOOD_USER = 'flood';
const REALM = 'MMS Public API';

export function floodAuthenticator(maxNonces: number): DigestAuthenticator {
  return createDigestAuthenticator({
    realm: REALM,
    algorithms: ['MD5'],
    nonceSecrets: [randomBytes(32)],
    replayWindow: { maxNonces },
  });
}

export const floodKey = 'c0ffee00-0000-4000-8000-000000000000';
export const floodKeys = [{ keyId: 'k', ha1: keyMaterial(FLOOD_USER, REALM, floodKey).ha1 }];

/** One honest client's first request on a fresh challenge. */
export function firstUse(auth: DigestAuthenticator, challenge: string, uri = '/x') {
  const header = digestAuthorization({
    username: FLOOD_USER,
    password: floodKey,
    method: 'GET',
    uri,
    challenge,
    nc: 1,
  });
  const parsed = auth.parse(header);
  if (parsed.kind !== 'credentials') throw new Error(parsed.kind);
  return auth.verify(parsed.credentials, { method: 'GET', uri }, floodKeys);
}

export function flood(auth: DigestAuthenticator, count: number): FloodReport {
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < count; i++) {
    const [challenge] = auth.challenge(false);
    if (firstUse(auth, challenge ?? '').kind === 'authenticated') accepted++;
  }
  return {
    accepted,
    trackedNonces: auth.trackedNonces(),
    rssMb: process.memoryUsage.rss() / 1024 / 1024,
    ms: Date.now() - started,
  };
}

if (process.argv[1]?.endsWith('nonce-flood.ts')) {
  const count = Number(process.env.FLOOD_COUNT ?? 1_000_000);
  const auth = floodAuthenticator(100_000);
  const before = process.memoryUsage.rss() / 1024 / 1024;
  for (let done = 0; done < count; done += 100_000) {
    const report = flood(auth, Math.min(100_000, count - done));
    console.log(
      `${done + report.accepted} accepted, ${report.trackedNonces} nonces tracked, RSS ${report.rssMb.toFixed(0)} MB (started at ${before.toFixed(0)} MB), ${(report.ms / 1000).toFixed(1)} s per 100k`,
    );
  }
}
