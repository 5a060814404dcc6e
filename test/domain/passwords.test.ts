import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/domain/passwords.js';

describe('console passwords', () => {
  it('hash with a fresh salt and verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('refuse tampered and foreign hashes without throwing', async () => {
    const stored = await hashPassword('another long password');
    const parts = stored.split('$');
    parts[5] = `${parts[5]?.slice(0, -2)}AA`;
    expect(await verifyPassword('another long password', parts.join('$'))).toBe(false);
    for (const foreign of [
      '',
      'plain',
      'scrypt$x$y$z$$',
      '$2b$10$abcdefghijklmnopqrstuv',
      'scrypt$99$8$1$c2FsdA$aGFzaA',
    ]) {
      expect(await verifyPassword('another long password', foreign)).toBe(false);
    }
  });
});
