import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../src/domain/users.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

describe.each(dialects)('console password hashes on %s', (dialect) => {
  let fresh: FreshStore;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
  });
  afterEach(() => fresh.cleanup());

  it('are stored with the user, replaced, removed, and absent for unknown users', async () => {
    const { store } = fresh;
    expect(
      (await createUser(store, { username: 'owner', globalOwner: true, passwordHash: 'scrypt$h1' }))
        .ok,
    ).toBe(true);
    expect((await createUser(store, { username: 'plain' })).ok).toBe(true);
    expect(await store.getPasswordHash('owner')).toBe('scrypt$h1');
    expect(await store.getPasswordHash('plain')).toBeUndefined();
    expect(await store.setPasswordHash('owner', 'scrypt$h2')).toBe(true);
    expect(await store.getPasswordHash('owner')).toBe('scrypt$h2');
    expect(await store.setPasswordHash('owner', null)).toBe(true);
    expect(await store.getPasswordHash('owner')).toBeUndefined();
    expect(await store.setPasswordHash('nobody', 'scrypt$h3')).toBe(false);
    expect(await store.getPasswordHash('nobody')).toBeUndefined();
  });
});
