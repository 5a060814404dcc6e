import { describe, expect, it } from 'vitest';
import { expiryOf, isLive, parseDuration, sooner } from '../../src/domain/expiry.js';

describe('key expiry primitives', () => {
  it('parses one number and one unit, and refuses anything else', () => {
    expect(parseDuration('36h')).toEqual({ ok: true, value: 36 * 3_600_000 });
    expect(parseDuration('90d')).toEqual({ ok: true, value: 90 * 86_400_000 });
    expect(parseDuration('2s')).toEqual({ ok: true, value: 2000 });
    for (const nonsense of [
      '',
      '0d',
      '90',
      'd',
      '1.5h',
      '-1d',
      '90D',
      '1w',
      '3651d',
      '1h30m',
      '01d',
    ]) {
      expect(parseDuration(nonsense), nonsense).toEqual({ ok: false, error: 'invalid-duration' });
    }
  });

  it('caps a requested lifetime at the maximum, and gives the maximum when none is asked', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(expiryOf(undefined, undefined, now)).toBeUndefined();
    expect(expiryOf(3_600_000, undefined, now)).toBe('2026-01-01T01:00:00Z');
    expect(expiryOf(undefined, 86_400_000, now)).toBe('2026-01-02T00:00:00Z');
    expect(expiryOf(2 * 86_400_000, 86_400_000, now)).toBe('2026-01-02T00:00:00Z');
    expect(sooner('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(sooner('2026-01-02T00:00:00Z', undefined)).toBe('2026-01-02T00:00:00Z');
  });

  it('counts a key live strictly before its expiry', () => {
    const ha1 = { MD5: '', 'SHA-256': '', 'SHA-512-256': '' };
    expect(isLive({ keyId: 'k', ha1 }, 1e15)).toBe(true);
    expect(isLive({ keyId: 'k', ha1, expiresAtMs: 1000 }, 999)).toBe(true);
    expect(isLive({ keyId: 'k', ha1, expiresAtMs: 1000 }, 1000)).toBe(false);
  });
});
