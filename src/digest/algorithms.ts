// The Digest algorithms (RFC 7616 §3.3) and the hash arithmetic they share. Pure functions
// over node:crypto; the rest of src/digest never calls createHash directly.

import { createHash } from 'node:crypto';
import type { HashName } from '../domain/records.js';

export const ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

// Keyed by the upper-cased token: algorithm names are case-insensitive (RFC 7616 §3.3),
// and a Map lookup avoids a regex or a scan on the hot path.
const BY_UPPER_TOKEN: ReadonlyMap<string, Algorithm> = new Map(
  ALGORITHMS.map((alg) => [alg.toUpperCase(), alg]),
);

/** `sha-256-SESS` → `SHA-256-sess`; anything else → undefined. */
export function parseAlgorithm(token: string): Algorithm | undefined {
  return BY_UPPER_TOKEN.get(token.toUpperCase());
}

/** The hash function an algorithm uses; `-sess` variants share their base's stored HA1. */
export function hashOf(alg: Algorithm): HashName {
  switch (alg) {
    case 'MD5':
    case 'MD5-sess':
      return 'MD5';
    case 'SHA-256':
    case 'SHA-256-sess':
      return 'SHA-256';
    case 'SHA-512-256':
    case 'SHA-512-256-sess':
      return 'SHA-512-256';
  }
}

export function isSess(alg: Algorithm): boolean {
  return alg.endsWith('-sess');
}

// SHA-512/256 is its own function (distinct IVs), not a truncated SHA-512.
const NODE_HASH: Readonly<Record<HashName, string>> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

/** Lowercase hex H(data); strings are hashed as UTF-8 (RFC 7616 §3.4.4 charset=UTF-8). */
export function hex(hash: HashName, data: string): string {
  return createHash(NODE_HASH[hash]).update(data, 'utf8').digest('hex');
}

/** HA1 = H(username:realm:password), the value the store keeps per key and hash. */
export function computeHa1(
  hash: HashName,
  username: string,
  realm: string,
  password: string,
): string {
  return hex(hash, `${username}:${realm}:${password}`);
}

/** The HA1 actually used in the response: for `-sess`, H(HA1:nonce:cnonce) (§3.4.2). */
export function sessionHa1(alg: Algorithm, ha1: string, nonce: string, cnonce: string): string {
  return isSess(alg) ? hex(hashOf(alg), `${ha1}:${nonce}:${cnonce}`) : ha1;
}

/** What a response is computed from, besides HA1. */
export interface ResponseFields {
  readonly nonce: string;
  readonly nc: string;
  readonly cnonce: string;
  readonly qop: string;
  readonly method: string;
  readonly uri: string;
}

// A client polling one resource sends the same method and uri with every request, and each
// authenticated request needs two HA2s (the response's and rspauth's, with an empty
// method): remembered per (hash, method, uri) they cost a lookup instead of two of its
// four hashes. HA2 holds nothing secret, so a hit or a miss tells nothing. Bounded: the
// uri is the client's choice.
const MAX_HA2S = 1024;
const ha2s = new Map<string, string>();

/** HA2 = H(method:uri) (§3.4.3, qop=auth). */
export function ha2Of(hash: HashName, method: string, uri: string): string {
  const id = `${hash} ${method}:${uri}`;
  let value = ha2s.get(id);
  if (value === undefined) {
    value = hex(hash, `${method}:${uri}`);
    if (ha2s.size >= MAX_HA2S) ha2s.clear();
    ha2s.set(id, value);
  }
  return value;
}

/** response = H(HA1':nonce:nc:cnonce:qop:HA2) with HA2 = H(method:uri) (§3.4.1, qop=auth). */
export function computeResponse(alg: Algorithm, ha1: string, fields: ResponseFields): string {
  const hash = hashOf(alg);
  const ha1Prime = sessionHa1(alg, ha1, fields.nonce, fields.cnonce);
  const ha2 = ha2Of(hash, fields.method, fields.uri);
  return hex(
    hash,
    `${ha1Prime}:${fields.nonce}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`,
  );
}
