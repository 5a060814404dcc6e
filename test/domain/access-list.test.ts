// The access list's address rules: canonical blocks, what an added entry may say, which
// entry admits a client, and when a caller's own entry may not go.
import { describe, expect, it } from 'vitest';
import {
  admit,
  admittingEntry,
  canonicalBlock,
  clientAddress,
  entryBlock,
  locksOutCaller,
  singleAddress,
} from '../../src/domain/access-list.js';

describe('canonicalBlock', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4/32'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['1.2.3.4/24', '1.2.3.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1/128'],
    ['2001:db8::ff/64', '2001:db8::/64'],
    ['::ffff:1.2.3.4', '1.2.3.4/32'],
    ['::ffff:1.2.3.0/120', '1.2.3.0/24'],
    ['::1', '::1/128'],
  ])('%s is %s', (text, block) => {
    expect(canonicalBlock(text)).toBe(block);
  });

  it.each([
    '',
    'foo',
    '1.2.3',
    '127.1',
    '0x7f.0.0.1',
    '1.2.3.256',
    '1.2.3.4/33',
    '1.2.3.4/',
    '1.2.3.4/08',
    '1.2.3.4/-1',
    '1.2.3.4/24/24',
    '::1/129',
    'fe80::1%eth0',
    ' 1.2.3.4',
  ])('refuses %j', (text) => {
    expect(canonicalBlock(text)).toBeUndefined();
  });
});

describe('entryBlock', () => {
  it('takes ipAddress or cidrBlock, not both, and no block in ipAddress', () => {
    expect(entryBlock({ ipAddress: '1.2.3.4' })).toEqual({ ok: true, value: '1.2.3.4/32' });
    expect(entryBlock({ cidrBlock: '1.2.3.4/32' })).toEqual({ ok: true, value: '1.2.3.4/32' });
    expect(entryBlock({ ipAddress: '1.2.3.4', cidrBlock: '1.2.3.4/32' })).toEqual({
      ok: false,
      error: 'both-given',
    });
    expect(entryBlock({ ipAddress: '1.2.3.0/24' })).toEqual({ ok: false, error: 'invalid' });
    expect(entryBlock({})).toEqual({ ok: false, error: 'invalid' });
  });
});

describe('singleAddress', () => {
  it('names the address of a /32 or /128 only', () => {
    expect(singleAddress('1.2.3.4/32')).toBe('1.2.3.4');
    expect(singleAddress('2001:db8::1/128')).toBe('2001:db8::1');
    expect(singleAddress('1.2.3.0/24')).toBeUndefined();
  });
});

describe('admission', () => {
  const list = ['10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32', '127.0.0.2/32'];

  it('admits through the most specific entry, mapped IPv4 as IPv4', () => {
    expect(admittingEntry(list, '10.1.2.3')).toBe('10.1.0.0/16');
    expect(admittingEntry(list, '10.2.2.3')).toBe('10.0.0.0/8');
    expect(admittingEntry(list, '::ffff:10.1.2.3')).toBe('10.1.0.0/16');
    expect(admittingEntry(list, '2001:db8:1::5')).toBe('2001:db8::/32');
    expect(admittingEntry(list, '127.0.0.1')).toBeUndefined();
    expect(admittingEntry(list, 'not an address')).toBeUndefined();
    // IPv4 blocks never admit an IPv6 address, however its bits look.
    expect(admittingEntry(['0.0.0.0/0'], '::1')).toBeUndefined();
  });

  it('is open without a list, listed through an entry, refused otherwise', () => {
    expect(admit(undefined, '1.2.3.4')).toEqual({ kind: 'open' });
    expect(admit([], '1.2.3.4')).toEqual({ kind: 'open' });
    expect(admit(list, '::ffff:127.0.0.2')).toEqual({
      kind: 'listed',
      entry: '127.0.0.2/32',
      address: '127.0.0.2',
    });
    expect(admit(list, '127.0.0.3')).toEqual({ kind: 'refused', address: '127.0.0.3' });
  });

  it('normalises client addresses', () => {
    expect(clientAddress('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(clientAddress('2001:0db8::0001')).toBe('2001:db8::1');
    expect(clientAddress('x')).toBeUndefined();
  });

  it('refuses to remove the only entry that admits the caller', () => {
    expect(locksOutCaller(list, '127.0.0.2/32', '127.0.0.2')).toBe(true);
    expect(locksOutCaller(list, '10.0.0.0/8', '127.0.0.2')).toBe(false);
    // Another entry still admits the caller.
    expect(locksOutCaller(list, '10.1.0.0/16', '10.1.2.3')).toBe(false);
    expect(locksOutCaller(['10.1.0.0/16'], '10.1.0.0/16', '10.1.2.3')).toBe(true);
  });
});
