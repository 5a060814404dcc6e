// A small, independent Digest client for tests: it reads a WWW-Authenticate challenge and
// writes the Authorization header a well-behaved client would send. It deliberately does
// not import src/digest, so a bug there cannot cancel itself out in the tests.

import { createHash, randomBytes } from 'node:crypto';

export interface DigestAuthorizationOptions {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request target exactly as it goes on the request line. */
  readonly uri: string;
  /** One WWW-Authenticate value. */
  readonly challenge: string;
  /** A number is written as 8 hex digits; a string is sent as is (e.g. a decimal counter). */
  readonly nc: number | string;
  readonly cnonce?: string;
  /** Overrides the challenge's algorithm; `null` omits the parameter (which means MD5). */
  readonly algorithm?: string | null;
}

const NODE_HASH: Record<string, string> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

/** The auth-params of a challenge, names lowercased, quoted values unescaped. */
export function parseChallenge(challenge: string): Record<string, string> {
  const scheme = /^\s*Digest\s+/i.exec(challenge);
  if (!scheme) throw new Error(`not a Digest challenge: ${challenge}`);
  const params: Record<string, string> = {};
  const param = /([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const m of challenge.slice(scheme[0].length).matchAll(param)) {
    const name = m[1]!.toLowerCase();
    params[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return params;
}

/** Lowercase hex digest; SHA-512-256 is Node's `sha512-256`. `-sess` shares its base hash. */
export function digestHex(algorithm: string, data: string): string {
  const base = algorithm.replace(/-sess$/i, '').toUpperCase();
  const name = NODE_HASH[base];
  if (!name) throw new Error(`unsupported algorithm ${algorithm}`);
  return createHash(name).update(data, 'utf8').digest('hex');
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The Authorization header value for one request (qop=auth). */
export function digestAuthorization(options: DigestAuthorizationOptions): string {
  const challenge = parseChallenge(options.challenge);
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce ?? '';
  const algorithm =
    options.algorithm === null ? 'MD5' : (options.algorithm ?? challenge.algorithm ?? 'MD5');
  const nc = typeof options.nc === 'number' ? options.nc.toString(16).padStart(8, '0') : options.nc;
  const cnonce = options.cnonce ?? randomBytes(12).toString('hex');
  const H = (data: string) => digestHex(algorithm, data);

  let ha1 = H(`${options.username}:${realm}:${options.password}`);
  if (/-sess$/i.test(algorithm)) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = H(`${options.method}:${options.uri}`);
  const response = H(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);

  // RFC 7616 §3.4: a username that is not plain ASCII goes in username* (RFC 8187).
  const user = /^[\x20-\x7e]*$/.test(options.username)
    ? `username=${quote(options.username)}`
    : `username*=UTF-8''${encodeRfc8187(options.username)}`;
  const parts = [
    user,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(options.uri)}`,
    ...(options.algorithm === null ? [] : [`algorithm=${algorithm}`]),
    `response="${response}"`,
    'qop=auth',
    `nc=${nc}`,
    `cnonce=${quote(cnonce)}`,
  ];
  return `Digest ${parts.join(', ')}`;
}

function encodeRfc8187(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+.^_`|~-]/.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
