import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Algorithm,
  computeHa1,
  computeResponse,
  hashOf,
  hex,
  parseAlgorithm,
  sessionHa1,
} from '../../src/digest/index.js';

// RFC 7616 §3.9.1 (the same exchange under MD5 and SHA-256).
const RFC7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  qop: 'auth',
  method: 'GET',
  uri: '/dir/index.html',
};

describe('RFC 7616 §3.9.1', () => {
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const)('%s response', (alg, expected) => {
    const ha1 = computeHa1(hashOf(alg), RFC7616.username, RFC7616.realm, RFC7616.password);
    expect(computeResponse(alg, ha1, RFC7616)).toBe(expected);
  });
});

describe('RFC 2617 §3.5', () => {
  it('MD5 response for Mufasa at testrealm@host.com', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const response = computeResponse('MD5', ha1, {
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      cnonce: '0a4f113b',
      nc: '00000001',
      qop: 'auth',
      method: 'GET',
      uri: '/dir/index.html',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe('hash functions', () => {
  it('SHA-512-256 is FIPS 180-4 SHA-512/256, not truncated SHA-512', () => {
    expect(hex('SHA-512-256', 'abc')).toBe(
      '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23',
    );
  });

  it('hashes strings as UTF-8', () => {
    const utf8 = createHash('md5')
      .update(Buffer.from([0xc3, 0xa9]))
      .digest('hex');
    expect(hex('MD5', 'é')).toBe(utf8);
  });

  it('-sess HA1 is H(HA1:nonce:cnonce); plain algorithms use HA1 unchanged', () => {
    const ha1 = computeHa1('SHA-256', 'u', 'r', 'p');
    expect(sessionHa1('SHA-256', ha1, 'n', 'c')).toBe(ha1);
    expect(sessionHa1('SHA-256-sess', ha1, 'n', 'c')).toBe(hex('SHA-256', `${ha1}:n:c`));
  });
});

describe('parseAlgorithm', () => {
  it.each([
    ['MD5', 'MD5'],
    ['md5', 'MD5'],
    ['md5-SESS', 'MD5-sess'],
    ['sha-256', 'SHA-256'],
    ['SHA-512-256-Sess', 'SHA-512-256-sess'],
  ] as const)('%s → %s', (token, alg: Algorithm) => {
    expect(parseAlgorithm(token)).toBe(alg);
  });

  it.each(['', 'SHA-1', 'SHA256', 'MD5 ', 'sess', 'SHA-512'])('rejects %j', (token) => {
    expect(parseAlgorithm(token)).toBeUndefined();
  });
});
