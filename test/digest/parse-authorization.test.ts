import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizationValues,
  type DigestCredentials,
  MAX_AUTHORIZATION_LENGTH,
  parseAuthorization,
} from '../../src/digest/index.js';

const BASE =
  'Digest username="alice", realm="MMS Public API", nonce="abc", uri="/api/x?y=1", ' +
  'response="0123456789abcdef0123456789ABCDEF", qop=auth, nc=00000001, cnonce="c1"';

const EXPECTED: DigestCredentials = {
  username: 'alice',
  realm: 'MMS Public API',
  nonce: 'abc',
  uri: '/api/x?y=1',
  response: '0123456789abcdef0123456789ABCDEF',
  algorithm: undefined,
  qop: 'auth',
  nc: '00000001',
  ncValue: 1,
  cnonce: 'c1',
};

function credentials(header: string | readonly string[] | undefined): DigestCredentials {
  const parsed = parseAuthorization(header);
  if (parsed.kind !== 'credentials')
    throw new Error(`expected credentials, got ${JSON.stringify(parsed)}`);
  return parsed.credentials;
}

describe('parseAuthorization: accepted forms', () => {
  it('parses the usual form', () => {
    expect(credentials(BASE)).toEqual(EXPECTED);
  });

  it.each([
    ['scheme in any case', BASE.replace('Digest', 'dIgEsT'), {}],
    [
      'parameter names in any case',
      BASE.replace('username=', 'UserName=').replace('nc=', 'NC='),
      {},
    ],
    [
      'quoted qop and nc',
      BASE.replace('qop=auth', 'qop="auth"').replace('nc=00000001', 'nc="00000001"'),
      {},
    ],
    ['unquoted algorithm', `${BASE}, algorithm=SHA-256`, { algorithm: 'SHA-256' }],
    ['quoted algorithm', `${BASE}, algorithm="MD5-sess"`, { algorithm: 'MD5-sess' }],
    [
      'spaces around "=" and commas',
      BASE.replace('y=1', 'y').replaceAll('=', ' = ').replaceAll(', ', ' ,\t '),
      { uri: '/api/x?y' },
    ],
    ['no space after commas', BASE.replaceAll(', ', ','), {}],
    ['leading and trailing whitespace', `  ${BASE}  `, {}],
    ['empty list elements', BASE.replace(', realm', ',, ,realm').concat(','), {}],
    ['unknown parameters', `${BASE}, opaque="xyz", foo=bar`, {}],
    ['userhash=false', `${BASE}, userhash=false`, {}],
    ['qop in upper case, kept as sent', BASE.replace('qop=auth', 'qop=AUTH'), { qop: 'AUTH' }],
    [
      'hex nc, value decoded',
      BASE.replace('nc=00000001', 'nc=0000001f'),
      { nc: '0000001f', ncValue: 31 },
    ],
    ['short nc', BASE.replace('nc=00000001', 'nc=10'), { nc: '10', ncValue: 16 }],
    ['max nc', BASE.replace('nc=00000001', 'nc=ffffffff'), { nc: 'ffffffff', ncValue: 0xffffffff }],
    [
      'escapes in quoted strings',
      BASE.replace('"alice"', '"a\\"l\\\\i\\ce"'),
      { username: 'a"l\\ice' },
    ],
    ['commas and "=" inside quotes', BASE.replace('"c1"', '"c,1=2"'), { cnonce: 'c,1=2' }],
    ['empty quoted values', BASE.replace('"c1"', '""'), { cnonce: '' }],
    [
      'username*',
      BASE.replace('username="alice"', "username*=UTF-8''J%C3%A4s%C3%B8n%20Doe"),
      { username: 'Jäsøn Doe' },
    ],
    [
      'username* with a language and lower-case charset',
      BASE.replace('username="alice"', "username*=utf-8'en'alice"),
      {},
    ],
    [
      'raw UTF-8 octets in a quoted username (as Node hands them over)',
      BASE.replace('"alice"', `"${Buffer.from('jörg', 'utf8').toString('latin1')}"`),
      { username: 'jörg' },
    ],
    ['a one-element array', [BASE], {}],
  ] as const)('%s', (_name, header, overrides) => {
    expect(credentials(header)).toEqual({ ...EXPECTED, ...overrides });
  });
});

