import { describe, expect, it } from 'vitest';
import { ha2Of, hex } from '../../src/digest/algorithms.js';

describe('HA2, remembered per (hash, method, uri)', () => {
  it('is H(method:uri) for each hash, the rspauth form (empty method) apart', () => {
    // RFC 7616 §3.9.1's request line.
    expect(ha2Of('MD5', 'GET', '/dir/index.html')).toBe('39aff3a2bab6126f332b942af96d3366');
    for (const hash of ['MD5', 'SHA-256', 'SHA-512-256'] as const) {
      expect(ha2Of(hash, 'GET', '/x')).toBe(hex(hash, 'GET:/x'));
      expect(ha2Of(hash, '', '/x')).toBe(hex(hash, ':/x'));
      expect(ha2Of(hash, 'GET', '/x')).toBe(hex(hash, 'GET:/x'));
    }
  });

  it('stays right past its bound, whatever uris a client sends', () => {
    for (let i = 0; i < 3000; i++) {
      const uri = `/users/${i}/keys?pageNum=${i}`;
      expect(ha2Of('SHA-256', 'POST', uri)).toBe(hex('SHA-256', `POST:${uri}`));
    }
    expect(ha2Of('MD5', 'GET', '/dir/index.html')).toBe('39aff3a2bab6126f332b942af96d3366');
  });
});
