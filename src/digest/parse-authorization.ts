// The Authorization header parser (RFC 9110 §11.6.2 credentials, RFC 7616 §3.4 fields).
// A single hand-written pass over char codes: no regex, no exceptions, and a hard length
// cap, because every byte of this header is attacker-controlled and read before any
// authentication has happened. Syntax and semantics that the credentials alone decide are
// checked here; everything that needs server state (realm, nonce, keys) is in verify.ts.

import { decodeExtValue, isHex, isTchar, octetsAsUtf8 } from './header-syntax.js';

/** Longer than any honest Digest header (a few hundred bytes) by a wide margin. */
export const MAX_AUTHORIZATION_LENGTH = 8192;

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  /** Hex as sent (either case); its length is checked against the algorithm in verify. */
  readonly response: string;
  /** The token as sent; undefined when absent, which means MD5 (RFC 7616 §3.4). */
  readonly algorithm: string | undefined;
  /** `auth` as sent (the response hashes the string the client used). */
  readonly qop: string;
  /** The nonce count exactly as sent (it is hashed), and its value. */
  readonly nc: string;
  readonly ncValue: number;
  readonly cnonce: string;
}

export type ParsedAuthorization =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'credentials'; readonly credentials: DigestCredentials };

const MISSING: ParsedAuthorization = { kind: 'missing' };

function malformed(detail: string): ParsedAuthorization {
  return { kind: 'malformed', detail };
}

/**
 * Parses the Authorization header. Pass every value the client sent (Node's
 * `headersDistinct.authorization`, or `authorizationValues(rawHeaders)`): more than one is
 * malformed, since a proxy and a client disagreeing about credentials is not something to
 * guess about. No header, or another scheme (Basic, Bearer), is `missing`: it deserves a
 * challenge, not a 400. Never throws.
 */
export function parseAuthorization(
  value: string | readonly string[] | undefined,
): ParsedAuthorization {
  if (value === undefined) return MISSING;
  if (typeof value !== 'string') {
    if (value.length === 0) return MISSING;
    if (value.length > 1) return malformed('duplicate Authorization headers');
    value = value[0];
    if (typeof value !== 'string') return malformed('Authorization is not a string');
  }
  if (value.length > MAX_AUTHORIZATION_LENGTH) return malformed('Authorization header too long');
  return parseValue(value);
}

// The fields as they are collected; `seen` catches duplicates of parameters we ignore.
interface Fields {
  username?: string;
  usernameStar?: string;
  realm?: string;
  nonce?: string;
  uri?: string;
  response?: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  userhash?: string;
  seen?: Set<string>;
}

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWhitespace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== SP && c !== HTAB) break;
    i++;
  }
  return i;
}

function skipToken(s: string, i: number): number {
  while (i < s.length && isTchar(s.charCodeAt(i))) i++;
  return i;
}

function parseValue(header: string): ParsedAuthorization {
  const n = header.length;
  let i = skipWhitespace(header, 0);
  if (i === n) return MISSING;
  const schemeEnd = skipToken(header, i);
  if (schemeEnd === i) return malformed('expected an authentication scheme');
  if (header.slice(i, schemeEnd).toLowerCase() !== 'digest') return MISSING;
  i = skipWhitespace(header, schemeEnd);
  if (i === schemeEnd && i < n) return malformed('expected a space after Digest');
  if (i === n) return malformed('Digest without parameters');

  const fields: Fields = {};
  while (i < n) {
    const c = header.charCodeAt(i);
    // RFC 9110 §5.6.1: recipients accept empty list elements ("a=1,,b=2", trailing comma).
    if (c === COMMA) {
      i = skipWhitespace(header, i + 1);
      continue;
    }
    const nameEnd = skipToken(header, i);
    if (nameEnd === i) return malformed(`unexpected character at offset ${i}`);
    const name = header.slice(i, nameEnd).toLowerCase();
    i = skipWhitespace(header, nameEnd);
    if (header.charCodeAt(i) !== EQUALS) return malformed(`expected "=" after ${name}`);
    i = skipWhitespace(header, i + 1);

    let paramValue: string;
    if (header.charCodeAt(i) === DQUOTE) {
      const quoted = readQuoted(header, i);
      if (quoted === undefined) return malformed(`invalid quoted string for ${name}`);
      paramValue = quoted.value;
      i = quoted.end;
    } else {
      const valueEnd = skipToken(header, i);
      if (valueEnd === i) return malformed(`missing value for ${name}`);
      paramValue = header.slice(i, valueEnd);
      i = valueEnd;
    }
    i = skipWhitespace(header, i);
    if (i < n && header.charCodeAt(i) !== COMMA) return malformed(`expected "," after ${name}`);

    const problem = assign(fields, name, paramValue);
    if (problem !== undefined) return malformed(problem);
  }
  return finish(fields);
}

