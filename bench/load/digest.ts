// The load generator's Digest client: MD5 or SHA-256, qop=auth, as curl, Python requests
// and the Go Atlas client speak it to keyward and to Apache (MD5 only) alike. Independent
// of src/digest on purpose, so the bench cannot agree with a server bug. HA1 is computed
// once per credential; a request costs two hashes, as in a real client that caches HA1
// (one when HA2 is reused: `prepare`).

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

export type BenchAlgorithm = 'MD5' | 'SHA-256';

const NODE_HASH: Readonly<Record<BenchAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };

const hash = (alg: BenchAlgorithm, data: string): string =>
  createHash(NODE_HASH[alg]).update(data).digest('hex');

const PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

function parseParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of value.replace(/^\s*Digest\s+/i, '').matchAll(PARAM)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
  }
  return params;
}

/**
 * The challenge for `algorithm` among a response's WWW-Authenticate values (keyward sends
 * MD5 then SHA-256 with one nonce; Apache sends MD5 only), or undefined if there is none.
 */
export function pickChallenge(
  values: string | readonly string[] | undefined,
  algorithm: BenchAlgorithm,
): Challenge | undefined {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) {
    if (!/^\s*Digest\s/i.test(value)) continue;
    const params = parseParams(value);
    const offered = params.get('algorithm') ?? 'MD5';
    const nonce = params.get('nonce');
    if (offered.toUpperCase() !== algorithm || nonce === undefined) continue;
    const opaque = params.get('opaque');
    return { realm: params.get('realm') ?? '', nonce, ...(opaque ? { opaque } : {}) };
  }
  return undefined;
}

export function pickMd5Challenge(
  values: string | readonly string[] | undefined,
): Challenge | undefined {
  return pickChallenge(values, 'MD5');
}

/** A credential bound to one realm, with HA1 computed once. */
export class DigestSigner {
  private readonly ha1: string;
  private readonly username: string;
  private readonly realm: string;

  constructor(
    credential: Credential,
    realm: string,
    private readonly algorithm: BenchAlgorithm = 'MD5',
  ) {
    this.username = credential.username;
    this.realm = realm;
    this.ha1 = hash(algorithm, `${credential.username}:${realm}:${credential.password}`);
  }

  /** The Authorization value for `method uri` under `challenge` with nonce count `nc`. */
  authorization(
    challenge: Challenge,
    method: string,
    uri: string,
    nc: number,
    cnonce: string,
  ): string {
    return this.prepare(challenge, method, uri)(nc, cnonce);
  }

  /** Authorization values for one (nonce, method, uri): HA2 and the fixed parts computed once. */
  prepare(
    challenge: Challenge,
    method: string,
    uri: string,
  ): (nc: number, cnonce: string) => string {
    const alg = this.algorithm;
    const ha2 = hash(alg, `${method}:${uri}`);
    const prefix = `${this.ha1}:${challenge.nonce}:`;
    const head = `Digest username="${this.username}", realm="${this.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=${alg}, response="`;
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return (nc, cnonce) => {
      const ncHex = nc.toString(16).padStart(8, '0');
      const response = hash(alg, `${prefix}${ncHex}:${cnonce}:auth:${ha2}`);
      return `${head}${response}", qop=auth, nc=${ncHex}, cnonce="${cnonce}"${opaque}`;
    };
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
