import { describe, expect, it } from 'vitest';
import { isEmailAddress } from '../../src/domain/email.js';

// The WHATWG rule as browsers apply it to <input type=email>: the console's form and the
// server agree, and the CLI asks the same function.
describe('isEmailAddress', () => {
  it.each([
    'carol@example.com',
    'c.a+r_o-l@mail.example.co.uk',
    "o'brien@example.com",
    'root@localhost',
    'x@a-b.example',
  ])('accepts %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    '',
    'carol@@bad',
    'carol',
    'carol@',
    '@example.com',
    'carol @example.com',
    'carol@example..com',
    'carol@-example.com',
    'carol@example-.com',
    '"quoted"@example.com',
    'carol@example.com\n',
    `carol@${'a'.repeat(64)}.com`,
  ])('refuses %j', (address) => {
    expect(isEmailAddress(address)).toBe(false);
  });
});
