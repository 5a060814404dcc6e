// Programmatic API keys in the store, against SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import type { Ha1Set, OrgRole } from '../../src/domain/records.js';
import type { NewOrgApiKey, Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

const T0 = '2026-11-30T05:00:00Z';
const all = { offset: 0, limit: 100, includeCount: true };
const ha1 = (tag: string): Ha1Set => ({
  MD5: `md5-${tag}`,
  'SHA-256': `sha256-${tag}`,
  'SHA-512-256': `sha512-${tag}`,
});

describe.each(dialects)('programmatic API keys on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  let orgId: string;

  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
    orgId = newObjectId();
    await store.createOrg({ id: orgId, name: 'Org', createdAt: T0 });
  });
  afterEach(() => fresh.cleanup());

  const newKey = (publicKey: string, roles: OrgRole[] = ['ORG_MEMBER']): NewOrgApiKey => {
    const id = newObjectId();
    return {
      id,
      orgId,
      publicKey,
      description: `key ${publicKey}`,
      roles,
      createdAt: T0,
      suffix: id.slice(-12),
      ha1: ha1(publicKey),
    };
  };
  const create = async (key: NewOrgApiKey) => {
    const created = await store.createOrgApiKey(key);
    if (!created.ok) throw new Error(created.error);
    return created;
  };

  it('creates, reads, lists, updates and deletes, bumping the revision each time', async () => {
    let revision = await store.credentialsRevision();
    const bumped = async () => {
      const now = await store.credentialsRevision();
      const grew = now > revision;
      revision = now;
      return grew;
    };
    const a = newKey('aaaaaaaa', ['ORG_OWNER', 'ORG_MEMBER']);
    const created = await create(a);
    expect(created.value).toEqual({
      id: a.id,
      orgId,
      publicKey: 'aaaaaaaa',
      description: 'key aaaaaaaa',
      roles: ['ORG_MEMBER', 'ORG_OWNER'],
      createdAt: T0,
      usedCount: 0,
      suffix: a.suffix,
    });
    expect(created.revision).toBe(await store.credentialsRevision());
    expect(await bumped()).toBe(true);
    const b = (await create(newKey('bbbbbbbb'))).value;
    expect(await store.getOrgApiKey(orgId, a.id)).toEqual(created.value);
    expect(await store.getOrgApiKey(newObjectId(), a.id)).toBeUndefined();
    expect(await store.listOrgApiKeys(orgId, all)).toEqual({ items: [created.value, b], total: 2 });
    const second = await store.listOrgApiKeys(orgId, { offset: 1, limit: 1, includeCount: false });
    expect(second).toEqual({ items: [b] });
    await bumped();

    const renamed = await store.updateOrgApiKey(orgId, a.id, { description: 'renamed' });
    expect(renamed.ok && renamed.value).toMatchObject({
      description: 'renamed',
      roles: ['ORG_MEMBER', 'ORG_OWNER'],
    });
    expect(await bumped()).toBe(true);
    const reroled = await store.updateOrgApiKey(orgId, a.id, { roles: ['ORG_READ_ONLY'] });
    expect(reroled.ok && reroled.value).toMatchObject({
      description: 'renamed',
      roles: ['ORG_READ_ONLY'],
    });
    expect(await bumped()).toBe(true);
    expect(await store.updateOrgApiKey(newObjectId(), a.id, { description: 'x' })).toEqual({
      ok: false,
      error: 'key-not-found',
    });

    const deleted = await store.deleteOrgApiKey(orgId, a.id);
    expect(deleted.ok && deleted.value.publicKey).toBe('aaaaaaaa');
    expect(await bumped()).toBe(true);
    expect(await store.deleteOrgApiKey(orgId, a.id)).toEqual({ ok: false, error: 'key-not-found' });
    expect(await store.listOrgApiKeys(orgId, all)).toEqual({ items: [b], total: 1 });
  });

  it('loads a key’s credentials by its public key, and no longer once deleted', async () => {
    const key = newKey('cccccccc', ['ORG_OWNER']);
    const { value } = await create(key);
    expect(await store.loadCredentials('cccccccc')).toEqual({
      apiKey: value,
      keys: [{ keyId: key.id, ha1: key.ha1 }],
      accessList: [],
    });
    await store.deleteOrgApiKey(orgId, key.id);
    expect(await store.loadCredentials('cccccccc')).toBeUndefined();
  });

  it('keeps public keys and usernames apart, in both directions', async () => {
    await create(newKey('dddddddd'));
    expect(await store.createOrgApiKey(newKey('dddddddd'))).toEqual({
      ok: false,
      error: 'public-key-taken',
    });
    const user = (username: string) => ({
      id: newObjectId(),
      username,
      firstName: '',
      lastName: '',
      emailAddress: '',
      createdAt: T0,
      globalRoles: [],
      orgRoles: [],
    });
    expect(await store.createUser(user('dddddddd'))).toEqual({
      ok: false,
      error: 'username-taken',
    });
    expect((await store.createUser(user('eeeeeeee'))).ok).toBe(true);
    expect(await store.createOrgApiKey(newKey('eeeeeeee'))).toEqual({
      ok: false,
      error: 'public-key-taken',
    });
    const creds = await store.loadCredentials('eeeeeeee');
    expect(creds && 'user' in creds).toBe(true);
  });

  it('refuses a key for an org that does not exist, and goes with its org', async () => {
    expect(await store.createOrgApiKey({ ...newKey('ffffffff'), orgId: newObjectId() })).toEqual({
      ok: false,
      error: 'org-not-found',
    });
    await create(newKey('gggggggg'));
    expect((await store.deleteOrg(orgId)).ok).toBe(true);
    expect(await store.loadCredentials('gggggggg')).toBeUndefined();
  });

  it('counts usage in the same flush as personal keys', async () => {
    const key = newKey('hhhhhhhh');
    await create(key);
    await store.applyUsage([
      { keyId: key.id, count: 2, lastUsed: '2026-11-30T05:01:00Z' },
      { keyId: key.id, count: 3, lastUsed: '2026-11-30T05:00:30Z' },
      { keyId: newObjectId(), count: 1, lastUsed: '2026-11-30T05:01:00Z' },
    ]);
    expect(await store.getOrgApiKey(orgId, key.id)).toMatchObject({
      usedCount: 5,
      lastUsed: '2026-11-30T05:01:00Z',
    });
  });
});
