import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNonceCodec, NONCE_ISSUER_BYTES } from '../../src/digest/index.js';
import { loadNonceSecrets, rotateNonceSecret } from '../../src/domain/nonce-secrets.js';
import { type FreshStore, freshStore } from '../support/databases.js';

describe('nonce secrets', () => {
  let fresh: FreshStore;
  beforeEach(async () => {
    fresh = await freshStore('sqlite');
  });
  afterEach(() => fresh.cleanup());

  it('are created once and shared by everyone reading the database', async () => {
    const first = await loadNonceSecrets(fresh.store);
    const second = await loadNonceSecrets(fresh.store);
    expect(first).toHaveLength(1);
    expect(first[0]?.length).toBe(32);
    expect(second).toEqual(first);
  });

  it('rotate to a new signing secret while nonces signed with the old one still verify', async () => {
    const [old] = await loadNonceSecrets(fresh.store);
    // One issuer throughout: this is about secrets, not about which run issued the nonce.
    const issuer = Buffer.alloc(NONCE_ISSUER_BYTES, 3);
    const before = createNonceCodec({ secrets: [old!], lifetimeMs: 300_000, issuer });
    const nonce = before.issue();
    await rotateNonceSecret(fresh.store);
    const secrets = await loadNonceSecrets(fresh.store);
    expect(secrets).toHaveLength(2);
    expect(secrets[0]).not.toEqual(old);
    expect(secrets[1]).toEqual(old);
    const after = createNonceCodec({ secrets, lifetimeMs: 300_000, issuer });
    expect(after.open(nonce).kind).toBe('valid');
    const onlyNew = createNonceCodec({ secrets: [secrets[0]!], lifetimeMs: 300_000, issuer });
    expect(onlyNew.open(nonce).kind).toBe('forged');
  });
});
