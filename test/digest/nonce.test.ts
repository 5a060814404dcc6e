import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNonceCodec, NONCE_ISSUER_BYTES } from '../../src/digest/index.js';
import { versionOneNonce } from '../support/nonce-v1.js';

const SECRET_A = Buffer.alloc(32, 0xa1);
const SECRET_B = Buffer.alloc(32, 0xb2);

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('nonce codec', () => {
  it('issues distinct 52-character base64url nonces that open as valid with their issue time', () => {
    const c = clock();
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000, now: c.now });
    const a = codec.issue();
    const b = codec.issue();
    expect(a).toMatch(/^[A-Za-z0-9_-]{52}$/);
    expect(a).not.toBe(b);
    expect(codec.open(a)).toEqual({ kind: 'valid', issuedAt: c.now() });
  });

  it('is valid up to and including its lifetime, expired after', () => {
    const c = clock();
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1000, now: c.now });
    const issuedAt = c.now();
    const nonce = codec.issue();
    c.advance(1000);
    expect(codec.open(nonce)).toEqual({ kind: 'valid', issuedAt });
    c.advance(1);
    expect(codec.open(nonce)).toEqual({ kind: 'expired', issuedAt });
    expect(codec.open(nonce, issuedAt + 10)).toEqual({ kind: 'valid', issuedAt });
  });

  it('rejects a nonce with any byte changed as forged', () => {
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000 });
    const nonce = codec.issue();
    const bytes = Buffer.from(nonce, 'base64url');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (index, xor) => {
        const forged = Buffer.from(bytes);
        forged[index]! ^= xor;
        expect(codec.open(forged.toString('base64url'))).toEqual({ kind: 'forged' });
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['too long', 'A'.repeat(53)],
    ['between the two versions', 'A'.repeat(47)],
    ['not base64url', '!'.repeat(52)],
    ['not base64url, version-1 length', '!'.repeat(42)],
  ])('rejects %s as forged', (_name, nonce) => {
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000 });
    expect(codec.open(nonce)).toEqual({ kind: 'forged' });
  });

  it('rejects a non-canonical spelling of an authentic nonce', () => {
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000 });
    // Node's base64url decoder takes the standard alphabet's + and / as well.
    let nonce = codec.issue();
    while (!/[-_]/.test(nonce)) nonce = codec.issue();
    const alias = nonce.replace('-', '+').replace('_', '/');
    expect(Buffer.from(alias, 'base64url')).toEqual(Buffer.from(nonce, 'base64url'));
    expect(codec.open(alias)).toEqual({ kind: 'forged' });
  });

  it('rejects a non-canonical spelling of a version-1 nonce', () => {
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000 });
    const nonce = versionOneNonce(SECRET_A, Date.now());
    expect(codec.open(nonce).kind).toBe('foreign');
    // 31 bytes leave the last character's 4 low bits unused; flipping them decodes the same.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(nonce.at(-1)!);
    const alias = nonce.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(alias, 'base64url')).toEqual(Buffer.from(nonce, 'base64url'));
    expect(codec.open(alias)).toEqual({ kind: 'forged' });
  });

  it('rejects a nonce signed under an unknown secret', () => {
    const other = createNonceCodec({ secrets: [SECRET_B], lifetimeMs: 300_000 });
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 300_000 });
    expect(codec.open(other.issue())).toEqual({ kind: 'forged' });
  });

  it('rotation: the new secret signs, the old one still verifies', () => {
    const issuer = Buffer.alloc(NONCE_ISSUER_BYTES, 2);
    const codec = (secrets: Buffer[]) => createNonceCodec({ secrets, lifetimeMs: 300_000, issuer });
    const before = codec([SECRET_A]);
    const after = codec([SECRET_B, SECRET_A]);
    const onlyB = codec([SECRET_B]);
    expect(after.open(before.issue()).kind).toBe('valid');
    expect(onlyB.open(after.issue()).kind).toBe('valid');
    expect(before.open(after.issue()).kind).toBe('forged');
  });

  it("opens another issuer's nonce as foreign, not valid: its nc values are tracked elsewhere", () => {
    const c = clock();
    const issuer = Buffer.alloc(NONCE_ISSUER_BYTES, 1);
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1000, now: c.now, issuer });
    const other = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1000, now: c.now });
    const again = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1000, now: c.now, issuer });
    const issuedAt = c.now();
    const nonce = codec.issue();
    expect(codec.open(nonce)).toEqual({ kind: 'valid', issuedAt });
    // The issuer is named, so the window that tracks it can be asked (replay-routes.ts).
    expect(other.open(nonce)).toEqual({
      kind: 'foreign',
      issuedAt,
      issuer: issuer.toString('hex'),
    });
    expect(again.open(nonce)).toEqual({ kind: 'valid', issuedAt });
    expect(codec.open(other.issue())).toMatchObject({ kind: 'foreign', issuedAt });
    c.advance(1001);
    expect(other.open(nonce)).toEqual({ kind: 'expired', issuedAt });
  });

  it('asks an issuer function on every issue and open (a shared store changes its epoch)', () => {
    let issuer = Buffer.alloc(NONCE_ISSUER_BYTES, 1);
    const codec = createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1000, issuer: () => issuer });
    const before = codec.issue();
    expect(codec.open(before).kind).toBe('valid');
    issuer = Buffer.alloc(NONCE_ISSUER_BYTES, 2);
    expect(codec.open(before)).toMatchObject({ kind: 'foreign', issuer: '01'.repeat(8) });
    expect(codec.open(codec.issue()).kind).toBe('valid');
  });

  it('opens an authentic version-1 nonce as foreign, or expired; a forged one as forged', () => {
    const c = clock();
    const codec = createNonceCodec({ secrets: [SECRET_B, SECRET_A], lifetimeMs: 1000, now: c.now });
    const issuedAt = c.now();
    const nonce = versionOneNonce(SECRET_A, issuedAt);
    expect(nonce).toHaveLength(42);
    expect(codec.open(nonce)).toEqual({ kind: 'foreign', issuedAt });
    expect(codec.open(versionOneNonce(Buffer.alloc(32, 0xc3), issuedAt))).toEqual({
      kind: 'forged',
    });
    const tampered = Buffer.from(nonce, 'base64url');
    tampered[3]! ^= 1;
    expect(codec.open(tampered.toString('base64url'))).toEqual({ kind: 'forged' });
    c.advance(1001);
    expect(codec.open(nonce)).toEqual({ kind: 'expired', issuedAt });
  });

  it('refuses an issuer of the wrong length', () => {
    expect(() =>
      createNonceCodec({ secrets: [SECRET_A], lifetimeMs: 1, issuer: Buffer.alloc(4) }),
    ).toThrow(/issuer/);
  });

  it('refuses to start without a secret or with a short one', () => {
    expect(() => createNonceCodec({ secrets: [], lifetimeMs: 1 })).toThrow(/secret/);
    expect(() => createNonceCodec({ secrets: [Buffer.alloc(8)], lifetimeMs: 1 })).toThrow(
      /16 bytes/,
    );
  });
});