/** A quoted-string starting at `start` (the DQUOTE); end is the index after the closing one. */
function readQuoted(s: string, start: number): { value: string; end: number } | undefined {
  let i = start + 1;
  let chunkStart = i;
  let value = '';
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return { value: value + s.slice(chunkStart, i), end: i + 1 };
    if (c === BACKSLASH) {
      // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
      const next = s.charCodeAt(i + 1);
      if (!(next === HTAB || (next >= 0x20 && next <= 0x7e) || (next >= 0x80 && next <= 0xff))) {
        return undefined;
      }
      value += s.slice(chunkStart, i);
      chunkStart = i + 1;
      i += 2;
      continue;
    }
    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    if (!(c === HTAB || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return undefined;
    i++;
  }
  return undefined;
}

type Known = Exclude<keyof Fields, 'seen'>;

// Parameter name (lowercased) → field. Unknown parameters are ignored (RFC 7616 §3.4).
const KNOWN: ReadonlyMap<string, Known> = new Map<string, Known>([
  ['username', 'username'],
  ['username*', 'usernameStar'],
  ['realm', 'realm'],
  ['nonce', 'nonce'],
  ['uri', 'uri'],
  ['response', 'response'],
  ['algorithm', 'algorithm'],
  ['qop', 'qop'],
  ['nc', 'nc'],
  ['cnonce', 'cnonce'],
  ['userhash', 'userhash'],
]);

function assign(fields: Fields, name: string, value: string): string | undefined {
  const field = KNOWN.get(name);
  if (field === undefined) {
    fields.seen ??= new Set();
    if (fields.seen.has(name)) return `duplicate parameter ${name}`;
    fields.seen.add(name);
    return undefined;
  }
  if (fields[field] !== undefined) return `duplicate parameter ${name}`;
  fields[field] = value;
  return undefined;
}

function finish(f: Fields): ParsedAuthorization {
  if (f.username !== undefined && f.usernameStar !== undefined) {
    return malformed('username and username* must not both be present');
  }
  if (f.userhash !== undefined && f.userhash.toLowerCase() === 'true') {
    return malformed('userhash is not supported');
  }
  let username: string | undefined;
  if (f.usernameStar !== undefined) {
    username = decodeExtValue(f.usernameStar);
    if (username === undefined) return malformed('username* is not a valid UTF-8 ext-value');
  } else if (f.username !== undefined) {
    username = octetsAsUtf8(f.username);
    if (username === undefined) return malformed('username is not valid UTF-8');
  } else {
    return malformed('missing username');
  }
  const { realm, nonce, uri, response, qop, nc, cnonce } = f;
  if (realm === undefined) return malformed('missing realm');
  if (nonce === undefined) return malformed('missing nonce');
  if (uri === undefined) return malformed('missing uri');
  if (response === undefined) return malformed('missing response');
  // Without qop (RFC 2069 mode) there is no nc and so no replay protection: refuse it.
  if (qop === undefined) return malformed('missing qop');
  const qopLower = qop.toLowerCase();
  if (qopLower === 'auth-int') return malformed('qop auth-int is not supported');
  if (qopLower !== 'auth') return malformed('qop must be auth');
  if (nc === undefined) return malformed('missing nc');
  if (cnonce === undefined) return malformed('missing cnonce');
  if (nc.length > 8 || !isHex(nc)) return malformed('nc must be 1 to 8 hex digits');
  if (!isHex(response)) return malformed('response must be hex');
  return {
    kind: 'credentials',
    credentials: {
      username,
      realm,
      nonce,
      uri,
      response,
      algorithm: f.algorithm,
      qop,
      nc,
      ncValue: Number.parseInt(nc, 16),
      cnonce,
    },
  };
}

/**
 * Every Authorization value in a raw header list ([name, value, name, value, …]). Node's
 * `headersDistinct` gives the same on a real socket, but request objects made by
 * light-my-request (Fastify's inject) have no `headersDistinct`; rawHeaders exist on both.
 */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') {
      values.push(rawHeaders[i + 1] ?? '');
    }
  }
  return values;
}
