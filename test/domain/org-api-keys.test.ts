import { describe, expect, it } from 'vitest';
import {
  checkApiKeyChanges,
  generatePublicKey,
  isValidApiKeyDesc,
} from '../../src/domain/org-api-keys.js';

describe('programmatic key rules', () => {
  it('draws public keys of 8 lowercase letters, every letter alike', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const key = generatePublicKey();
      expect(key).toMatch(/^[a-z]{8}$/);
      for (const letter of key) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
    // 16,000 letters: ~615 each; a biased draw (byte % 26) would skew a-v by ~8%.
    expect(counts.size).toBe(26);
    for (const count of counts.values()) expect(count).toBeGreaterThan(480);
  });

  it('wants a description of 1-250 characters, not only spaces', () => {
    expect(isValidApiKeyDesc(undefined)).toBe(false);
    expect(isValidApiKeyDesc('')).toBe(false);
    expect(isValidApiKeyDesc('  ')).toBe(false);
    expect(isValidApiKeyDesc('x'.repeat(251))).toBe(false);
    expect(isValidApiKeyDesc('x'.repeat(250))).toBe(true);
  });

  it('checks a create: desc first, then at least one known role', () => {
    expect(checkApiKeyChanges({ roles: ['NOPE'] }, true)).toEqual({
      ok: false,
      error: 'invalid-desc',
    });
    expect(checkApiKeyChanges({ desc: 'x' }, true)).toEqual({ ok: false, error: 'missing-roles' });
    expect(checkApiKeyChanges({ desc: 'x', roles: [] }, true)).toEqual({
      ok: false,
      error: 'missing-roles',
    });
    expect(checkApiKeyChanges({ desc: 'x', roles: ['ORG_OWNER', 'GROUP_OWNER'] }, true)).toEqual({
      ok: false,
      error: 'unknown-role',
      role: 'GROUP_OWNER',
    });
    expect(
      checkApiKeyChanges(
        { desc: 'x', roles: ['ORG_READ_ONLY', 'ORG_MEMBER', 'ORG_READ_ONLY'] },
        true,
      ),
    ).toEqual({ ok: true, value: { description: 'x', roles: ['ORG_MEMBER', 'ORG_READ_ONLY'] } });
  });

  it('checks an update: each field only when given', () => {
    expect(checkApiKeyChanges({}, false)).toEqual({ ok: true, value: {} });
    expect(checkApiKeyChanges({ desc: 'y' }, false)).toEqual({
      ok: true,
      value: { description: 'y' },
    });
    expect(checkApiKeyChanges({ roles: ['ORG_OWNER'] }, false)).toEqual({
      ok: true,
      value: { roles: ['ORG_OWNER'] },
    });
    expect(checkApiKeyChanges({ desc: '' }, false)).toEqual({ ok: false, error: 'invalid-desc' });
    expect(checkApiKeyChanges({ roles: [] }, false)).toEqual({ ok: false, error: 'missing-roles' });
  });
});
