// Matching a client's response against a user's keys. The comparison is constant-time,
// and a user with no keys (or no user at all) costs the same as a user with one key, so
// neither the response time nor its variance says whether a username exists.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isLive } from '../domain/expiry.js';
import type { HashName, KeyCredential } from '../domain/records.js';
import { type Algorithm, ha2Of, hashOf, hex, sessionHa1 } from './algorithms.js';
import type { DigestCredentials } from './parse-authorization.js';

const DIGEST_BYTES: Readonly<Record<HashName, number>> = {
  MD5: 16,
  'SHA-256': 32,
  'SHA-512-256': 32,
};

/** Random HA1s to hash against when there is no real key; fresh per process. */
export function dummyHa1s(): Readonly<Record<HashName, string>> {
  return {
    MD5: randomBytes(DIGEST_BYTES.MD5).toString('hex'),
    'SHA-256': randomBytes(DIGEST_BYTES['SHA-256']).toString('hex'),
    'SHA-512-256': randomBytes(DIGEST_BYTES['SHA-512-256']).toString('hex'),
  };
}

export interface KeyMatch {
  readonly key: KeyCredential;
  readonly ha1: string;
}

/**
 * The first key whose HA1 yields the client's response, trying `preferredKeyId` (the key
 * that last used this nonce) first, since a client keeps using the key that worked. A key
 * expired at `nowMs` matches nothing: after the same hashing, the same answer as a key
 * that was disabled (no longer among `keys`).
 */
export function matchKey(
  alg: Algorithm,
  credentials: DigestCredentials,
  method: string,
  keys: readonly KeyCredential[],
  preferredKeyId: string | undefined,
  dummyHa1: string,
  nowMs: number,
): KeyMatch | undefined {
  const hash = hashOf(alg);
  // A response of the wrong length can never match; compare a same-length stand-in so
  // the work done does not depend on it.
  const rightLength = credentials.response.length === DIGEST_BYTES[hash] * 2;
  const sent = Buffer.from(rightLength ? credentials.response : '', 'hex');
  const ha2 = ha2Of(hash, method, credentials.uri);
  const tail = `:${credentials.nonce}:${credentials.nc}:${credentials.cnonce}:${credentials.qop}:${ha2}`;

  const matches = (ha1: string): boolean => {
    const expected = Buffer.from(
      hex(hash, sessionHa1(alg, ha1, credentials.nonce, credentials.cnonce) + tail),
      'hex',
    );
    return timingSafeEqual(expected, rightLength ? sent : expected) && rightLength;
  };

  if (keys.length === 0) {
    matches(dummyHa1);
    return undefined;
  }
  if (preferredKeyId !== undefined) {
    for (const key of keys) {
      if (key.keyId === preferredKeyId) {
        if (matches(key.ha1[hash]) && isLive(key, nowMs)) return { key, ha1: key.ha1[hash] };
        break;
      }
    }
  }
  for (const key of keys) {
    if (key.keyId === preferredKeyId) continue;
    if (matches(key.ha1[hash]) && isLive(key, nowMs)) return { key, ha1: key.ha1[hash] };
  }
  return undefined;
}
