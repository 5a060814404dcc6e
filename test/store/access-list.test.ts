// Access-list entries against SQLite and PostgreSQL: added once per canonical block,
// paged oldest first, deleted, counted in batches, kept apart per owner, gone with their
// user (a programmatic key's with the key or its org), and carried with the owner's
// credentials for the hot path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessOwner } from '../../src/domain/access-list.js';
import { newObjectId } from '../../src/domain/ids.js';
import type { Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

const T0 = '2018-05-14T14:45:22Z';
const T1 = '2018-05-14T14:46:00Z';
const T2 = '2018-05-14T14:47:00Z';
const all = { offset: 0, limit: 100, includeCount: true };

describe.each(dialects)('access lists on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  let user: AccessOwner;
  let username: string;

  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
    const created = await store.createUser({
      id: 'a'.repeat(24),
      username: 'ada',
      firstName: '',
      lastName: '',
      emailAddress: '',
      createdAt: T0,
      globalRoles: [],
      orgRoles: [],
    });
    if (!created.ok) throw new Error(created.error);
    user = { kind: 'user', id: created.value.id };
    username = created.value.username;
  });
  afterEach(() => fresh.cleanup());

  it('adds each block once, keeps the first comment, and bumps the revision', async () => {
    const before = await store.credentialsRevision();
    const first = await store.addAccessEntries(
      user,
      [
        { cidrBlock: '10.0.0.0/8', comment: 'office', created: T0 },
        { cidrBlock: '2001:db8::/32', created: T0 },
      ],
      500,
    );
    expect(first.ok && first.revision).toBeGreaterThan(before);
    await store.addAccessEntries(
      user,
      [
        { cidrBlock: '10.0.0.0/8', comment: 'again', created: T1 },
        { cidrBlock: '192.0.2.7/32', created: T1 },
      ],
      500,
    );
    const page = await store.listAccessEntries(user, all);
    expect(page.total).toBe(3);
    expect(page.items).toEqual([
      { cidrBlock: '10.0.0.0/8', comment: 'office', count: 0, created: T0 },
      { cidrBlock: '2001:db8::/32', count: 0, created: T0 },
      { cidrBlock: '192.0.2.7/32', count: 0, created: T1 },
    ]);
    const second = await store.listAccessEntries(user, {
      offset: 1,
      limit: 1,
      includeCount: false,
    });
    expect(second).toEqual({ items: [page.items[1]] });
    expect(await store.getAccessEntry(user, '192.0.2.7/32')).toEqual(page.items[2]);
    expect(await store.getAccessEntry(user, '192.0.2.8/32')).toBeUndefined();
    expect(await store.accessBlocks(user)).toEqual(['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']);
  });

  it('refuses a body that would take the list past its cap, whole; listed blocks do not count twice', async () => {
    const add = (...blocks: string[]) =>
      store.addAccessEntries(
        user,
        blocks.map((cidrBlock) => ({ cidrBlock, created: T0 })),
        3,
      );
    expect((await add('10.0.0.0/8', '10.1.0.0/16')).ok).toBe(true);
    expect((await add('10.0.0.0/8', '10.2.0.0/16')).ok).toBe(true);
    expect(await add('10.3.0.0/16', '10.4.0.0/16')).toEqual({
      ok: false,
      error: 'too-many-entries',
    });
    expect(await store.accessBlocks(user)).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16']);
  });

  it('never passes its cap, however many adds arrive at once', async () => {
    const adds = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.addAccessEntries(user, [{ cidrBlock: `10.${i}.0.0/16`, created: T0 }], 3),
      ),
    );
    expect(adds.filter((add) => add.ok)).toHaveLength(3);
    expect(await store.accessBlocks(user)).toHaveLength(3);
  });

  it('keeps owners apart, and an apiKey owner with the same id is another list', async () => {
    const key: AccessOwner = { kind: 'apiKey', id: user.id };
    await store.addAccessEntries(user, [{ cidrBlock: '10.0.0.0/8', created: T0 }], 500);
    await store.addAccessEntries(key, [{ cidrBlock: '10.0.0.0/8', created: T0 }], 500);
    await store.addAccessEntries(key, [{ cidrBlock: '192.0.2.0/24', created: T0 }], 500);
    expect(await store.accessBlocks(user)).toEqual(['10.0.0.0/8']);
    expect(await store.accessBlocks(key)).toEqual(['10.0.0.0/8', '192.0.2.0/24']);
    expect((await store.deleteAccessEntry(key, '10.0.0.0/8')).ok).toBe(true);
    expect(await store.accessBlocks(user)).toEqual(['10.0.0.0/8']);
  });

  it('deletes an entry once, with a revision, and says when there is none', async () => {
    await store.addAccessEntries(user, [{ cidrBlock: '10.0.0.0/8', created: T0 }], 500);
    const before = await store.credentialsRevision();
    const deleted = await store.deleteAccessEntry(user, '10.0.0.0/8');
    expect(deleted.ok && deleted.revision).toBeGreaterThan(before);
    expect(await store.deleteAccessEntry(user, '10.0.0.0/8')).toEqual({
      ok: false,
      error: 'entry-not-found',
    });
  });

  it('adds batched use: counts add up, the latest use and its address win', async () => {
    await store.addAccessEntries(user, [{ cidrBlock: '10.0.0.0/8', created: T0 }], 500);
    const use = (count: number, lastUsed: string, lastUsedAddress: string) => ({
      owner: user,
      cidrBlock: '10.0.0.0/8',
      count,
      lastUsed,
      lastUsedAddress,
    });
    await store.applyAccessUsage([use(2, T1, '10.1.1.1')]);
    // A late flush from another instance, older than what is stored, adds its count only.
    await store.applyAccessUsage([
      use(3, T0, '10.9.9.9'),
      { ...use(1, T2, '192.0.2.1'), cidrBlock: '192.0.2.0/24' },
    ]);
    expect(await store.getAccessEntry(user, '10.0.0.0/8')).toMatchObject({
      count: 5,
      lastUsed: T1,
      lastUsedAddress: '10.1.1.1',
    });
    await store.applyAccessUsage([use(1, T2, '10.2.2.2')]);
    expect(await store.getAccessEntry(user, '10.0.0.0/8')).toMatchObject({
      count: 6,
      lastUsed: T2,
      lastUsedAddress: '10.2.2.2',
    });
  });

  it('loads the list with the credentials and deletes it with the user', async () => {
    const accessListOf = async (name: string) => {
      const credentials = await store.loadCredentials(name);
      return credentials && 'user' in credentials ? credentials.accessList : undefined;
    };
    expect(await accessListOf(username)).toEqual([]);
    await store.addAccessEntries(user, [{ cidrBlock: '192.0.2.7/32', created: T0 }], 500);
    expect(await accessListOf(username)).toEqual(['192.0.2.7/32']);
    expect((await store.deleteUser(user.id)).ok).toBe(true);
    expect(await store.accessBlocks(user)).toEqual([]);
  });

  it('loads a programmatic key’s list with its credentials; gone with the key, or its org', async () => {
    const orgId = newObjectId();
    await store.createOrg({ id: orgId, name: 'Org', createdAt: T0 });
    const createKey = async (publicKey: string) => {
      const id = newObjectId();
      const tag = { MD5: publicKey, 'SHA-256': publicKey, 'SHA-512-256': publicKey };
      const created = await store.createOrgApiKey({
        id,
        orgId,
        publicKey,
        description: 'ci',
        roles: ['ORG_MEMBER'],
        createdAt: T0,
        suffix: id.slice(-12),
        ha1: tag,
      });
      if (!created.ok) throw new Error(created.error);
      const owner: AccessOwner = { kind: 'apiKey', id };
      await store.addAccessEntries(owner, [{ cidrBlock: '192.0.2.7/32', created: T0 }], 500);
      return owner;
    };
    const first = await createKey('aaaaaaaa');
    const second = await createKey('bbbbbbbb');
    const credentials = await store.loadCredentials('aaaaaaaa');
    expect(credentials && 'apiKey' in credentials && credentials.accessList).toEqual([
      '192.0.2.7/32',
    ]);
    expect((await store.deleteOrgApiKey(orgId, first.id)).ok).toBe(true);
    expect(await store.accessBlocks(first)).toEqual([]);
    expect(await store.accessBlocks(second)).toEqual(['192.0.2.7/32']);
    // Deleting the org cascades to its keys: their lists go in the same transaction.
    expect((await store.deleteOrg(orgId)).ok).toBe(true);
    expect(await store.accessBlocks(second)).toEqual([]);
    expect(await store.accessBlocks(user)).toEqual([]);
  });
});
