// Mutated HTTP requests for the fuzzer: random and adversarial request lines, query strings,
// Authorization headers, bodies and content types. Deterministic for a seed, so a failure
// can be replayed.

export type Random = () => number;

/** A small seeded PRNG (mulberry32): the same seed gives the same requests. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const int = (random: Random, max: number) => Math.floor(random() * max);

function junk(random: Random, length: number, binary = false): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += String.fromCharCode(binary ? int(random, 256) : 32 + int(random, 95));
  }
  return out;
}

export interface Target {
  readonly userId: string;
  readonly keyId: string;
  readonly username: string;
  readonly nonce: string;
}

function path(random: Random, t: Target): string {
  const base = pick(random, [
    '/api/atlas/v1.0',
    '/api/public/v1.0',
    '/api/atlas/v2',
    '',
    '/health',
  ]);
  const id = pick(random, [
    t.userId,
    '0'.repeat(24),
    'zz',
    t.userId.toUpperCase(),
    '%00',
    '..',
    junk(random, 5),
  ]);
  const rest = pick(random, [
    `/users/${id}/keys`,
    `/users/${id}/keys/${pick(random, [t.keyId, id, 'x'])}`,
    `/users/${id}`,
    `/users/byName/${encodeURIComponent(pick(random, [t.username, junk(random, 8), '%', 'a'.repeat(300)]))}`,
    `/orgs/${id}/users`,
    `/${junk(random, 10).replace(/[\s?#]/g, '')}`,
    '%zz%',
    '',
  ]);
  return base + rest;
}

function query(random: Random): string {
  const params = ['pageNum', 'itemsPerPage', 'includeCount', 'pretty', 'envelope', 'x', ''];
  const values = [
    '1',
    '0',
    '-1',
    '500',
    '501',
    '1.5',
    'true',
    'false',
    'TRUE',
    '',
    '1e3',
    '99999999999999999999',
    '%',
    junk(random, 6),
  ];
  const parts: string[] = [];
  for (let i = int(random, 5); i > 0; i--) {
    parts.push(`${pick(random, params)}=${encodeURIComponent(pick(random, values))}`);
  }
  return parts.length === 0 ? pick(random, ['', '?']) : `?${parts.join('&')}`;
}

function authorization(random: Random, t: Target, uri: string): string[] {
  const quote = (v: string) =>
    pick(random, [`"${v}"`, v, `"${v}`, `'${v}'`, `"${v.replace(/./g, '\\$&')}"`]);
  const params: string[] = [
    `username=${quote(pick(random, [t.username, 'nobody', '', junk(random, 20)]))}`,
    `realm=${quote(pick(random, ['MMS Public API', 'other', '']))}`,
    `nonce=${quote(pick(random, [t.nonce, junk(random, 42), '']))}`,
    `uri=${quote(pick(random, [uri, '/', junk(random, 10)]))}`,
    `response=${quote(pick(random, ['0'.repeat(32), junk(random, 32), 'ZZ'.repeat(16)]))}`,
    `qop=${pick(random, ['auth', '"auth"', 'auth-int', 'x'])}`,
    `nc=${pick(random, ['00000001', '1', 'ffffffff', 'zz', '123456789'])}`,
    `cnonce=${quote(junk(random, 8))}`,
    `algorithm=${pick(random, ['MD5', 'SHA-256', 'sha-512-256-sess', 'SHA-1', '"MD5"'])}`,
  ];
  if (random() < 0.2) params.push(pick(random, params) as string); // duplicated parameter
  if (random() < 0.1) params.push("username*=UTF-8''%C3%A4");
  if (random() < 0.1) params.push('userhash=true');
  const shuffled = params.filter(() => random() > 0.1).sort(() => random() - 0.5);
  const digest = `${pick(random, ['Digest', 'digest', 'DIGEST', 'Basic', 'Bearer', ''])} ${shuffled.join(pick(random, [', ', ',', ' , ', ',,']))}`;
  const kinds = [
    () => [digest],
    () => [digest, digest], // duplicated header
    () => [`Digest ${'a="b", '.repeat(int(random, 2000))}`], // huge
    () => [`Digest username="${junk(random, 40, true).replace(/[\r\n]/g, '')}"`], // binary
    () => [''],
    () => [],
  ];
  return pick(random, kinds)();
}

function body(random: Random): { contentType?: string; payload: string } {
  const payload = pick(random, [
    '{"description":"fuzz"}',
    '{"description":5}',
    '{"enabled":true}',
    '{"enabled":"no"}',
    '{"description":"x","extra":1}',
    '{"__proto__":{"a":1}}',
    '{"constructor":{"prototype":{}}}',
    '[]',
    'null',
    '"text"',
    '{',
    `{"description":"${'d'.repeat(int(random, 400))}"}`,
    junk(random, int(random, 200)),
    '',
  ]);
  const contentType = pick(random, [
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    undefined,
  ]);
  return contentType === undefined ? { payload } : { contentType, payload };
}

/** One raw HTTP/1.1 request, complete with `Connection: close`. */
export function mutatedRequest(random: Random, t: Target): string {
  const method = pick(random, [
    'GET',
    'GET',
    'POST',
    'PATCH',
    'DELETE',
    'PUT',
    'OPTIONS',
    'HEAD',
    'FOO',
  ]);
  const uri = path(random, t) + query(random);
  const headers = [
    `Host: ${pick(random, ['127.0.0.1', 'example.com', 'a'.repeat(300)])}`,
    'Connection: close',
  ];
  for (const value of authorization(random, t, uri))
    headers.push(`Authorization: ${value.replace(/[\r\n]/g, '')}`);
  if (random() < 0.1) headers.push(`X-Filler: ${'f'.repeat(int(random, 20_000))}`);
  const withBody = method !== 'GET' && method !== 'HEAD' && random() < 0.8;
  if (!withBody) return `${method} ${uri} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`;
  const { contentType, payload } = body(random);
  if (contentType) headers.push(`Content-Type: ${contentType}`);
  headers.push(`Content-Length: ${Buffer.byteLength(payload, 'latin1')}`);
  return `${method} ${uri} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${payload}`;
}
