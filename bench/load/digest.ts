// The load generator's Digest client: MD5, qop=auth, as curl, Python requests and the Go
// Atlas client speak it to keyward and to Apache alike. Independent of src/digest on
// purpose, so the bench cannot agree with a server bug. HA1 is computed once per
// credential; a request costs two MD5s, as in a real client that caches HA1.

import { createHash } from 'node:crypto';

export interface Credential {
  readonly username: string;
  readonly password: string;
}

/** What a client keeps from a challenge. */
export interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
}

const md5 = (data: string): string => createHash('md5').update(data).digest('hex');

const PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

function parseParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of value.replace(/^\s*Digest\s+/i, '').matchAll(PARAM)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
  }
  return params;
}

/**
 * The MD5 challenge among a response's WWW-Authenticate values (keyward sends MD5 then
 * SHA-256 with one nonce; Apache sends MD5 only), or undefined if there is none.
 */
export function pickMd5Challenge(
  values: string | readonly string[] | undefined,
): Challenge | undefined {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) {
    if (!/^\s*Digest\s/i.test(value)) continue;
    const params = parseParams(value);
    const algorithm = params.get('algorithm') ?? 'MD5';
    const nonce = params.get('nonce');
    if (algorithm.toUpperCase() !== 'MD5' || nonce === undefined) continue;
    const opaque = params.get('opaque');
    return { realm: params.get('realm') ?? '', nonce, ...(opaque ? { opaque } : {}) };
  }
  return undefined;
}

/** A credential bound to one realm, with HA1 computed once. */
export class DigestSigner {
  private readonly ha1: string;
  private readonly username: string;
  private readonly realm: string;

  constructor(credential: Credential, realm: string) {
    this.username = credential.username;
    this.realm = realm;
    this.ha1 = md5(`${credential.username}:${realm}:${credential.password}`);
  }

  /** The Authorization value for `method uri` under `challenge` with nonce count `nc`. */
  authorization(
    challenge: Challenge,
    method: string,
    uri: string,
    nc: number,
    cnonce: string,
  ): string {
    const ncHex = nc.toString(16).padStart(8, '0');
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${this.ha1}:${challenge.nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return (
      `Digest username="${this.username}", realm="${this.realm}", nonce="${challenge.nonce}", ` +
      `uri="${uri}", algorithm=MD5, response="${response}", qop=auth, nc=${ncHex}, ` +
      `cnonce="${cnonce}"${opaque}`
    );
  }
}

/** The value of a header in autocannon's header map, whatever its case. */
export function headerValue(
  headers: Record<string, string | string[]>,
  name: string,
): string | string[] | undefined {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}
