// `npx tsx bench/verify-micro.ts [COUNT] [ROUNDS]`: the authenticator's verify() alone, with
// headers parsed beforehand, so a change to the nonce or the replay window shows in isolation
// (no HTTP, no hashing by the client while measuring). Two shapes: nonce reuse (one nonce,
// nc = 1, 2, 3…: the tracked fast path) and a fresh nonce per request (MAC check, insertion).
// Prints verifies per CPU second (process CPU time, so other load on the machine inflates it
// less than wall time would) per round and the median.

import { randomBytes } from 'node:crypto';
import { createDigestAuthenticator, type DigestCredentials } from '../src/digest/index.js';
import { keyMaterial } from '../src/domain/keys.js';
import { digestAuthorization } from '../test/support/digest-client.js';

const COUNT = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const REALM = 'MMS Public API';
const USER = 'bench@example.com';
const KEY = 'c0ffee00-0000-4000-8000-000000000000';
const URI = '/api/atlas/v1.0/users/5b27d00de4544a21863e6705/keys';
// BENCH_EXPIRES=1: the key carries an expiry a day ahead, so the expiry check runs too.
const EXPIRY = process.env.BENCH_EXPIRES ? { expiresAtMs: Date.now() + 86_400_000 } : {};
const KEYS = [{ keyId: 'k', ha1: keyMaterial(USER, REALM, KEY).ha1, ...EXPIRY }];

type Auth = ReturnType<typeof createDigestAuthenticator>;

function credentials(auth: Auth, challenge: string, nc: number): DigestCredentials {
  const header = digestAuthorization({
    username: USER,
    password: KEY,
    method: 'GET',
    uri: URI,
    challenge,
    nc,
    cnonce: randomBytes(8).toString('hex'),
  });
  const parsed = auth.parse(header);
  if (parsed.kind !== 'credentials') throw new Error(parsed.kind);
  return parsed.credentials;
}

function round(shape: 'reuse' | 'fresh'): number {
  // A new authenticator per round: an empty window, as after a start.
  const auth = createDigestAuthenticator({
    realm: REALM,
    algorithms: ['MD5'],
    nonceSecrets: [randomBytes(32)],
  });
  const shared = auth.challenge(false)[0]!;
  const all = Array.from({ length: COUNT }, (_, i) =>
    credentials(auth, shape === 'reuse' ? shared : auth.challenge(false)[0]!, i + 1),
  );
  const request = { method: 'GET', uri: URI };
  const started = process.cpuUsage();
  for (const c of all) {
    if (auth.verify(c, request, KEYS).kind !== 'authenticated') throw new Error('not accepted');
  }
  const used = process.cpuUsage(started);
  return COUNT / ((used.user + used.system) / 1e6);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const shape of ['reuse', 'fresh'] as const) {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(round(shape));
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  console.log(
    `${shape}: median ${fmt(median(rates))} verifies/CPU-s (${rates.map(fmt).join(', ')})`,
  );
}