describe('parseAuthorization: missing', () => {
  it.each([
    ['undefined', undefined],
    ['empty string', ''],
    ['whitespace', '   '],
    ['empty array', []],
    ['Basic', 'Basic YWxpY2U6c2VjcmV0'],
    ['Bearer', 'Bearer abc.def'],
    ['Digestive', 'Digestive username="alice"'],
  ] as const)('%s', (_name, header) => {
    expect(parseAuthorization(header)).toEqual({ kind: 'missing' });
  });
});

describe('parseAuthorization: malformed', () => {
  it.each([
    ['two header values', [BASE, BASE], 'duplicate Authorization headers'],
    ['too long', `${BASE}, x="${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}"`, 'too long'],
    ['no parameters', 'Digest', 'without parameters'],
    ['token68', 'Digest abc==', 'missing value for abc'],
    ['a bare word', 'Digest abc', 'expected "=" after abc'],
    ['duplicate parameter', `${BASE}, nonce="again"`, 'duplicate parameter nonce'],
    ['duplicate in another case', `${BASE}, Realm="x"`, 'duplicate parameter realm'],
    ['duplicate unknown parameter', `${BASE}, foo=1, FOO=2`, 'duplicate parameter foo'],
    ['username with username*', `${BASE}, username*=UTF-8''bob`, 'username and username*'],
    [
      'bad username* charset',
      BASE.replace('username="alice"', "username*=ISO-8859-1''bob"),
      'username*',
    ],
    [
      'bad username* escape',
      BASE.replace('username="alice"', "username*=UTF-8''a%zz"),
      'username*',
    ],
    ['username* not UTF-8', BASE.replace('username="alice"', "username*=UTF-8''%FF"), 'username*'],
    ['quoted username not UTF-8', BASE.replace('"alice"', '"\xff"'), 'UTF-8'],
    ['username not an octet string', BASE.replace('"alice"', '"\u0100"'), 'quoted string'],
    ['missing username', BASE.replace('username="alice", ', ''), 'missing username'],
    ['missing realm', BASE.replace('realm="MMS Public API", ', ''), 'missing realm'],
    ['missing nonce', BASE.replace('nonce="abc", ', ''), 'missing nonce'],
    ['missing uri', BASE.replace('uri="/api/x?y=1", ', ''), 'missing uri'],
    [
      'missing response',
      BASE.replace('response="0123456789abcdef0123456789ABCDEF", ', ''),
      'missing response',
    ],
    ['missing qop (RFC 2069 mode)', BASE.replace('qop=auth, ', ''), 'missing qop'],
    ['missing nc', BASE.replace('nc=00000001, ', ''), 'missing nc'],
    ['missing cnonce', BASE.replace(', cnonce="c1"', ''), 'missing cnonce'],
    ['qop auth-int', BASE.replace('qop=auth', 'qop=auth-int'), 'qop auth-int is not supported'],
    ['qop list', BASE.replace('qop=auth', 'qop="auth,auth-int"'), 'qop must be auth'],
    ['nc too long', BASE.replace('nc=00000001', 'nc=000000001'), 'nc must be'],
    ['nc not hex', BASE.replace('nc=00000001', 'nc=0000000g'), 'nc must be'],
    ['nc empty', BASE.replace('nc=00000001', 'nc=""'), 'nc must be'],
    [
      'response not hex',
      BASE.replace('0123456789abcdef0123456789ABCDEF', 'xyz'),
      'response must be hex',
    ],
    ['userhash=true', `${BASE}, userhash=TRUE`, 'userhash is not supported'],
    ['unterminated quote', BASE.replace('"c1"', '"c1'), 'quoted string'],
    ['backslash at the end', BASE.replace('"c1"', '"c1\\'), 'quoted string'],
    ['control character in quotes', BASE.replace('"c1"', '"c\x001"'), 'quoted string'],
    ['missing comma', BASE.replace(', cnonce', ' cnonce'), 'expected ","'],
    ['missing value', BASE.replace('nc=00000001', 'nc='), 'missing value'],
    ['garbage instead of a name', `${BASE}, "x"="y"`, 'unexpected character'],
    ['no scheme', '"Digest"', 'scheme'],
  ] as const)('%s', (_name, header, detail) => {
    const parsed = parseAuthorization(header);
    expect(parsed.kind).toBe('malformed');
    expect(parsed.kind === 'malformed' && parsed.detail).toContain(detail);
  });
});

