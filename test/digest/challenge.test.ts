import { describe, expect, it } from 'vitest';
import {
  authenticationInfo,
  challengeHeaders,
  computeHa1,
  computeResponse,
  hex,
} from '../../src/digest/index.js';

describe('challengeHeaders', () => {
  it('writes the Atlas challenge byte for byte, one line per algorithm, same nonce', () => {
    expect(challengeHeaders('MMS Public API', 'abc-_123', ['MD5', 'SHA-256'], false)).toEqual([
      'Digest realm="MMS Public API", domain="", nonce="abc-_123", algorithm=MD5, qop="auth", stale=false',
      'Digest realm="MMS Public API", domain="", nonce="abc-_123", algorithm=SHA-256, qop="auth", stale=false',
    ]);
  });

  it('keeps the configured order and writes stale=true unquoted', () => {
    expect(challengeHeaders('r', 'n', ['SHA-512-256-sess', 'MD5'], true)).toEqual([
      'Digest realm="r", domain="", nonce="n", algorithm=SHA-512-256-sess, qop="auth", stale=true',
      'Digest realm="r", domain="", nonce="n", algorithm=MD5, qop="auth", stale=true',
    ]);
  });

  it('escapes quotes and backslashes in the realm', () => {
    const [line] = challengeHeaders('a "b" \\c', 'n', ['MD5'], false);
    expect(line).toBe(
      'Digest realm="a \\"b\\" \\\\c", domain="", nonce="n", algorithm=MD5, qop="auth", stale=false',
    );
  });
});

describe('authenticationInfo', () => {
  const fields = { nonce: 'N', nc: '0000000a', cnonce: 'C', qop: 'auth', uri: '/x?y=1' };

  it('is rspauth with HA2 = H(":" uri), then cnonce, nc as sent, qop', () => {
    const ha1 = computeHa1('SHA-256', 'u', 'r', 'p');
    const ha2 = hex('SHA-256', ':/x?y=1');
    const rspauth = hex('SHA-256', `${ha1}:N:0000000a:C:auth:${ha2}`);
    expect(authenticationInfo('SHA-256', ha1, fields)).toBe(
      `rspauth="${rspauth}", cnonce="C", nc=0000000a, qop=auth`,
    );
  });

  it('equals the client response computed with an empty method', () => {
    const ha1 = computeHa1('MD5', 'u', 'r', 'p');
    const expected = computeResponse('MD5-sess', ha1, { ...fields, method: '' });
    expect(authenticationInfo('MD5-sess', ha1, fields)).toContain(`rspauth="${expected}"`);
  });
});
