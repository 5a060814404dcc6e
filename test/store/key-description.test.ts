import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/domain/keys.js';
import { createUser } from '../../src/domain/users.js';
import type { Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

describe.each(dialects)('a key’s description, on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  it('changes for the key’s owner only, bumping the credentials revision', async () => {
    const owner = await createUser(store, { username: 'owner' });
    const other = await createUser(store, { username: 'other' });
    if (!owner.ok || !other.ok) throw new Error('users');
    const issued = await issueKey(store, {
      user: owner.value,
      description: 'old',
      realm: 'r',
      maxKeysPerUser: 9,
    });
    if (!issued.ok) throw new Error(issued.error);
    const keyId = issued.value.record.id;
    const before = await store.credentialsRevision();
    const changed = await store.setKeyDescription(owner.value.id, keyId, 'new');
    expect(changed).toMatchObject({ ok: true, value: { description: 'new', enabled: true } });
    expect(await store.credentialsRevision()).toBeGreaterThan(before);
    expect(await store.setKeyDescription(other.value.id, keyId, 'stolen')).toMatchObject({
      ok: false,
      error: 'key-not-found',
    });
    expect((await store.getKey(owner.value.id, keyId))?.description).toBe('new');
  });
});