describe('authorizationValues', () => {
  it('collects every Authorization value from rawHeaders, in any case', () => {
    expect(
      authorizationValues([
        'Host',
        'x',
        'authorization',
        'a',
        'Accept',
        '*/*',
        'AUTHORIZATION',
        'b',
      ]),
    ).toEqual(['a', 'b']);
    expect(authorizationValues(['Host', 'x'])).toEqual([]);
  });
});

// --- properties -------------------------------------------------------------------------

const ALPHABET = [
  'Digest',
  ' ',
  '\t',
  ',',
  '=',
  '"',
  '\\',
  'a',
  'nc',
  'qop',
  'auth',
  '0',
  'ff',
  '*',
  "'",
  '%',
  '\xe9',
  '\u0100',
];
const grammarish = fc
  .array(fc.constantFrom(...ALPHABET), { maxLength: 60, size: 'max' })
  .map((parts) => parts.join(''));

describe('parseAuthorization: properties', () => {
  it('never throws and always answers one of the three kinds', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 500, size: 'max' }),
      fc.string({ unit: 'binary', maxLength: 500, size: 'max' }),
      grammarish,
      grammarish.map((s) => `Digest ${s}`),
      fc.array(fc.oneof(fc.string(), grammarish), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(input, (header) => {
        const parsed = parseAuthorization(header);
        expect(['missing', 'malformed', 'credentials']).toContain(parsed.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any valid parameter set, however it is quoted and spaced', () => {
    fc.assert(
      fc.property(validParams, layout, (params, how) => {
        const { header } = serialize(params, how);
        expect(credentials(header)).toEqual(expectedCredentials(params));
      }),
      { numRuns: 500 },
    );
  });

  it('a mutated header never yields a field that differs outside the mutated parameter', () => {
    const mutation = fc.record({
      at: fc.nat({ max: 100_000 }),
      op: fc.constantFrom('delete', 'insert', 'duplicate'),
      ch: fc.constantFrom('"', ',', '=', '\\', ' ', 'a', '\x00', "'", '%'),
    });
    let parsedAfterMutation = 0;
    fc.assert(
      fc.property(validParams, layout, mutation, (params, how, m) => {
        const { header, spans } = serialize(params, how);
        const at = m.at % (header.length + 1);
        const mutated =
          m.op === 'delete'
            ? header.slice(0, at) + header.slice(at + 1)
            : header.slice(0, at) +
              (m.op === 'insert' ? m.ch : (header[at] ?? '')) +
              header.slice(at);
        const parsed = parseAuthorization(mutated);
        if (parsed.kind !== 'credentials') return;
        parsedAfterMutation++;
        const expected = expectedCredentials(params);
        for (const [field, [start, end]] of Object.entries(spans)) {
          if (at >= start && at <= end) continue; // this parameter itself was edited
          const key = field as keyof DigestCredentials;
          expect(parsed.credentials[key]).toEqual(expected[key]);
          if (key === 'nc') expect(parsed.credentials.ncValue).toBe(expected.ncValue);
        }
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: plenty of mutations (inside values, in whitespace) still parse.
    expect(parsedAfterMutation).toBeGreaterThan(200);
  });
});

interface Params {
  readonly username: string;
  readonly usernameStar: boolean;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: string | undefined;
  readonly qop: string;
  readonly nc: string;
  readonly cnonce: string;
  readonly extras: readonly (readonly [string, string])[];
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const token = fc.string({
  unit: fc.constantFrom(..."abcXYZ019!#$%&'*+-.^_`|~".split('')),
  minLength: 1,
  maxLength: 12,
});
const hexString = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')),
    minLength: min,
    maxLength: max,
  });
const KNOWN = [
  'username',
  'username*',
  'realm',
  'nonce',
  'uri',
  'response',
  'algorithm',
  'qop',
  'nc',
  'cnonce',
  'userhash',
];

const validParams: fc.Arbitrary<Params> = fc.record({
  username: fc.oneof(printable, fc.string({ unit: 'grapheme' })),
  usernameStar: fc.boolean(),
  realm: printable,
  nonce: printable,
  uri: printable,
  response: hexString(1, 128),
  algorithm: fc.option(fc.constantFrom('MD5', 'sha-256', 'SHA-512-256-sess', 'SHA-1'), {
    nil: undefined,
  }),
  qop: fc.constantFrom('auth', 'AUTH', 'Auth'),
  nc: hexString(1, 8),
  cnonce: printable,
  extras: fc.uniqueArray(
    fc.tuple(
      token.filter((t) => !KNOWN.includes(t.toLowerCase())),
      printable,
    ),
    { selector: ([name]) => name.toLowerCase(), maxLength: 3 },
  ),
});

interface Layout {
  readonly order: readonly number[];
  readonly quoteTokens: readonly boolean[];
  readonly spaces: readonly (readonly [string, string, string])[];
}

const ws = fc.constantFrom('', ' ', '\t', '  ');
const layout: fc.Arbitrary<Layout> = fc.record({
  order: fc.shuffledSubarray([...Array(20).keys()], { minLength: 20, maxLength: 20 }),
  quoteTokens: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  spaces: fc.array(fc.tuple(ws, ws, ws), { minLength: 20, maxLength: 20 }),
});

function isToken(value: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value);
}

function quoteRandomly(value: string, escapeAll: boolean): string {
  let out = '"';
  for (const ch of value)
    out += ch === '"' || ch === '\\' || (escapeAll && ch !== ' ') ? `\\${ch}` : ch;
  return `${out}"`;
}

function encodeExt(value: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+.^_`|~-]/.test(ch) ? ch : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A header for `params`, plus each credential field's [start, end] span in it. */
function serialize(
  params: Params,
  how: Layout,
): { header: string; spans: Record<string, [number, number]> } {
  const asciiUser = /^[\x20-\x7e]*$/.test(params.username);
  const entries: [string, string, string][] = [
    params.usernameStar || !asciiUser
      ? ['username', 'username*', encodeExt(params.username)]
      : ['username', 'username', params.username],
    ['realm', 'realm', params.realm],
    ['nonce', 'nonce', params.nonce],
    ['uri', 'uri', params.uri],
    ['response', 'response', params.response],
    ['qop', 'qop', params.qop],
    ['nc', 'nc', params.nc],
    ['cnonce', 'cnonce', params.cnonce],
    ...(params.algorithm === undefined
      ? []
      : [['algorithm', 'algorithm', params.algorithm] as [string, string, string]]),
    ...params.extras.map(([n, v]) => ['', n, v] as [string, string, string]),
  ];
  const ordered = how.order.filter((i) => i < entries.length).map((i) => entries[i]!);
  let header = 'Digest ';
  const spans: Record<string, [number, number]> = {};
  ordered.forEach(([field, name, value], i) => {
    const [a, b, c] = how.spaces[i]!;
    if (i > 0) header += `${a},${b}`;
    const start = header.length;
    const raw =
      name === 'username*' || (isToken(value) && !how.quoteTokens[i])
        ? value
        : quoteRandomly(value, how.quoteTokens[i]! && i % 2 === 0);
    header += `${name}${c}=${c}${raw}`;
    if (field) spans[field] = [start, header.length];
  });
  return { header, spans };
}

function expectedCredentials(p: Params): DigestCredentials {
  return {
    username: p.username,
    realm: p.realm,
    nonce: p.nonce,
    uri: p.uri,
    response: p.response,
    algorithm: p.algorithm,
    qop: p.qop,
    nc: p.nc,
    ncValue: Number.parseInt(p.nc, 16),
    cnonce: p.cnonce,
  };
}
