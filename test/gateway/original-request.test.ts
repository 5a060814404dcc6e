import { describe, expect, it } from 'vitest';
import { NO_ORIGINAL_REQUEST, originalRequest } from '../../src/gateway/original-request.js';

const raw = (...pairs: [string, string][]) => pairs.flat();

describe('originalRequest', () => {
  it('reads either convention, header names in any case', () => {
    expect(originalRequest(raw(['X-Original-Method', 'POST'], ['x-original-uri', '/a?b']))).toEqual(
      { ok: true, value: { method: 'POST', uri: '/a?b' } },
    );
    expect(originalRequest(raw(['X-FORWARDED-METHOD', 'GET'], ['X-Forwarded-Uri', '/c']))).toEqual({
      ok: true,
      value: { method: 'GET', uri: '/c' },
    });
    // Both, naming the same request: nothing to choose between.
    const both = raw(
      ['X-Original-Method', 'GET'],
      ['X-Original-URI', '/c'],
      ['X-Forwarded-Method', 'GET'],
      ['X-Forwarded-Uri', '/c'],
    );
    expect(originalRequest(both).ok).toBe(true);
  });

  it('refuses what a client could have slipped in beside the proxy’s headers', () => {
    const problems = [
      raw(),
      raw(['X-Forwarded-Host', 'a.example']),
      raw(['X-Original-Method', 'GET']),
      raw(['X-Original-Method', 'GET'], ['X-Original-URI', '/a'], ['X-Original-URI', '/b']),
      raw(['X-Original-Method', 'G T'], ['X-Original-URI', '/a']),
      raw(['X-Original-Method', 'GET'], ['X-Original-URI', '']),
      raw(
        ['X-Original-Method', 'GET'],
        ['X-Original-URI', '/a'],
        ['X-Forwarded-Method', 'GET'],
        ['X-Forwarded-Uri', '/admin'],
      ),
    ];
    for (const headers of problems) expect(originalRequest(headers).ok, headers.join()).toBe(false);
    expect(originalRequest(raw())).toEqual({ ok: false, error: NO_ORIGINAL_REQUEST });
  });

  it('ignores headers named like Object.prototype members', () => {
    const headers = raw(
      ['constructor', 'x'],
      ['X-Original-Method', 'GET'],
      ['X-Original-URI', '/'],
    );
    expect(originalRequest(headers).ok).toBe(true);
  });
});
