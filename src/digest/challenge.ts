// The headers the server writes: WWW-Authenticate challenges and Authentication-Info.
// The challenge format is fixed byte for byte: a strict Go client used by Atlas tooling
// splits on `", "` and rejects unknown keys, so no parameter may be added, reordered or
// quoted differently (DESIGN.md §2).

import { type Algorithm, computeResponse, type ResponseFields } from './algorithms.js';

const NEEDS_ESCAPE = /["\\]/;

/** Escapes a value for a quoted-string (RFC 9110 §5.6.4); realms are operator-chosen. */
export function quote(value: string): string {
  // Every authenticated response quotes the client's cnonce, which never needs escaping.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (const ch of value) out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${out}"`;
}

/**
 * One WWW-Authenticate value per algorithm, in the given order, all with the same nonce:
 * `Digest realm="MMS Public API", domain="", nonce="…", algorithm=MD5, qop="auth", stale=false`
 */
export function challengeHeaders(
  realm: string,
  nonce: string,
  algorithms: readonly Algorithm[],
  stale: boolean,
): string[] {
  const prefix = `Digest realm=${quote(realm)}, domain="", nonce=${quote(nonce)}, algorithm=`;
  const suffix = `, qop="auth", stale=${stale ? 'true' : 'false'}`;
  return algorithms.map((alg) => prefix + alg + suffix);
}

/**
 * Authentication-Info (RFC 7616 §3.5): proves to the client that the server knows HA1.
 * rspauth is the response computed with an empty method, HA2 = H(":" uri).
 * `nc` is echoed exactly as the client sent it (it is part of what was hashed).
 */
export function authenticationInfo(
  alg: Algorithm,
  ha1: string,
  fields: Omit<ResponseFields, 'method'>,
): string {
  // Only the fields hashed: `fields` is often the whole parsed header.
  const { nonce, nc, cnonce, qop, uri } = fields;
  const rspauth = computeResponse(alg, ha1, { nonce, nc, cnonce, qop, uri, method: '' });
  return `rspauth="${rspauth}", cnonce=${quote(fields.cnonce)}, nc=${fields.nc}, qop=auth`;
}
